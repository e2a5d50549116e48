"""A run written to a folder: pages.jsonl from the sink, then the corpus stages read it back (a resumed
run's earlier pages included) and write duplicates.jsonl and reuse_candidates.jsonl beside it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rawi.engine.corpus import ArticleText, article_texts, duplicate_groups, reuse_candidates
from rawi.engine.sinks import PAGES

DUPLICATES = "duplicates.jsonl"
REUSE = "reuse_candidates.jsonl"


def iter_folder_pages(folder: Path) -> Iterator[dict[str, Any]]:
    with (folder / PAGES).open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def folder_articles(folder: Path) -> Iterator[ArticleText]:
    for page in iter_folder_pages(folder):
        yield from article_texts(page)


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)  # all or nothing: a killed run never leaves half a file


def corpus_stages(folder: Path) -> dict[str, int]:
    """Duplicate groups and reuse candidates over every article in the folder's pages.jsonl."""
    if not (folder / PAGES).exists():
        return {}
    groups = duplicate_groups(folder_articles(folder))
    write_jsonl(folder / DUPLICATES, groups)
    pairs = reuse_candidates(folder_articles(folder))
    write_jsonl(folder / REUSE, pairs)
    return {
        "duplicate groups": len(groups),
        "articles in duplicate groups": sum(g["size"] for g in groups),
        "reuse candidates": len(pairs),
    }

"""`rawi analyze` as a user runs it: a real process, real files, the output schema, errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RAWI = [sys.executable, "-m", "rawi"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RAWI, *args], capture_output=True, text=True, timeout=300)


def _json_stream(text: str) -> list[dict]:
    """The pretty-printed objects of `--format json`, one after another."""
    decoder = json.JSONDecoder()
    objects, pos = [], 0
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            break
        obj, pos = decoder.raw_decode(text, pos)
        objects.append(obj)
    return objects


def test_analyze_seeds_json_schema(shared: Path) -> None:
    proc = _run("analyze", str(shared / "corpus" / "seeds"), "--format", "json", "--quiet")
    assert proc.returncode == 0, proc.stderr
    pages = _json_stream(proc.stdout)
    assert len(pages) == 3
    for page in pages:
        assert set(page) == {"page", "articles"}
        assert {"id", "uri", "tags", "related_headlines", "removed"} <= set(page["page"])
        for position, article in enumerate(page["articles"]):
            assert article["position"] == position
            assert article["text"] == "\n\n".join(article["paragraphs"])
            for key in ("title", "subheadings", "credits", "cited", "tags", "dateline", "published", "language"):
                assert key in article
            for key in ("entities", "quotes", "dates", "summary"):
                assert isinstance(article[key], list)
    first = next(p for p in pages if p["page"]["uri"].endswith("000_7be0f9684ebf0992.txt"))
    assert [a["role"] for a in first["articles"]] == ["main", "embedded"]
    assert first["articles"][0]["credits"] == [{"name": "صدى البلد", "kind": "source"}]


def test_analyze_jsonl_and_text_formats(shared: Path) -> None:
    seed = str(shared / "corpus" / "seeds" / "004_3bd3b5d9f01e1814.txt")
    proc = _run("analyze", seed, "--format", "jsonl", "--quiet")
    lines = proc.stdout.strip().split("\n")
    assert len(lines) == 1 and json.loads(lines[0])["articles"][1]["role"] == "embedded"
    text = _run("analyze", seed, "--format", "text", "--quiet").stdout
    assert "article 1 [embedded]" in text and "share_bar" in text and "RT (source)" in text


def test_bad_inputs_are_reported_and_the_rest_processed(tmp_path: Path, shared: Path) -> None:
    (tmp_path / "a_good.txt").write_text((shared / "corpus" / "seeds" / "001_4d27d996705a06bd.txt").read_text())
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_binary.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "d_lines.jsonl").write_text('{"content": "نص الخبر الأول هنا.", "title": "عنوان"}\nnot json\n')
    proc = _run("analyze", str(tmp_path), "--format", "jsonl")
    assert proc.returncode == 1
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert any("b_empty.txt" in e for e in errors)
    assert any("c_binary.bin" in e for e in errors)
    assert any("d_lines.jsonl:2" in e for e in errors)
    uris = [json.loads(ln)["page"]["uri"] for ln in proc.stdout.strip().split("\n")]
    assert any(u.endswith("a_good.txt") for u in uris)
    assert len(uris) == 2  # the good text file and the good JSONL line
    assert "failures" in proc.stderr  # the closing table counts them


def test_missing_path_is_one_clear_line(tmp_path: Path) -> None:
    proc = _run("analyze", str(tmp_path / "nope.txt"))
    assert proc.returncode == 1
    assert "nope.txt" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_entry_points(flag: str) -> None:
    proc = _run(flag)
    assert proc.returncode == 0 and "rawi" in proc.stdout

"""The Spark engine (local mode) against the local engine on the seeds plus 2,000 SaudiNewsNet articles:
the same pages, articles, entities and quotes, the same duplicate groups and reuse candidates, the same
errors; and its Parquet output stored by `rawi ingest --from-parquet` is the store a local run makes."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark")
pq = pytest.importorskip("pyarrow.parquet")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java 17 (.ci/run installs it)", allow_module_level=True)

from rawi.engine.folder import DUPLICATES, REUSE  # noqa: E402
from rawi.engine.runner import RunOptions, run_local  # noqa: E402
from rawi.engine.sinks import ERRORS, PAGES, ErrorLog, JsonlSink  # noqa: E402

RAWI = [sys.executable, "-m", "rawi"]
ARTICLES = 2000


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from rawi.engine.spark import session

    s = session("local[2]", shuffle_partitions=4, app="rawi-tests")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def inputs(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The seeds and two days' first records of SaudiNewsNet, 2,000 articles with text in all (two files:
    two partitions)."""
    folder = tmp_path_factory.mktemp("sns")
    files = []
    for day in ("2015-07-21", "2015-07-22"):
        src = shared / "corpus" / "saudinewsnet" / f"{day}.jsonl.gz"
        with gzip.open(src, "rt", encoding="utf-8") as fh:
            rows = [line for line in fh if json.loads(line).get("content", "").strip()]
        path = folder / f"{day}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as out:
            out.writelines(islice(rows, ARTICLES // 2))
            out.write('{"content": ""}\n')  # one bad record each: errors must match too
        files.append(str(path))
    return [str(shared / "corpus" / "seeds"), *files]


@pytest.fixture(scope="module")
def both(inputs: list[str], spark: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from rawi.engine.folder import corpus_stages
    from rawi.engine.spark import run_spark

    local = tmp_path_factory.mktemp("local")
    run_local(inputs, JsonlSink(local), ErrorLog(local / ERRORS), RunOptions(workers=2))
    corpus_stages(local)
    remote = tmp_path_factory.mktemp("spark")
    run_spark(inputs, remote, spark=spark)
    return local, remote


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _spark_pages(folder: Path) -> list[dict[str, Any]]:
    table = pq.read_table(folder / "pages")
    records = [json.loads(r) for r in table.column("record").to_pylist()]
    for record in records:
        record["page"].pop("title")
        record["page"].pop("author")
    return records


def test_same_pages_articles_entities_and_quotes(both: tuple[Path, Path]) -> None:
    local, remote = both
    mine, theirs = _lines(local / PAGES), _spark_pages(remote)
    assert sum(len(p["articles"]) for p in mine) >= ARTICLES
    assert theirs == mine  # in input order, every field of every article and annotation
    quotes = sum(len(a["quotes"]) for p in mine for a in p["articles"])
    dates = sum(len(a["dates"]) for p in mine for a in p["articles"])
    assert quotes > 500 and dates > 500


def test_parquet_columns_follow_the_output_schema(both: tuple[Path, Path]) -> None:
    _, remote = both
    table = pq.read_table(remote / "pages")
    assert table.schema.names == ["page", "articles", "record"]
    first = table.slice(0, 1).to_pylist()[0]
    record = json.loads(first["record"])
    assert first["page"]["id"] == record["page"]["id"]
    assert [a["text"] for a in first["articles"]] == [a["text"] for a in record["articles"]]
    article_fields = {f.name for f in table.schema.field("articles").type.value_type}
    assert {"id", "text", "entities", "quotes", "dates", "summary", "credits"} <= article_fields


def test_same_duplicate_groups_and_reuse_candidates(both: tuple[Path, Path]) -> None:
    local, remote = both
    groups = _lines(local / DUPLICATES)
    assert len(groups) > 20 and {g["kind"] for g in groups} == {"exact", "near"}
    assert _lines(remote / DUPLICATES) == groups
    pairs = _lines(local / REUSE)
    assert len(pairs) > 100
    assert _lines(remote / REUSE) == pairs


def test_same_errors(both: tuple[Path, Path]) -> None:
    local, remote = both
    key = lambda e: (e["uri"], e["stage"])  # noqa: E731
    errors = sorted(_lines(local / ERRORS), key=key)
    assert len(errors) == 2
    assert sorted(_lines(remote / ERRORS), key=key) == errors


def test_ingest_from_parquet_is_the_local_store(both: tuple[Path, Path], inputs: list[str], tmp_path: Path) -> None:
    _, remote = both
    db = tmp_path / "rawi.db"
    proc = subprocess.run(
        [*RAWI, "ingest", "--from-parquet", str(remote), "--db", str(db), "-q"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    # The same inputs analyzed locally find every page stored already, unchanged (same fingerprint).
    again = subprocess.run([*RAWI, "ingest", *inputs, "--db", str(db)], capture_output=True, text=True)
    assert "unchanged pages (stored before)" in again.stdout
    row = next(line for line in again.stdout.splitlines() if "unchanged pages" in line)
    pages = len(pq.read_table(remote / "pages", columns=["record"]))
    assert int(row.split()[-1]) == pages
    added = next(line for line in again.stdout.splitlines() if line.strip().startswith("pages"))
    assert added.split()[1] == "0"

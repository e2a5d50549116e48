"""The Spark engine: `rawi run --engine spark INPUT… --out DIR` (pip install 'rawi[spark]', Java 17+).

1. The input files are spread over partitions (one file per partition by default); each partition
   reads its files with rawi's readers. A first job counts recurring short lines per outlet (the
   boilerplate index the local engine learns); the lines over the thresholds go to every task.
2. A second job analyzes the pages in their partitions with the local engine's own per-page function
   (segmentation, then every per-article annotator), so both engines give the same articles.
3. Pages are written to DIR/pages as Parquet in the output schema of DESIGN.md (columns `page` and
   `articles`), with `record`: the page's full JSON, every annotation field included, which
   `rawi ingest --from-parquet DIR` stores. A page id met twice is written once (its first occurrence).
4. Near duplicates and reuse candidates: sketches in partitions, MinHash/LSH joins in Spark
   (spark_corpus.py); DIR/duplicates.jsonl and DIR/reuse_candidates.jsonl as the local engine writes them.
Failed inputs and pages go to DIR/errors.jsonl, as with the local engine.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rawi.connect.dedup import DedupParams
from rawi.engine.corpus import ReuseLSH
from rawi.engine.folder import DUPLICATES, REUSE, write_jsonl
from rawi.engine.sinks import ERRORS
from rawi.engine.stages import PageFailure
from rawi.errors import InputError, UsageError
from rawi.read import iter_files
from rawi.segment import BoilerplateIndex

PAGES_DIR = "pages"


def _pyspark() -> Any:
    try:
        import pyspark
    except ImportError:
        raise UsageError("the spark engine needs pyspark: pip install 'rawi[spark]'") from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise UsageError("Spark needs Java 17 or later: install it (apt-get install openjdk-17-jre-headless)")
    return pyspark


def session(master: str = "local[*]", *, shuffle_partitions: int | None = None, app: str = "rawi") -> Any:
    """A Spark session whose Python workers run this interpreter (rawi and its models importable)."""
    _pyspark()
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.python.worker.reuse", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "256")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.log.level", "ERROR")
    )
    if shuffle_partitions is None and master.startswith("local"):
        shuffle_partitions = 4 * (os.cpu_count() or 1)  # Spark's 200 is for clusters: tiny tasks here
    if shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def input_files(paths: Sequence[str | Path]) -> tuple[list[str], list[InputError]]:
    files, errors = [], []
    for path in paths:
        for f in iter_files(path):
            (errors if isinstance(f, InputError) else files).append(f if isinstance(f, InputError) else str(f))
    return files, errors  # type: ignore[return-value]


def _spark_schema(arrow_schema: Any) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(arrow_schema)


def learn_boilerplate(files_df: Any) -> BoilerplateIndex:
    """The local engine's boilerplate index, counted in partitions and thresholded in Spark."""
    from pyspark.sql import functions as F

    from rawi.engine.spark_tasks import OBSERVED, observe_files

    index = BoilerplateIndex()
    counts = (
        files_df.mapInArrow(observe_files, _spark_schema(OBSERVED))
        .groupBy("outlet", "key")
        .agg(F.sum("count").alias("n"))
    )
    counts = counts.persist()
    index.pages.update({r["outlet"]: int(r["n"]) for r in counts.filter(F.length("key") == 0).collect()})
    spark = files_df.sparkSession
    floors = spark.createDataFrame(
        [(o, float(max(index.min_pages, index.min_share * n))) for o, n in index.pages.items()] or [("", 1e18)],
        "outlet string, floor double",
    )
    lines = counts.filter(F.length("key") > 0).join(F.broadcast(floors), "outlet").filter(F.col("n") >= F.col("floor"))
    index.lines.update({(r["outlet"], bytes(r["key"])): int(r["n"]) for r in lines.collect()})
    counts.unpersist()
    return index


def _first_occurrences(pages: Any) -> Any:
    """Pages whose id came before (the same page in two inputs) dropped. Only the repeated ids travel, as a
    broadcast: the pages keep their partitions, and so the order of the inputs, for the Parquet files."""
    from pyspark.sql import functions as F

    repeated = (
        pages.groupBy("page_id")
        .agg(F.count(F.lit(1)).alias("n"), F.min(F.struct("file_no", "seq")).alias("first"))
        .filter(F.col("n") > 1)
        .select("page_id", F.col("first.file_no").alias("first_file"), F.col("first.seq").alias("first_seq"))
    )
    keep = F.col("first_file").isNull() | (
        (F.col("file_no") == F.col("first_file")) & (F.col("seq") == F.col("first_seq"))
    )
    return pages.join(F.broadcast(repeated), "page_id", "left").filter(keep).drop("first_file", "first_seq")


def run_spark(
    paths: Sequence[str | Path],
    out: Path,
    *,
    master: str = "local[*]",
    partitions: int = 0,
    learn: bool = True,
    spark: Any = None,
    dedup: DedupParams | None = None,
    reuse: ReuseLSH | None = None,
) -> Counter[str]:
    """Analyze `paths` on Spark into `out` (see the module's docstring); returns counts for the report."""
    _pyspark()
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from rawi.engine import spark_corpus
    from rawi.engine.spark_tasks import (
        ANALYZED,
        ARTICLE_SKETCH,
        WINDOW_SKETCH,
        analyze_files,
        sketch_article_windows,
        sketch_articles,
    )
    from rawi.store.export import _schema as output_schema

    dedup = dedup or DedupParams()
    reuse = reuse or ReuseLSH()
    files, missing = input_files(paths)
    owned = spark is None
    spark = spark or session(master)
    counts: Counter[str] = Counter()
    try:
        out.mkdir(parents=True, exist_ok=True)
        slices = partitions or max(1, len(files))
        files_df = spark.createDataFrame(
            spark.sparkContext.parallelize(list(enumerate(files)), slices), "file_no long, path string"
        )
        boilerplate = learn_boilerplate(files_df) if learn and files else None
        if boilerplate is not None:
            from rawi.engine.local import frozen

            boilerplate = frozen(boilerplate)
        analyzed = files_df.mapInArrow(analyze_files(boilerplate), _spark_schema(ANALYZED)).persist(
            StorageLevel.MEMORY_AND_DISK
        )
        failures = [json.loads(r["error"]) for r in analyzed.filter(F.col("error").isNotNull()).collect()]
        failures = [PageFailure(e.source, None, "read", e.problem).to_json() for e in missing] + failures
        write_jsonl(out / ERRORS, failures)
        counts["failures"] = len(failures)

        pages = analyzed.filter(F.col("record").isNotNull())
        pages = _first_occurrences(pages)
        typed = pages.select(
            "file_no", "seq", F.from_json("record", _spark_schema(output_schema())).alias("r"), "record"
        ).select("file_no", "seq", "r.page", "r.articles", "record")
        typed = typed.persist(StorageLevel.MEMORY_AND_DISK)
        typed.sortWithinPartitions("file_no", "seq").drop("file_no", "seq").write.mode("overwrite").parquet(
            str(out / PAGES_DIR)
        )
        articles = (
            typed.select("file_no", "seq", "page", F.posexplode("articles").alias("pos", "a"))
            .select(
                "file_no",
                "seq",
                "pos",
                F.col("a.id").alias("id"),
                F.col("page.id").alias("page_id"),
                F.col("page.outlet").alias("outlet"),
                F.coalesce(
                    F.nullif(F.col("a.published"), F.lit("")),
                    F.nullif(F.col("page.published"), F.lit("")),
                    F.nullif(F.col("page.fetched"), F.lit("")),
                ).alias("time"),
                F.col("a.text").alias("text"),
            )
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        counts["pages"] = typed.count()
        counts["articles"] = articles.count()
        sketches = (
            articles.select("file_no", "seq", "pos", "id", "text")
            .mapInArrow(sketch_articles(dedup), _spark_schema(ARTICLE_SKETCH))
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        groups = spark_corpus.duplicate_groups(sketches, articles, dedup)
        write_jsonl(out / DUPLICATES, groups)
        counts["duplicate groups"] = len(groups)
        counts["articles in duplicate groups"] = sum(g["size"] for g in groups)
        windows = articles.select("file_no", "seq", "pos", "id", "text").mapInArrow(
            sketch_article_windows(reuse), _spark_schema(WINDOW_SKETCH)
        )
        pairs = spark_corpus.reuse_candidates(windows, articles, reuse)
        write_jsonl(out / REUSE, pairs)
        counts["reuse candidates"] = len(pairs)
        for df in (sketches, articles, typed, analyzed):
            df.unpersist()
    finally:
        if owned:
            spark.stop()
    return counts

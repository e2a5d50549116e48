"""Corpus stages on Spark: near duplicates and reuse candidates as MinHash/LSH joins over DataFrames.

The sketches come from the same functions as the local engine (spark_tasks.py); what changes is how
candidates meet: articles (or windows) that share an LSH band are paired by a self-join on (band, key),
and candidates are verified on their real shingle sets with Spark's array functions. Only the verified
pairs, far fewer than the articles, come back to the driver, which joins them into groups.

Order keys are structs (file, page, article[, window]): the order of the inputs, the order in which the
local engine numbers its texts, so that a bucket too large to pair fully is paired with the same first
member on both engines.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from rawi.connect.dedup import DedupParams, similarity
from rawi.engine.corpus import ReuseLSH, when

MAX_BUCKET = 200  # connect.minhash.candidate_pairs' default


def bucket_pairs(bands: DataFrame, max_bucket: int) -> DataFrame:
    """(i, j), i < j, for members `o` sharing a (band, key); a bucket over `max_bucket` members pairs each
    with its first member only (connect.minhash.candidate_pairs' rule: pairs stay linear)."""
    bucket = Window.partitionBy("band", "key")
    b = bands.withColumn("n", F.count(F.lit(1)).over(bucket)).filter(F.col("n") > 1)
    small = b.filter(F.col("n") <= max_bucket)
    x, y = small.alias("x"), small.alias("y")
    full = x.join(y, (F.col("x.band") == F.col("y.band")) & (F.col("x.key") == F.col("y.key"))).filter(
        F.col("x.o") < F.col("y.o")
    )
    full = full.select(F.col("x.o").alias("i"), F.col("y.o").alias("j"))
    big = b.filter(F.col("n") > max_bucket).withColumn("first", F.min("o").over(bucket))
    star = big.filter(F.col("o") != F.col("first")).select(F.col("first").alias("i"), F.col("o").alias("j"))
    return full.unionByName(star).distinct()


def _banded(df: DataFrame) -> DataFrame:
    return df.select("o", F.posexplode("keys").alias("band", "key"))


# --- duplicates ---------------------------------------------------------------------------------------


def duplicate_groups(sketches: DataFrame, articles: DataFrame, params: DedupParams) -> list[dict[str, Any]]:
    """connect/'s duplicate groups, computed with joins. `sketches`: file_no, seq, pos, id, digest,
    words, keys, shingles; `articles`: id, outlet, time."""
    sk = sketches.withColumn("o", F.struct("file_no", "seq", "pos")).filter(F.col("words") > 0)
    per_digest = sk.groupBy("digest").agg(F.min("o").alias("rep"), F.count(F.lit(1)).alias("n"))
    exact = sk.join(per_digest.filter(F.col("n") > 1), "digest").select("id", "rep")
    rep_ids = sk.join(per_digest, "digest").filter(F.col("o") == F.col("rep"))
    reps = rep_ids.select("o", "id", "digest", "keys", "shingles").persist()
    pairs = bucket_pairs(_banded(reps), MAX_BUCKET)
    left = reps.select(F.col("o").alias("i"), F.col("id").alias("a"), F.col("shingles").alias("sa"))
    right = reps.select(F.col("o").alias("j"), F.col("id").alias("b"), F.col("shingles").alias("sb"))
    inter = F.size(F.array_intersect("sa", "sb"))
    jaccard = inter / (F.size("sa") + F.size("sb") - inter)
    near = (
        pairs.join(left, "i")
        .join(right, "j")
        .withColumn("jaccard", jaccard)
        .filter(F.col("jaccard") >= params.threshold)
        .select("a", "b")
    )
    rep_id = reps.select(F.col("o").alias("rep"), F.col("id").alias("rep_id"))
    links = [(r["id"], r["rep_id"]) for r in exact.join(rep_id, "rep").select("id", "rep_id").collect()]
    links += [(r["a"], r["b"]) for r in near.collect()]
    reps.unpersist()
    groups = _components(links)
    if not groups:
        return []
    members = sorted({m for g in groups for m in g})
    spark = sketches.sparkSession
    wanted = spark.createDataFrame([(m,) for m in members], "id string")
    info = {
        r["id"]: r
        for r in sketches.join(wanted, "id")
        .join(articles.select("id", "outlet", "time"), "id")
        .select("id", "outlet", "time", "digest", "words", "shingles")
        .collect()
    }
    return _group_json(groups, info)


def _components(links: Iterable[tuple[str, str]]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for x in list(parent):
        groups.setdefault(root(x), []).append(x)
    return [g for g in groups.values() if len(g) > 1]


def _set(shingles: list[int]) -> np.ndarray:
    return np.sort(np.asarray(shingles, np.int64).astype(np.uint32))


def _group_json(groups: list[list[str]], info: dict[str, Any]) -> list[dict[str, Any]]:
    """Groups as connect's DedupResult.group_json gives them: members in time order, compared with the first."""
    built = []
    for group in groups:
        group.sort(key=lambda m: when(info[m]["time"], m))
        head = info[group[0]]
        head_set = _set(head["shingles"])
        rows = []
        for m in group:
            r = info[m]
            sim = (1.0, 1.0) if r["digest"] == head["digest"] else similarity(head_set, _set(r["shingles"]))
            rows.append((m, r, sim))
        kind = "exact" if all(r["digest"] == head["digest"] for _, r, _ in rows) else "near"
        built.append((when(head["time"], group[0]), kind, rows))
    built.sort(key=lambda g: g[0])
    return [
        {
            "group": k,
            "kind": kind,
            "size": len(rows),
            "members": [
                {
                    "id": m,
                    "outlet": r["outlet"],
                    "time": r["time"],
                    "words": int(r["words"]),
                    "jaccard": round(sim[0], 4),
                    "containment": round(sim[1], 4),
                }
                for m, r, sim in rows
            ],
        }
        for k, (_, kind, rows) in enumerate(built, 1)
    ]


# --- reuse candidates ---------------------------------------------------------------------------------


def reuse_candidates(windows: DataFrame, articles: DataFrame, p: ReuseLSH) -> list[dict[str, Any]]:
    """Article pairs of different pages with a window pair of containment >= p.min_containment.
    `windows`: file_no, seq, pos, w, keys, shingles; `articles`: file_no, seq, pos, id, page_id, time."""
    win = windows.withColumn("o", F.struct("file_no", "seq", "pos", "w")).persist()
    pairs = bucket_pairs(_banded(win), p.max_bucket)
    art = articles.select(F.struct("file_no", "seq", "pos").alias("art"), "id", "page_id", "time")
    side = win.select("o", F.struct("file_no", "seq", "pos").alias("art"), "shingles").join(art, "art")

    def named(suffix: str, key: str) -> DataFrame:
        return side.select(
            F.col("o").alias(key),
            F.col("art").alias("art" + suffix),
            F.col("id").alias("id" + suffix),
            F.col("page_id").alias("page" + suffix),
            F.col("time").alias("time" + suffix),
            F.col("shingles").alias("s" + suffix),
        )

    inter = F.size(F.array_intersect("sa", "sb"))
    score = inter / F.least(F.size("sa"), F.size("sb"))
    found = (
        pairs.join(named("a", "i"), "i")
        .join(named("b", "j"), "j")
        .filter(F.col("pagea") != F.col("pageb"))
        .withColumn("c", score)
        .filter(F.col("c") >= p.min_containment)
        .groupBy("ida", "idb", "timea", "timeb")
        .agg(F.max("c").alias("c"))
        .collect()
    )
    win.unpersist()
    out = []
    for r in found:
        ends = sorted([(r["timea"], r["ida"]), (r["timeb"], r["idb"])], key=lambda x: when(x[0], x[1]))
        out.append({"source": ends[0][1], "target": ends[1][1], "containment": round(r["c"], 4)})
    return sorted(out, key=lambda d: (d["source"], d["target"]))

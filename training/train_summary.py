"""The single-article summary scorer: boosted regression trees over sentence features, trained on SaudiNewsNet.

    .venv/bin/python training/train_summary.py [--shared ../shared] [--out src/rawi/models/summary.npz]

No human summaries ship with the data, so each article's own title stands for one. A sentence's target is
what it adds to a summary (`gain`): the share of its n-grams that are title n-grams the article's first
candidate sentence does not already hold, averaged over ROUGE-1 and ROUGE-2 (bench/rouge.py words). This
precision-like target beat a per-sentence F1 target and a recall target on validation F1. The title is never
a feature (rawi.annotate.summary.FEATURES), so the model learns what a summary-worthy sentence looks like from
the body alone: position, length, centrality, quotations, numbers, continuation cues. Footers that repeat the headline
("رابط الخبر ...: <title>", one outlet's) are boilerplate, never candidates: left in, a scorer learns to copy
the title from them and wins on this proxy for nothing.

Days, not articles, are split, so that a story told on several days is never on both sides:
- train: the first 12 days (2015-07-21 to 2015-08-04), of which the last 3 (from 2015-08-02) validate the
  one choice made, the longest candidate sentence (80 or 100 words; the smaller F1 margin over lead-2
  decides; 60 was worse in earlier runs). Summaries take 2 sentences: a third lowered F1 in every setting
  tried.
- test: the last 6 days (2015-08-06 to 2015-08-11), read once at the end and reported
  (bench/summary.py reads the same days).
The model is scikit-learn's gradient boosting (150 trees of depth 3, row subsampling seeded with 0), exported
as node arrays that rawi reads with numpy only; the export is checked against scikit-learn's predictions.
Takes about 5 CPU minutes.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from sklearn.ensemble import GradientBoostingRegressor

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from rouge import ngrams, words  # noqa: E402
from summary import HELD_OUT_FROM, Item, lead, load, rouge_table  # noqa: E402

from rawi.annotate.summary import Scorer, _lines, features, summarize  # noqa: E402

log = logging.getLogger("train_summary")

SEED = 0
TREES, DEPTH, LEARNING_RATE = 150, 3, 0.1
SIZE = 2  # sentences a summary takes: a third lowered F1 on validation in every setting tried
TEST_FROM = HELD_OUT_FROM  # held-out days (bench/summary.py reads them): this one and after
VALID_FROM = "2015-08-02"  # validation days inside training: this one up to TEST_FROM


def split(items: Sequence[Item]) -> tuple[list[Item], list[Item], list[Item]]:
    """(fit, validate, test) by day."""
    fit = [i for i in items if i.day < VALID_FROM]
    valid = [i for i in items if VALID_FROM <= i.day < TEST_FROM]
    test = [i for i in items if i.day >= TEST_FROM]
    return fit, valid, test


def gain(sentence: str, reference: Sequence[str], known: str | None) -> float:
    """What one sentence adds to a summary: the share of its n-grams (n = 1, 2, averaged) that are reference
    n-grams `known` (the article's first candidate, picked in nearly every summary) does not already hold.
    A sentence repeating the lead gains nothing: the second pick should add."""
    cand = words(sentence)
    lead_words = words(known) if known is not None else []
    out = 0.0
    for n in (1, 2):
        ref = ngrams(list(reference), n)
        new = ngrams(cand, n) & (ref - ngrams(lead_words, n))
        overlap = sum(new.values())
        if overlap:
            out += overlap / max(1, len(cand) - n + 1) / 2  # precision: what share of the sentence is new summary
    return out


def dataset(items: Iterable[Item], max_words: int) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and targets (`gain` against the title) of every candidate of articles with a choice."""
    xs, ys = [], []
    for item in items:
        lines = _lines(item.article, max_words)
        if len(lines) < 2:
            continue  # nothing to choose
        ref = words(item.title)
        xs.append(features(lines))
        lead_text = lines[0].sentence.text
        ys.extend(gain(line.sentence.text, ref, lead_text if k else None) for k, line in enumerate(lines))
    return np.vstack(xs), np.asarray(ys)


def fit(x: np.ndarray, y: np.ndarray, max_words: int, size: int) -> Scorer:
    """Gradient-boosted regression trees (seeded: row subsampling is the only randomness), exported as
    padded node arrays for rawi.annotate.summary.Scorer."""
    gb = GradientBoostingRegressor(
        n_estimators=TREES, max_depth=DEPTH, learning_rate=LEARNING_RATE, subsample=0.5, random_state=SEED
    ).fit(x, y)
    trees = [est.tree_ for est in gb.estimators_[:, 0]]
    width = max(t.node_count for t in trees)
    feature = np.full((len(trees), width), -1, dtype=np.intp)
    threshold = np.zeros((len(trees), width))
    left = np.zeros((len(trees), width), dtype=np.intp)
    right = np.zeros((len(trees), width), dtype=np.intp)
    value = np.zeros((len(trees), width))
    for i, t in enumerate(trees):
        n = t.node_count
        inner = t.children_left[:n] >= 0
        feature[i, :n] = np.where(inner, t.feature[:n], -1)
        threshold[i, :n] = t.threshold[:n]
        left[i, :n] = np.where(inner, t.children_left[:n], 0)
        right[i, :n] = np.where(inner, t.children_right[:n], 0)
        value[i, :n] = LEARNING_RATE * t.value[:n, 0, 0]
    model = Scorer(feature, threshold, left, right, value, float(gb.init_.constant_[0, 0]), max_words, size)
    sample = x[:: max(1, len(x) // 2000)]
    assert np.allclose(model.score(sample), gb.predict(sample)), "exported trees disagree with scikit-learn"
    return model


def margin(ours: dict[str, float], base: dict[str, float]) -> float:
    """The smaller margin over the baseline of ROUGE-1 and ROUGE-2 F1: the choice criterion."""
    return min(ours[k] - base[k] for k in ("r1_f", "r2_f"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--out", type=Path, default=REPO / "src" / "rawi" / "models" / "summary.npz")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    t0 = time.process_time()
    items = load(args.shared)
    fit_items, valid, test = split(items)
    log.info("%d articles: fit %d, validate %d, test %d", len(items), len(fit_items), len(valid), len(test))

    base_valid = rouge_table(valid, lead)
    log.info("lead-2 on validation: %s", _fmt(base_valid))
    best: tuple[float, int] | None = None  # margin, max_words
    for max_words in (80, 100):
        x, y = dataset(fit_items, max_words)
        model = fit(x, y, max_words, SIZE)
        res = rouge_table(valid, lambda a, m=model: summarize(a, model=m))
        gap = margin(res, base_valid)
        log.info("max_words %d: F1 margin %.4f %s", max_words, gap, _fmt(res))
        if best is None or gap > best[0]:
            best = (gap, max_words)
    assert best is not None
    max_words = best[1]

    # refit the chosen settings on all training days, then read the test days once
    x, y = dataset(fit_items + valid, max_words)
    model = fit(x, y, max_words, SIZE)
    res_test = rouge_table(test, lambda a: summarize(a, model=model))
    base_test = rouge_table(test, lead)
    log.info("test (held-out days) rawi:   %s", _fmt(res_test))
    log.info("test (held-out days) lead-2: %s", _fmt(base_test))
    model.save(args.out)
    report = {"test_days_from": TEST_FROM, "max_words": max_words, "size": SIZE, "rawi": res_test, "lead-2": base_test}
    log.info("%s", json.dumps(report))
    log.info("wrote %s (%.0f CPU s)", args.out, time.process_time() - t0)


def _fmt(res: dict[str, float]) -> str:
    return " ".join(f"{k} {v:.4f}" for k, v in res.items())


if __name__ == "__main__":
    main()

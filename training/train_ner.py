"""Train the named-entity CRF shipped in src/rawi/models/.

Reproduce (from the repository root, with ../shared beside it). On 2 cores shared with other work (load
8-12) each first-stage CRF took 8-10 minutes (two at a time), each profile 7-9 minutes and each final CRF
13-14 minutes, so a run from nothing takes over an hour there:

    .venv/bin/pip install python-crfsuite numpy scipy scikit-learn
    .venv/bin/python training/build_clusters.py --shared ../shared \
        --extra ../shared/ner/anercorp/train.txt --out /tmp/ner_clusters_w2.tsv.gz
    .venv/bin/python training/build_clusters.py --shared ../shared \
        --extra ../shared/ner/anercorp/train.txt --window 1 --dim 100 --ks 100 500 2500 \
        --merge /tmp/ner_clusters_w2.tsv.gz --out src/rawi/models/ner_clusters.tsv.gz
    .venv/bin/python training/train_ner.py --shared ../shared --out src/rawi/models --c1 0.02 --c2 0.05 \
        --profile-every 4 --work /tmp/ner_work --results bench/results/ner.json

The first two commands learn word clusters on SaudiNewsNet (two clusterings: window 2 and window 1,
three granularities each); the last writes the gazetteer (ANERgazet + WikiFANE names), the list of
names the training data types reliably (ner_names.tsv.gz), the corpus profiles (ner_profile.tsv.gz)
and the CRF.

The CRF is stacked (training/ner_profile.py): first-stage CRFs, with the same features but no profiles,
tag every 4th SaudiNewsNet article, and the share of each word's occurrences they tag PERS, ORG, LOC or
MISC becomes a feature of the shipped CRF. Its training sentences are cross-fitted: each half gets the
profile of a first-stage CRF trained on the other half; tagging uses that of the first-stage CRF
trained on all of them. First-stage CRFs and profiles go to --work and are reused from there when
present (delete it after changing the features). The split and the final training can run as two
processes, `--dev-only --results ...` and `--ship-only`, with the same --work.

The development split is the last 10% of ANERcorp train.txt's sentences (fixed). The script trains on
the other 90% (names list and first stages included), prints dev precision/recall/F1 per label and
micro-averaged (CRF alone, then with the known names and document-level propagation that `rawi ner
tag` applies), writes them with --results, then, unless --dev-only, trains the shipped model on all of
train.txt with the same settings. Those dev figures are the honest ones: the shipped model has seen the
dev sentences. Every step is seeded or deterministic (k-means and SVD seeds, L-BFGS, a fixed sample),
so the same inputs give the same model.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pycrfsuite

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ner_data import anergazet_entries, known_names, wikifane_entries, wikifane_sentences
from ner_profile import cross_fitted_profiles

from rawi.annotate import conll
from rawi.annotate.entities import NerModel, load_names, tag_document
from rawi.annotate.ner_features import Featurizer, Resources

log = logging.getLogger("train_ner")


def load_sentences(path: Path) -> list[tuple[list[str], list[str]]]:
    rows = conll.read_rows(path.read_text(encoding="utf-8").splitlines())
    out = []
    for idx in conll.sentences(rows):
        toks = [rows[i].token for i in idx]
        tags = [rows[i].tags[-1] if rows[i].tags else "O" for i in idx]
        out.append((toks, tags))
    return out


def write_gazetteer(entries: list[tuple[str, str]], path: Path) -> None:
    lines = sorted({f"{c}\t{n}" for c, n in entries if "\t" not in n and "\n" not in n})
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))


def write_names(sentences: list[tuple[list[str], list[str]]], path: Path) -> None:
    lines = [f"{typ}\t{name}" for typ, name in known_names(sentences)]
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))


def train(feats, labels, model_path: Path, c1: float, c2: float, iters: int) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for x, y in zip(feats, labels, strict=True):
        trainer.append(x, y)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": iters,
            "feature.possible_transitions": True,
            "feature.minfreq": 1,
        }
    )
    trainer.train(str(model_path))


def tag_all(model_path: Path, feats) -> list[list[str]]:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    return [tagger.tag(x) for x in feats]


def score_dict(scores: dict[str, conll.Score]) -> dict[str, dict[str, float | int]]:
    return {
        ("micro" if k == "ALL" else k): {
            "precision": round(s.precision, 4),
            "recall": round(s.recall, 4),
            "f1": round(s.f1, 4),
            "gold": s.tp + s.fn,
            "pred": s.tp + s.fp,
        }
        for k, s in scores.items()
    }


def write_results(path: Path, args: argparse.Namespace, crf: dict, prop: dict, seconds: float) -> None:
    """The honest dev-split figures (model trained on the other 90%), with the command and machine."""
    record = {
        "benchmark": "ner dev split (last 10% of ANERcorp CAMeL train.txt sentences; model trained on the rest)",
        "command": " ".join([".venv/bin/python", "training/train_ner.py", *sys.argv[1:]]),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
        "date": time.strftime("%Y-%m-%d"),
        "params": {"c1": args.c1, "c2": args.c2, "iters": args.iters, "profile_every": args.profile_every},
        "seconds_wall": round(seconds, 1),
        "crf_alone": crf,
        "with_propagation": prop,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def dev_split(args, features, train_s, dev_s, known, names_path: Path, t0: float) -> None:
    """Train on `train_s` (`known`, ANERcorp's part of it, then any extra sentences), print the dev
    figures (CRF alone, then with the passes of `rawi ner tag`) and write them with --results."""
    tr_x, dev_res = features(train_s[: len(known)], "dev")
    dev_fz = Featurizer(dev_res)
    dev_x = [dev_fz.sentence(t) for t, _ in dev_s]
    log.info("features done (%.0fs)", time.time() - t0)

    dev_model = args.out / "ner_dev.crfsuite"
    train(tr_x, [y for _, y in train_s], dev_model, args.c1, args.c2, args.iters)
    log.info("dev model trained (%.0fs)", time.time() - t0)
    gold = [t for _, y in dev_s for t in y]
    pred = [t for p in tag_all(dev_model, dev_x) for t in p]
    crf_scores = conll.evaluate(gold, pred)
    print("dev split, CRF alone:")
    print(conll.format_scores(crf_scores))
    write_names(known, names_path)  # ANERcorp's training part only: dev names stay unseen
    model = NerModel(dev_model.read_bytes(), dev_res, load_names(str(names_path)))
    pred = [t for p in tag_document(model, [t for t, _ in dev_s]) for t in p]
    prop_scores = conll.evaluate(gold, pred)
    print("dev split, with known names and document-level propagation (as `rawi ner tag`):")
    print(conll.format_scores(prop_scores))
    if args.results:
        write_results(args.results, args, score_dict(crf_scores), score_dict(prop_scores), time.time() - t0)
    if not args.keep_dev:
        dev_model.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--out", type=Path, default=Path("src/rawi/models"))
    ap.add_argument("--clusters", type=Path, default=None, help="default: OUT/ner_clusters.tsv.gz")
    ap.add_argument("--c1", type=float, default=0.02)
    ap.add_argument("--c2", type=float, default=0.05)
    ap.add_argument("--iters", type=int, default=250)
    ap.add_argument("--no-wikifane", action="store_true", help="leave WikiFANE names out of the gazetteer")
    ap.add_argument(
        "--wikifane-train",
        type=int,
        default=0,
        metavar="N",
        help="add the first N WikiFANE sentences (re-tokenized, ANERcorp labels) to training",
    )
    ap.add_argument(
        "--profile-every",
        type=int,
        default=0,
        metavar="N",
        help="stacking: corpus profiles from first-stage CRFs tagging every N-th SaudiNewsNet article (0: none)",
    )
    ap.add_argument(
        "--work",
        type=Path,
        default=None,
        help="where first-stage CRFs and profiles go (default: a new temporary folder); reused when there",
    )
    ap.add_argument("--keep-dev", action="store_true", help="keep the dev-split model (ner_dev.crfsuite)")
    ap.add_argument("--dev-only", action="store_true", help="report dev scores, do not write the model")
    ap.add_argument(
        "--ship-only", action="store_true", help="write the model, skip the dev split (run --dev-only apart)"
    )
    ap.add_argument("--results", type=Path, default=None, help="write the dev figures as JSON (bench/results/ner.json)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    t0 = time.time()

    args.out.mkdir(parents=True, exist_ok=True)
    clusters = args.clusters or args.out / "ner_clusters.tsv.gz"
    entries = anergazet_entries(args.shared / "ner/gazetteers")
    if not args.no_wikifane:
        entries += wikifane_entries(args.shared / "ner/wikifane/WikiFANE_Gold_2014_500K.txt")
    gaz_path = args.out / "ner_gazetteer.tsv.gz"
    write_gazetteer(entries, gaz_path)
    res = Resources.load(str(clusters), str(gaz_path))
    log.info(
        "%d cluster words, %d gazetteer words, %d phrases", len(res.clusters), len(res.gazetteer), len(res.phrases)
    )
    fz = Featurizer(res)

    sents = load_sentences(args.shared / "ner/anercorp/train.txt")
    n_dev = len(sents) // 10
    train_s, dev_s = sents[:-n_dev], sents[-n_dev:]
    log.info("%d train sentences, %d dev sentences", len(train_s), len(dev_s))
    extra = []
    if args.wikifane_train:
        extra = wikifane_sentences(args.shared / "ner/wikifane/WikiFANE_Gold_2014_500K.txt")
        extra = extra[: args.wikifane_train]
        log.info("%d WikiFANE sentences added to training", len(extra))
    work = args.work or Path(tempfile.mkdtemp(prefix="rawi_ner_"))

    def features(pool: list, kind: str) -> tuple[list, Resources]:
        """Features of `pool` + `extra` for the CRF, and the resources to tag with a model trained on them.
        With profiles, each half of `pool` is featurized with the profile of a first-stage CRF that did
        not see it, and tagging uses the profile of the first-stage CRF trained on all of `pool`."""
        if not args.profile_every:
            return [fz.sentence(t) for t, _ in pool + extra], res
        crf = (args.c1, args.c2, args.iters)
        p0, p1, whole, mid = cross_fitted_profiles(
            pool, work / kind, str(clusters), str(gaz_path), args.shared, args.profile_every, crf
        )
        log.info("%s: first-stage CRFs and profiles done (%.0fs)", kind, time.time() - t0)
        feats = []
        for part, prof in ((pool[:mid], p0), (pool[mid:], p1), (extra, whole)):
            part_fz = Featurizer(Resources.load(str(clusters), str(gaz_path), str(prof)))
            feats += [part_fz.sentence(t) for t, _ in part]
        return feats, Resources.load(str(clusters), str(gaz_path), str(whole))

    names_path = args.out / "ner_names.tsv.gz"
    if not args.ship_only:
        dev_split(args, features, train_s + extra, dev_s, sents[:-n_dev], names_path, t0)
    if args.dev_only:
        return
    write_names(sents, names_path)
    all_x, ship_res = features(sents, "all")
    profile_path = args.out / "ner_profile.tsv.gz"
    if ship_res.profile:
        shutil.copyfile(work / "all" / "all" / "ner_profile.tsv.gz", profile_path)
    elif profile_path.exists():
        profile_path.unlink()  # a model without profiles must not be tagged with one
    partial = args.out / "ner.crfsuite.part"  # renamed when done: a process loading the model never reads half
    train(all_x, [y for _, y in sents + extra], partial, args.c1, args.c2, args.iters)
    partial.rename(args.out / "ner.crfsuite")
    log.info("shipped model trained (%.0fs)", time.time() - t0)


if __name__ == "__main__":
    main()

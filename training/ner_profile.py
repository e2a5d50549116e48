"""Corpus-level tag profiles for the NER model (stacking, after Krishnan & Manning 2006).

A first-stage CRF tags a fixed sample of SaudiNewsNet (with the known-names and document passes of
`rawi ner tag`), and each word's matching form gets the counts of how often it was tagged PERS, ORG,
LOC or MISC there. The shipped CRF reads those shares as features of the word (ner_profile.tsv.gz):
a word the press usually writes as a person's name is one here too, even in a sentence whose context
says little. The table is a static file, so tagging costs one more lookup per word type.

The second stage must not learn from profiles that the first stage made on its own training sentences
(it would trust them too much), so training/train_ner.py cross-fits: the profile used to featurize
one half of the training sentences comes from a first-stage CRF trained on the other half.
"""

from __future__ import annotations

import glob
import gzip
import json
from collections import Counter
from pathlib import Path

from rawi.annotate.entities import NerModel, bio_to_spans, sentence_tokens, tag_document
from rawi.annotate.ner_features import PROFILE_TYPES
from rawi.text import match_form


def sample_texts(shared: Path, every: int = 4) -> list[str]:
    """Every `every`-th SaudiNewsNet article (title and body), in file order: a fixed, spread sample."""
    texts = []
    k = 0
    for f in sorted(glob.glob(str(shared / "corpus/saudinewsnet/*.jsonl.gz"))):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                if k % every == 0:
                    item = json.loads(line)
                    texts.append((item.get("title") or "") + "\n" + (item.get("content") or ""))
                k += 1
    return texts


def tag_counts(model: NerModel, texts: list[str]) -> tuple[Counter[str], dict[str, Counter[str]]]:
    """How often each matching form occurs in `texts`, and how often inside a name of each type."""
    seen: Counter[str] = Counter()
    typed: dict[str, Counter[str]] = {}
    for text in texts:
        sents = [[t.text for t in s] for s in sentence_tokens(text)]
        for toks, tags in zip(sents, tag_document(model, sents), strict=True):
            forms = [match_form(t) for t in toks]
            seen.update(forms)
            for a, b, typ in bio_to_spans(tags):
                for f in forms[a:b]:
                    typed.setdefault(f, Counter())[typ] += 1
    return seen, typed


def write_profile(seen: Counter[str], typed: dict[str, Counter[str]], path: Path, min_count: int = 3) -> int:
    """`form<TAB>n<TAB>PERS<TAB>ORG<TAB>LOC<TAB>MISC` for the forms seen `min_count` times and tagged at
    least once (a form never tagged has no line: no profile)."""
    lines = []
    for form, n in sorted(seen.items()):
        c = typed.get(form)
        if n < min_count or not c or "\t" in form or "\n" in form:
            continue
        lines.append("\t".join([form, str(n), *(str(c[t]) for t in PROFILE_TYPES)]))
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))
    return len(lines)


def build_profile(model: NerModel, texts: list[str], path: Path) -> int:
    seen, typed = tag_counts(model, texts)
    return write_profile(seen, typed, path)


Sentences = list[tuple[list[str], list[str]]]


def _train_stage_one(job: tuple[Sentences, Path, str, str, float, float, int]) -> Path:
    """Train a first-stage CRF (features without profiles) and its known-names list into a folder; a
    folder that already holds both is kept as it is (a resumed run)."""
    from train_ner import train, write_names

    from rawi.annotate.ner_features import Featurizer, Resources

    sents, folder, clusters, gazetteer, c1, c2, iters = job
    model = folder / "ner.crfsuite"
    if model.exists() and (folder / "ner_names.tsv.gz").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    write_names(sents, folder / "ner_names.tsv.gz")
    fz = Featurizer(Resources.load(clusters, gazetteer))
    partial = folder / "ner.crfsuite.part"
    train([fz.sentence(t) for t, _ in sents], [y for _, y in sents], partial, c1, c2, iters)
    partial.rename(model)
    return folder


def _profile_of(job: tuple[Path, str, str, Path, int]) -> Path:
    """The corpus profile of a first-stage CRF's folder (kept when already there)."""
    from rawi.annotate.entities import load_names
    from rawi.annotate.ner_features import Resources

    folder, clusters, gazetteer, shared, every = job
    path = folder / "ner_profile.tsv.gz"
    if not path.exists():
        res = Resources.load(clusters, gazetteer)
        model = NerModel((folder / "ner.crfsuite").read_bytes(), res, load_names(str(folder / "ner_names.tsv.gz")))
        partial = folder / "ner_profile.part.gz"
        build_profile(model, sample_texts(shared, every), partial)
        partial.rename(path)
    return path


def cross_fitted_profiles(
    pool: Sentences, work: Path, clusters: str, gazetteer: str, shared: Path, every: int, crf: tuple[float, float, int]
) -> tuple[Path, Path, Path, int]:
    """First-stage CRFs on the two halves of `pool` and on all of it, and their corpus profiles, two
    processes at a time. Returns (profile for the first half's sentences (made without them), profile
    for the second half's, profile of the CRF trained on all of `pool`, where the halves meet)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    mid = len(pool) // 2
    jobs = [
        (pool[:mid], work / "half0", clusters, gazetteer, *crf),
        (pool[mid:], work / "half1", clusters, gazetteer, *crf),
        (pool, work / "all", clusters, gazetteer, *crf),
    ]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as ex:
        folders = list(ex.map(_train_stage_one, jobs))
        half0, half1, whole = ex.map(_profile_of, [(f, clusters, gazetteer, shared, every) for f in folders])
    return half1, half0, whole, mid

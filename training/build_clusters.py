"""Distributional word clusters for the NER model, learned on unlabelled SaudiNewsNet text.

Words are represented by their PPMI-weighted co-occurrence with frequent context words (left and right
neighbours kept apart, window 2), reduced by a truncated SVD, and clustered by k-means at several
granularities. A coarse cluster generalizes ("some capital city"), a fine one nearly names the word;
the CRF chooses. This is Brown-cluster-like information at a fraction of the cost, with numpy and
scikit-learn only, and fully determined by its seed.

Output: a gzipped TSV `matching-form<TAB>c1<TAB>c2<TAB>c3` with one line per word.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import logging
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.cluster import MiniBatchKMeans
from sklearn.utils.extmath import randomized_svd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rawi.text import match_form

log = logging.getLogger("clusters")

# Same split as rawi.text.tokenize (numbers, words, single punctuation marks), on matching form.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_][^\W_]*|[^\s\w]", re.UNICODE)


def corpus_texts(shared: Path, extra: list[Path], wikifane: bool = False) -> list[str]:
    texts = []
    for f in sorted(glob.glob(str(shared / "corpus/saudinewsnet/*.jsonl.gz"))):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                item = json.loads(line)
                texts.append((item.get("title") or "") + "\n" + (item.get("content") or ""))
    if wikifane:  # Wikipedia text brings many more foreign names than the Saudi press
        from ner_data import wikifane_sentences

        wf = shared / "ner/wikifane/WikiFANE_Gold_2014_500K.txt"
        texts.extend(" ".join(toks) for toks, _ in wikifane_sentences(wf))
    for path in extra:  # token-per-line CoNLL files: their tokens as running text
        toks = [ln.split()[0] for ln in path.read_text(encoding="utf-8-sig").splitlines() if ln.split()]
        texts.append(" ".join(t.replace("\u200e", "") for t in toks))
    return texts


def word_vectors(texts: list[str], min_count: int, n_context: int, dim: int, seed: int, window: int = 2):
    """The kept words (most frequent first) and their unit-length PPMI-SVD vectors."""
    t0 = time.time()
    counts: Counter[str] = Counter()
    docs = []
    for text in texts:
        toks = _TOKEN.findall(match_form(text))
        counts.update(toks)
        docs.append(toks)
    vocab = [w for w, c in counts.most_common() if c >= min_count]
    index = {w: i for i, w in enumerate(vocab)}
    log.info("%d tokens, %d types, %d kept (%.0fs)", counts.total(), len(counts), len(vocab), time.time() - t0)

    unk = len(vocab)
    ids = np.fromiter((index.get(t, unk) for d in docs for t in [*d, "\n"]), dtype=np.int64)
    n_ctx = min(n_context, len(vocab))
    rows_all, cols_all = [], []
    # Context columns: (offset slot, context word) for offsets -2, -1, +1, +2.
    offsets = [o for o in range(-window, window + 1) if o]
    for slot, off in enumerate(offsets):
        if off < 0:
            w, c = ids[-off:], ids[:off]
        else:
            w, c = ids[:-off], ids[off:]
        keep = (w < unk) & (c < n_ctx)
        rows_all.append(w[keep])
        cols_all.append(c[keep] + slot * n_ctx)
    rows = np.concatenate(rows_all)
    cols = np.concatenate(cols_all)
    mat = sparse.coo_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(vocab), len(offsets) * n_ctx)
    ).tocsr()
    mat.sum_duplicates()
    log.info("co-occurrence %s nnz=%d (%.0fs)", mat.shape, mat.nnz, time.time() - t0)

    # PPMI with context distribution smoothing (alpha 0.75), as in Levy et al. 2015.
    total = mat.sum()
    row_sum = np.asarray(mat.sum(axis=1)).ravel()
    col_sum = np.asarray(mat.sum(axis=0)).ravel() ** 0.75
    col_p = col_sum / col_sum.sum()
    coo = mat.tocoo()
    pmi = np.log(coo.data * 1.0 / (row_sum[coo.row] / total) / col_p[coo.col] / total)
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=mat.shape)
    u, s, _ = randomized_svd(ppmi, n_components=dim, n_iter=5, random_state=seed)
    vecs = u * np.sqrt(s)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-9
    log.info("svd done (%.0fs)", time.time() - t0)
    return vocab, vecs


def build(texts: list[str], min_count: int, n_context: int, dim: int, ks: list[int], seed: int, window: int = 2):
    t0 = time.time()
    vocab, vecs = word_vectors(texts, min_count, n_context, dim, seed, window)
    labels = []
    for k in ks:
        km = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=4096, n_init=3, max_iter=100)
        labels.append(km.fit_predict(vecs))
        log.info("k-means k=%d done (%.0fs)", k, time.time() - t0)
    return vocab, labels


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--out", type=Path, default=Path("src/rawi/models/ner_clusters.tsv.gz"))
    ap.add_argument("--extra", type=Path, nargs="*", default=[])
    ap.add_argument("--wikifane", action="store_true", help="add WikiFANE's text to the corpus")
    ap.add_argument("--min-count", type=int, default=4)
    ap.add_argument("--contexts", type=int, default=15000)
    ap.add_argument("--dim", type=int, default=160)
    ap.add_argument("--ks", type=int, nargs="+", default=[64, 320, 1600])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--window", type=int, default=2, help="context words each side")
    ap.add_argument("--merge", type=Path, default=None, help="append these clusters as more columns")
    ap.add_argument(
        "--vectors", type=Path, default=None, help="write the word vectors instead (.npz: words, vectors; no clusters)"
    )
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    texts = corpus_texts(args.shared, args.extra, args.wikifane)
    if args.vectors:  # the neural tagger's pretrained input (training/train_ner_neural.py)
        vocab, vecs = word_vectors(texts, args.min_count, args.contexts, args.dim, args.seed, args.window)
        args.vectors.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(args.vectors, words=np.array(vocab), vectors=vecs.astype(np.float32))
        log.info("wrote %s (%d words x %d)", args.vectors, len(vocab), vecs.shape[1])
        return
    vocab, labels = build(texts, args.min_count, args.contexts, args.dim, args.ks, args.seed, args.window)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cols = {w: [str(int(lab[i])) for lab in labels] for i, w in enumerate(vocab)}
    if args.merge:  # another clustering's columns, "-" where it lacks the word
        with gzip.open(args.merge, "rt", encoding="utf-8") as fh:
            other = dict(line.rstrip("\n").split("\t", 1) for line in fh)
        width = len(next(iter(other.values())).split("\t"))
        cols = {w: c + other.get(w, "\t".join("-" * width)).split("\t") for w, c in cols.items()}
    lines = [w + "\t" + "\t".join(c) + "\n" for w, c in cols.items() if "\t" not in w and "\n" not in w]
    # mtime=0 keeps the file reproducible byte for byte
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write("".join(lines).encode("utf-8"))
    log.info("wrote %s (%d words)", args.out, len(vocab))


if __name__ == "__main__":
    main()

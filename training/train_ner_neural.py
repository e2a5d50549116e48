"""Train the neural tagger whose scores join the NER CRF's (src/rawi/annotate/ner_neural.py).

    .venv/bin/pip install -e '.[train]'        # torch (CPU) is a training dependency only
    .venv/bin/python training/build_clusters.py --shared ../shared --extra ../shared/ner/anercorp/train.txt \
        --window 2 --dim 100 --vectors /tmp/ner_vectors.npz
    .venv/bin/python training/train_ner_neural.py --shared ../shared --vectors /tmp/ner_vectors.npz \
        --out src/rawi/models/ner_neural.npz

With --dev the tagger is trained on the first 90% of ANERcorp train.txt's sentences (the split of
training/train_ner.py) and scored on the rest, alone and, given --crf (a CRF trained on the same 90%
with --keep-dev, its --profile and --names), joined with it at each --weight. Without --dev it is
trained on all sentences and written to --out. One thread, fixed seeds: the same inputs give the same
weights on the same machine (a rerun of the dev training gave the same loss at every epoch).

Measured on 2 cores shared with other work (load 6-12): the vectors 45 s of CPU (2 minutes), the dev
training 375-400 s of CPU for 15 epochs, the shipped one 426 s of CPU (34 minutes of wall clock there).
Dev split (bench/results/ner.json, "neural"): the tagger alone micro F1 0.729; the CRF with the passes
of `rawi ner tag` 0.754, joined with the tagger at weight 1.0 0.783 (0.778 at 0.5, 0.787 at 2.0). A
second seed: alone 0.716, joined 0.776; both seeds averaged 0.781 (not shipped: twice the cost).

    .venv/bin/python training/train_ner.py --shared ../shared --out /tmp/ner_dev \
        --clusters src/rawi/models/ner_clusters.tsv.gz --profile-every 4 --work /tmp/ner_work \
        --dev-only --keep-dev     # the 90% CRF that --crf names (its --work is the shipped run's)
    .venv/bin/python training/train_ner_neural.py --shared ../shared --vectors /tmp/ner_vectors.npz --dev \
        --weight 1.0 0.5 2.0 --crf /tmp/ner_dev/ner_dev.crfsuite \
        --profile /tmp/ner_work/dev/all/ner_profile.tsv.gz --names /tmp/ner_dev/ner_names.tsv.gz \
        --results bench/results/ner.json
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import random
import sys
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_ner import load_sentences, score_dict

from rawi.annotate import conll
from rawi.annotate.entities import NerModel, load_names, tag_document
from rawi.annotate.ner_features import Resources
from rawi.annotate.ner_neural import PAD, UNK, InputEncoder, NeuralTagger
from rawi.text import match_form

log = logging.getLogger("train_ner_neural")
LABELS = ("O", "B-PERS", "I-PERS", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")


class Tagger(nn.Module):
    def __init__(
        self,
        vectors: np.ndarray,
        n_chars: int,
        n_flags: int,
        char_dim: int,
        filters: int,
        width: int,
        hidden: int,
        dropout: float,
    ) -> None:
        super().__init__()
        self.vectors = nn.Embedding.from_pretrained(torch.from_numpy(vectors), freeze=True)
        self.char_emb = nn.Embedding(n_chars, char_dim)
        self.conv = nn.Conv1d(char_dim, filters, width)
        self.width = width
        self.lstm = nn.LSTM(2 * vectors.shape[1] + filters + n_flags, hidden, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(2 * hidden, len(LABELS))

    def type_inputs(self, own, stem, chars, char_len, flags) -> torch.Tensor:
        conv = self.conv(self.char_emb(chars).transpose(1, 2))  # (types, filters, positions)
        valid = torch.arange(conv.shape[2])[None, :] < char_len[:, None]
        conv = conv.masked_fill(~valid[:, None, :], float("-inf")).max(dim=2).values
        return torch.cat([self.vectors(own), self.vectors(stem), conv, flags], dim=1)

    def forward(self, types, rows, lengths) -> torch.Tensor:
        x = self.drop(self.type_inputs(*types)[rows])  # (batch, longest, input)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True)
        return self.out(self.drop(h))


def type_batch(words: list[str], enc: InputEncoder, width: int, word_drop: float, rng: random.Random | None):
    """Tensors of the word types' inputs (as NeuralTagger._type_input builds them), with word dropout."""
    coded = [enc.encode(w) for w in words]
    longest = max(len(c[2]) for c in coded)
    half = width // 2
    chars = [[PAD] * half + c[2] + [PAD] * (half + longest - len(c[2])) for c in coded]
    own = [c[0] for c in coded]
    stem = [c[1] for c in coded]
    if rng is not None and word_drop:
        own = [UNK if rng.random() < word_drop else i for i in own]
        stem = [UNK if rng.random() < word_drop else i for i in stem]
    return (
        torch.tensor(own),
        torch.tensor(stem),
        torch.tensor(chars),
        torch.tensor([len(c[2]) for c in coded]),
        torch.from_numpy(np.stack([c[3] for c in coded])),
    )


def batch_tensors(batch, enc, width, word_drop=0.0, rng=None):
    index: dict[str, int] = {}
    longest = max(len(t) for t, _ in batch)
    rows = torch.zeros((len(batch), longest), dtype=torch.long)
    for b, (toks, _) in enumerate(batch):
        rows[b, : len(toks)] = torch.tensor([index.setdefault(w, len(index)) for w in toks])
    types = type_batch(list(index), enc, width, word_drop, rng)
    return types, rows, torch.tensor([len(t) for t, _ in batch])


def fit(sents, enc: InputEncoder, vectors: np.ndarray, args) -> Tagger:
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    model = Tagger(
        vectors, len(enc.char_id) + 2, enc.n_flags, args.char_dim, args.filters, args.width, args.hidden, args.dropout
    )
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=args.lr)
    label_id = {lab: i for i, lab in enumerate(LABELS)}
    loss_fn = nn.CrossEntropyLoss(ignore_index=-1)
    for epoch in range(args.epochs):
        t0 = time.process_time()
        model.train()
        order = list(range(len(sents)))
        rng.shuffle(order)
        total = 0.0
        for k in range(0, len(order), args.batch):
            batch = [sents[i] for i in order[k : k + args.batch]]
            types, rows, lengths = batch_tensors(batch, enc, args.width, args.word_drop, rng)
            gold = torch.full(rows.shape, -1, dtype=torch.long)
            for b, (_, tags) in enumerate(batch):
                gold[b, : len(tags)] = torch.tensor([label_id.get(t, 0) for t in tags])
            scores = model(types, rows, lengths)
            loss = loss_fn(scores.reshape(-1, len(LABELS)), gold[:, : scores.shape[1]].reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            total += loss.item() * len(batch)
        log.info("epoch %d: loss %.4f (%.0f s CPU)", epoch + 1, total / len(sents), time.process_time() - t0)
        if args.eval_each and args.dev_sents:
            log.info("  dev F1 alone %.4f", alone_f1(export(model, enc, args.words_list), args.dev_sents, enc.res))
    return model


# Tagger state name -> the shipped array's name (ner_neural.py reads these), and the LSTM's directions
# (shipped suffix, torch suffix); each direction's two torch biases are shipped as one sum.
SHIPPED_NAMES = {
    "vectors.weight": "vectors",
    "char_emb.weight": "char_emb",
    "conv.weight": "conv_w",
    "conv.bias": "conv_b",
    "out.weight": "out_w",
    "out.bias": "out_b",
}
LSTM_DIRECTIONS = (("fwd", ""), ("bwd", "_reverse"))


def export(model: Tagger, enc: InputEncoder, words: list[str]) -> dict[str, np.ndarray]:
    def text(s: str) -> np.ndarray:
        return np.frombuffer(s.encode("utf-8"), dtype=np.uint8)

    sd = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    out = {
        "words": text("\n".join(words)),
        "chars": text("".join(sorted(enc.char_id, key=enc.char_id.get))),
        "labels": text("\n".join(LABELS)),
        "gaz_classes": text("\n".join(enc.gaz_classes)),
        **{shipped: sd[name] for name, shipped in SHIPPED_NAMES.items()},
    }
    out["vectors"] = out["vectors"].astype(np.float16)
    for d, suffix in LSTM_DIRECTIONS:
        out[f"w_ih_{d}"] = sd[f"lstm.weight_ih_l0{suffix}"]
        out[f"w_hh_{d}"] = sd[f"lstm.weight_hh_l0{suffix}"]
        out[f"b_{d}"] = sd[f"lstm.bias_ih_l0{suffix}"] + sd[f"lstm.bias_hh_l0{suffix}"]
    return out


def module_state(data: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The Tagger state that `export` shipped as `data` (the summed bias put whole in bias_ih)."""
    state = {name: data[shipped] for name, shipped in SHIPPED_NAMES.items()}
    for d, suffix in LSTM_DIRECTIONS:
        state[f"lstm.weight_ih_l0{suffix}"] = data[f"w_ih_{d}"]
        state[f"lstm.weight_hh_l0{suffix}"] = data[f"w_hh_{d}"]
        state[f"lstm.bias_ih_l0{suffix}"] = data[f"b_{d}"]
        state[f"lstm.bias_hh_l0{suffix}"] = np.zeros_like(data[f"b_{d}"])
    return state


def save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """np.savez_compressed with fixed zip timestamps, so the same weights give the same file byte for byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())


def best_tags(tagger: NeuralTagger, sents) -> list[str]:
    lp = tagger.log_probs([t for t, _ in sents])
    return [tagger.labels[i] for i in lp.argmax(axis=1)]


def alone_f1(data: dict[str, np.ndarray], sents, res: Resources) -> float:
    tagger = NeuralTagger(data, res)
    return conll.evaluate([t for _, y in sents for t in y], best_tags(tagger, sents))["ALL"].f1


def joined_scores(args, weights: dict[str, np.ndarray]) -> dict:
    """Dev scores of the 90% CRF joined with the 90% tagger at each --weight (0: the CRF alone)."""
    res = Resources.load(str(args.clusters), str(args.gazetteer), str(args.profile) if args.profile else None)
    model = NerModel(args.crf.read_bytes(), res, load_names(str(args.names)) if args.names else None)
    neural = NeuralTagger(weights, res)
    gold = [t for _, y in args.dev_sents for t in y]
    toks = [t for t, _ in args.dev_sents]
    out = {}
    for w in [0.0, *args.weight]:
        model.set_neural(neural, w)
        alone = conll.evaluate(gold, [t for p in model.tag_sentences(toks) for t in p])
        passes = conll.evaluate(gold, [t for p in tag_document(model, toks) for t in p])
        print(f"weight {w}: CRF + tagger F1 {alone['ALL'].f1:.4f}; with the passes of `rawi ner tag`:")
        print(conll.format_scores(passes))
        out[str(w)] = {"crf_and_tagger": score_dict(alone), "with_propagation": score_dict(passes)}
    return out


def write_results(path: Path, args, alone: dict, joined: dict, cpu: float | None) -> None:
    """Add the tagger's dev figures to train_ner.py's record (bench/results/ner.json) under "neural"."""
    record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    record["neural"] = {
        "command": " ".join([".venv/bin/python", "training/train_ner_neural.py", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d"),
        "training_cpu_seconds": cpu,
        "params": {
            k: getattr(args, k)
            for k in (
                "epochs",
                "batch",
                "lr",
                "hidden",
                "char_dim",
                "filters",
                "width",
                "dropout",
                "word_drop",
                "seed",
                "max_words",
            )
        },
        "shipped_weight": args.weight[0],
        "tagger_alone": alone,
        "joined_by_weight": joined,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--vectors", type=Path, required=True, help="build_clusters.py --vectors output")
    ap.add_argument("--gazetteer", type=Path, default=Path("src/rawi/models/ner_gazetteer.tsv.gz"))
    ap.add_argument("--out", type=Path, default=Path("src/rawi/models/ner_neural.npz"))
    ap.add_argument("--max-words", type=int, default=50_000, help="most frequent words kept with their vectors")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--hidden", type=int, default=100)
    ap.add_argument("--char-dim", type=int, default=24)
    ap.add_argument("--filters", type=int, default=48)
    ap.add_argument("--width", type=int, default=3)
    ap.add_argument("--dropout", type=float, default=0.5)
    ap.add_argument("--word-drop", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dev", action="store_true", help="train on 90%%, score the dev split; write nothing")
    ap.add_argument("--eval-each", action="store_true", help="with --dev: dev F1 after every epoch")
    ap.add_argument("--save-dev", type=Path, default=None, help="with --dev: write the 90%% tagger here")
    ap.add_argument(
        "--weight",
        type=float,
        nargs="+",
        default=[0.5],
        help="the tagger's weight against the CRF (shipped: the first; with --dev --crf: each tried)",
    )
    ap.add_argument("--crf", type=Path, default=None, help="with --dev: the 90%% CRF (train_ner.py --keep-dev)")
    ap.add_argument("--profile", type=Path, default=None, help="with --crf: the profile it was trained with")
    ap.add_argument("--names", type=Path, default=None, help="with --crf: its ner_names.tsv.gz")
    ap.add_argument("--clusters", type=Path, default=Path("src/rawi/models/ner_clusters.tsv.gz"))
    ap.add_argument("--results", type=Path, default=None, help="with --dev: add the figures to this JSON")
    ap.add_argument("--from-dev", type=Path, default=None, help="with --dev: score this saved tagger, no training")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(1)
    c0 = time.process_time()

    data = np.load(args.vectors)
    words = [str(w) for w in data["words"][: args.max_words]]
    vecs = np.zeros((len(words) + 1, data["vectors"].shape[1]), dtype=np.float32)
    vecs[1:] = data["vectors"][: len(words)]
    res = Resources.load(None, str(args.gazetteer))
    gaz_classes = sorted({c for cs in res.gazetteer.values() for c in cs})
    sents = load_sentences(args.shared / "ner/anercorp/train.txt")
    n_dev = len(sents) // 10
    train_s = sents[:-n_dev] if args.dev else sents
    args.dev_sents = sents[-n_dev:] if args.dev else None
    args.words_list = words
    chars = sorted({c for toks, _ in train_s for w in toks for c in match_form(w)})
    enc = InputEncoder(words, "".join(chars), gaz_classes, res)
    log.info(
        "%d sentences, %d words with vectors, %d chars, %d flags", len(train_s), len(words), len(chars), enc.n_flags
    )
    # --from-dev: a tagger saved with --save-dev, scored again (other weights, --results)
    out = dict(np.load(args.from_dev)) if args.from_dev else export(fit(train_s, enc, vecs, args), enc, words)
    out["weight"] = np.array(args.weight[0], dtype=np.float32)
    if args.dev:
        cpu = None if args.from_dev else round(time.process_time() - c0, 1)  # training and its inputs
        tagger = NeuralTagger(out, res)
        gold = [t for _, y in args.dev_sents for t in y]
        alone = conll.evaluate(gold, best_tags(tagger, args.dev_sents))
        print("dev split, neural tagger alone:")
        print(conll.format_scores(alone))
        if args.save_dev:
            save_npz(args.save_dev, out)
        joined = joined_scores(args, out) if args.crf else {}
        if args.results:
            write_results(args.results, args, score_dict(alone), joined, cpu)
    else:
        save_npz(args.out, out)
        log.info("wrote %s", args.out)
    log.info("done (%.0f s CPU)", time.process_time() - c0)


if __name__ == "__main__":
    main()

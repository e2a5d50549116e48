"""A small neural tagger whose label scores are added to the CRF's before decoding (numpy only).

A BiLSTM over words reads, for each token, the pretrained SaudiNewsNet vectors (PPMI-SVD, from
training/build_clusters.py) of the word and of its clitic-stripped stem (وبوتين → بوتين), a character
CNN, and a few flags (gazetteer classes, title cues, shape). It sees whole sentences with dense
inputs, where the CRF sees sparse features of a ±2 window, so the two err differently: the CRF's
state scores plus `weight` × the tagger's log-probabilities are decoded with the CRF's transitions.
Trained with PyTorch by training/train_ner_neural.py, which exports the weights to `ner_neural.npz`;
this module is the forward pass, batched over sentences, and the input encoding both share.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from rawi.annotate.ner_features import LOC_CUES, ORG_CUES, PERSON_CUES, Resources, shape, strip_clitics
from rawi.text import match_form

SHAPES = ("ar", "num", "numx", "LAT_UP", "Lat_cap", "lat", "punct", "empty")
CUES = (PERSON_CUES, ORG_CUES, LOC_CUES)
MAX_CHARS = 16  # a word's first characters seen by the character CNN (longer words add little)
UNK, PAD = 0, 1  # ids of the unknown word / character and of the character padding


class InputEncoder:
    """A word type's inputs: ids of its form and stem vectors, its character ids and its flags."""

    def __init__(self, words: Sequence[str], chars: str, gaz_classes: Sequence[str], res: Resources) -> None:
        self.word_id = {w: i + 1 for i, w in enumerate(words)}  # 0 is UNK
        self.char_id = {c: i + 2 for i, c in enumerate(chars)}  # 0 UNK, 1 PAD
        self.gaz_classes = tuple(gaz_classes)
        self.res = res
        self.n_flags = len(self.gaz_classes) + len(CUES) + len(SHAPES)

    def encode(self, word: str) -> tuple[int, int, list[int], np.ndarray]:
        form = match_form(word)
        stems = strip_clitics(form)
        own = self.word_id.get(form, UNK)
        # the stem's vector: the longest stem the vectors know, else the word's own
        stem = next((i for s in stems if (i := self.word_id.get(s, UNK)) != UNK), own)
        chars = [self.char_id.get(c, UNK) for c in form[:MAX_CHARS]] or [UNK]
        flags = np.zeros(self.n_flags, dtype=np.float32)
        looked = (form, *stems)
        for k, c in enumerate(self.gaz_classes):
            if any(c in self.res.gazetteer.get(f, ()) for f in looked):
                flags[k] = 1.0
        base = len(self.gaz_classes)
        for k, cue in enumerate(CUES):
            if any(f in cue for f in looked):
                flags[base + k] = 1.0
        flags[base + len(CUES) + SHAPES.index(shape(word))] = 1.0
        return own, stem, chars, flags


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # never overflows


class NeuralTagger:
    """The exported BiLSTM; `log_probs` gives per-token label log-probabilities for a batch of sentences."""

    def __init__(self, data: dict[str, np.ndarray], res: Resources) -> None:
        words = bytes(data["words"]).decode("utf-8").split("\n")
        chars = bytes(data["chars"]).decode("utf-8")
        self.labels = bytes(data["labels"]).decode("utf-8").split("\n")
        gaz = bytes(data["gaz_classes"]).decode("utf-8").split("\n")
        self.encoder = InputEncoder(words, chars, gaz, res)
        self.data = data  # as exported (tests compare with the PyTorch module)
        f32 = np.float32
        self.vectors = data["vectors"]  # float16, row 0: UNK (zeros); rows are cast as a word type needs them
        self.char_emb = data["char_emb"].astype(f32)
        self.conv_w = data["conv_w"].astype(f32)  # (filters, char dim, width)
        self.conv_b = data["conv_b"].astype(f32)
        self.lstm = [tuple(data[f"{name}_{d}"].astype(f32) for name in ("w_ih", "w_hh", "b")) for d in ("fwd", "bwd")]
        self.out_w = data["out_w"].astype(f32)
        self.out_b = data["out_b"].astype(f32)
        self._type = lru_cache(maxsize=20_000)(self._type_input)  # ~1.2 KB each

    def _type_input(self, word: str) -> np.ndarray:
        """A word type's input vector to the LSTM (cached: most tokens are of frequent types)."""
        own, stem, chars, flags = self.encoder.encode(word)
        width = self.conv_w.shape[2]
        ids = [PAD] * (width // 2) + chars + [PAD] * (width // 2)
        emb = self.char_emb[ids]  # (len, char dim)
        windows = np.stack([emb[k : k + len(chars)] for k in range(width)], axis=2)  # (len, dim, width)
        conv = np.tensordot(windows, self.conv_w, axes=([1, 2], [1, 2])) + self.conv_b  # (len, filters)
        vecs = self.vectors[[own, stem]].astype(np.float32).ravel()
        return np.concatenate([vecs, conv.max(axis=0), flags])

    def log_probs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """Label log-probabilities (tokens of all sentences in order, len(self.labels))."""
        lengths = [len(s) for s in sentences]
        n = sum(lengths)
        if not n:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        index: dict[str, int] = {}
        rows = np.array([index.setdefault(w, len(index)) for s in sentences for w in s], dtype=np.intp)
        table = np.stack([self._type(w) for w in index])
        x = table[rows]
        hidden = [self._direction(x, lengths, d) for d in (0, 1)]
        scores = np.concatenate(hidden, axis=1) @ self.out_w.T + self.out_b
        scores -= scores.max(axis=1, keepdims=True)
        return scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))

    def _direction(self, x: np.ndarray, lengths: Sequence[int], d: int) -> np.ndarray:
        """One LSTM direction (0 forward, 1 backward) over all sentences at once, longest first, so that
        the sentences still running at step t are a prefix of the batch."""
        w_ih, w_hh, b = self.lstm[d]
        size = w_hh.shape[1]
        gates_in = x @ w_ih.T + b  # (tokens, 4 * size), PyTorch's gate order: i, f, g, o
        starts = np.cumsum([0, *lengths])[:-1]
        order = sorted((k for k in range(len(lengths)) if lengths[k]), key=lambda k: -lengths[k])
        desc = np.array([lengths[k] for k in order])
        first = starts[order]
        longest = int(desc[0])
        running = np.searchsorted(-desc, -np.arange(longest), side="left")  # sentences longer than t
        h = np.zeros((len(order), size), dtype=np.float32)
        c = np.zeros_like(h)
        out = np.empty((x.shape[0], size), dtype=np.float32)
        for t in range(longest):
            r = int(running[t])
            at = first[:r] + (t if d == 0 else desc[:r] - 1 - t)
            g = gates_in[at] + h[:r] @ w_hh.T
            i, f = _sigmoid(g[:, :size]), _sigmoid(g[:, size : 2 * size])
            cell, o = np.tanh(g[:, 2 * size : 3 * size]), _sigmoid(g[:, 3 * size :])
            c[:r] = f * c[:r] + i * cell
            h[:r] = o * np.tanh(c[:r])
            out[at] = h[:r]
        return out

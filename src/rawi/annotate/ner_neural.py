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
from threadpoolctl import ThreadpoolController

from rawi.annotate.ner_features import LOC_CUES, ORG_CUES, PERSON_CUES, Resources, shape, strip_clitics
from rawi.text import match_form

SHAPES = ("ar", "num", "numx", "LAT_UP", "Lat_cap", "lat", "punct", "empty")
CUES = (PERSON_CUES, ORG_CUES, LOC_CUES)
MAX_CHARS = 16  # a word's first characters seen by the character CNN (longer words add little)
UNK, PAD = 0, 1  # ids of the unknown word / character and of the character padding
_GATHER = 2048  # tokens whose gate rows the BiLSTM gathers at once (2 x 1.6 KB each): bounded on long texts


class InputEncoder:
    """A word type's inputs: ids of its form and stem vectors, its character ids and its flags."""

    def __init__(self, words: Sequence[str], chars: str, gaz_classes: Sequence[str], res: Resources) -> None:
        self.word_id = {w: i + 1 for i, w in enumerate(words)}  # 0 is UNK
        self.char_id = {c: i + 2 for i, c in enumerate(chars)}  # 0 UNK, 1 PAD
        self.gaz_classes = tuple(gaz_classes)
        self.gaz_index = {c: k for k, c in enumerate(self.gaz_classes)}
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
        gaz = self.res.gazetteer
        for c in frozenset().union(*(gaz.get(f, ()) for f in looked)):
            if c in self.gaz_index:
                flags[self.gaz_index[c]] = 1.0
        base = len(self.gaz_classes)
        for k, cue in enumerate(CUES):
            if any(f in cue for f in looked):
                flags[base + k] = 1.0
        flags[base + len(CUES) + SHAPES.index(shape(word))] = 1.0
        return own, stem, chars, flags


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
        # Prepared for the batched pass: both directions side by side, and the rows of the gates i, f, o
        # halved, so that one tanh gives the cell's tanh and, as 0.5 * tanh(x / 2) + 0.5, the sigmoids.
        size = self.lstm[0][1].shape[1]
        half = np.full(4 * size, 0.5, dtype=f32)
        half[2 * size : 3 * size] = 1.0
        self._w_ih = np.concatenate([w_ih * half[:, None] for w_ih, _, _ in self.lstm]).T  # (input, 8 size)
        self._b = np.concatenate([b * half for _, _, b in self.lstm])
        self._w_hh = np.stack([(w_hh * half[:, None]).T for _, w_hh, _ in self.lstm])  # (2, size, 4 size)
        filters, char_dim, width = self.conv_w.shape
        self._conv = self.conv_w.transpose(2, 1, 0).reshape(width * char_dim, filters)  # rows: (offset, dim)
        # by word length: the places of each character's window among the padded character ids
        self._windows = [np.arange(k)[:, None] + np.arange(width) for k in range(MAX_CHARS + 1)]
        self.out_w = data["out_w"].astype(f32)
        self.out_b = data["out_b"].astype(f32)
        self._type = lru_cache(maxsize=20_000)(self._type_input)  # ~1.2 KB each
        # The LSTM's step products are small: OpenBLAS would still split them over its threads, which on a
        # busy machine (or beside rawi's other workers) wait on each other: 2.6x the CPU on a long text.
        self._blas = ThreadpoolController()

    def _type_input(self, word: str) -> np.ndarray:
        """A word type's input vector to the LSTM (cached: most tokens are of frequent types)."""
        own, stem, chars, flags = self.encoder.encode(word)
        width = self.conv_w.shape[2]
        ids = np.array([PAD] * (width // 2) + chars + [PAD] * (width // 2))
        # (len, width * dim): each character's window, the embeddings of its width characters side by side
        windows = self.char_emb[ids[self._windows[len(chars)]]].reshape(len(chars), -1)
        conv = windows @ self._conv + self.conv_b  # (len, filters)
        vecs = self.vectors[[own, stem]].astype(np.float32).ravel()
        return np.concatenate([vecs, conv.max(axis=0), flags])

    def log_probs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """Label log-probabilities (tokens of all sentences in order, len(self.labels))."""
        with self._blas.limit(limits=1, user_api="blas"):
            return self._log_probs(sentences)

    def _log_probs(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        lengths = [len(s) for s in sentences]
        n = sum(lengths)
        if not n:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        index: dict[str, int] = {}
        rows = np.array([index.setdefault(w, len(index)) for s in sentences for w in s], dtype=np.intp)
        table = np.stack([self._type(w) for w in index])
        n_types = table.shape[0]
        size = self._w_hh.shape[1]
        # each type's input projection, computed once: forward gates in rows 0.., backward in rows n_types..
        proj = (table @ self._w_ih + self._b).reshape(n_types, 2, 4 * size).transpose(1, 0, 2)
        states = self._bilstm(proj.reshape(2 * n_types, 4 * size), np.concatenate([rows, rows + n_types]), lengths)
        out_w = self.out_w
        scores = states[:n] @ out_w[:, :size].T + states[n:] @ out_w[:, size:].T + self.out_b
        scores -= scores.max(axis=1, keepdims=True)
        return scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))

    def _bilstm(self, proj: np.ndarray, rows: np.ndarray, lengths: Sequence[int]) -> np.ndarray:
        """Both LSTM directions over all sentences at once: the states (2 × tokens, size), forward ones, then
        backward ones, from the word types' input projections `proj` and `rows` (2 × tokens: each token's row
        of `proj` for the forward gates, then for the backward ones). Per-token gates are never built: a long
        text would make them hundreds of MB. Sentences go longest first, so that those still running at step
        t are a prefix of the batch; step t reads token t of each sentence forward and len - 1 - t backward."""
        n = len(rows) // 2
        size = self._w_hh.shape[1]
        starts = np.cumsum([0, *lengths])[:-1]
        order = sorted((k for k in range(len(lengths)) if lengths[k]), key=lambda k: -lengths[k])
        desc = np.array([lengths[k] for k in order])
        first = starts[order]
        running = np.searchsorted(-desc, -np.arange(int(desc[0])), side="left")  # how many are longer than t
        # Every step's places in `rows` and `out`, step after step (n in all, each sentence's token t at step
        # t): one gather of the gates' rows up front, and the step's states written to one contiguous block
        # (also the next step's h: those still running are its prefix), scattered to token order at the end.
        step_of = np.repeat(np.arange(len(running)), running)
        block = np.cumsum(running) - running  # where each step's block begins
        sent = np.arange(n) - np.repeat(block, running)
        at = np.stack([first[sent] + step_of, first[sent] + desc[sent] - 1 + n - step_of])  # (2, n)
        gate_rows = rows[at]
        states = np.empty((2, n, size), dtype=np.float32)
        c = np.zeros((2, len(order), size), dtype=np.float32)
        h = np.zeros((2, len(order), size), dtype=np.float32)[:, : running[0]]
        w_hh = self._w_hh
        gates, g_lo, g_hi = proj[:0], 0, 0  # the gate rows of steps g_lo.. (up to _GATHER tokens at a time)
        for lo, r in zip(block.tolist(), running.tolist(), strict=True):
            if lo + r > g_hi:
                g_lo, g_hi = lo, min(n, max(lo + _GATHER, lo + r))
                gates = proj[gate_rows[:, g_lo:g_hi]]
            g = gates[:, lo - g_lo : lo - g_lo + r]
            g += np.matmul(h[:, :r], w_hh)
            np.tanh(g, out=g)
            sig = g * 0.5 + 0.5  # the sigmoids of i, f, o (their rows were halved)
            cr = c[:, :r]
            cr *= sig[..., size : 2 * size]
            cr += sig[..., :size] * g[..., 2 * size : 3 * size]
            h = states[:, lo : lo + r]
            np.tanh(cr, out=h)
            h *= sig[..., 3 * size :]
        out = np.empty((2 * n, size), dtype=np.float32)
        out[at] = states
        return out

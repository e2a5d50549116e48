"""Named-entity recognition: a CRF over rich token features, shipped in rawi/models and loaded once.

`find_mentions(text)` gives entity spans with character offsets into the text; `annotate_entities`
adds entity identity (annotate/names.py) and fills `Article.entities` in the output schema. The model
(python-crfsuite) and its resources are built by training/train_ner.py from ANERcorp, ANERgazet,
WikiFANE and SaudiNewsNet word clusters; tags use ANERcorp's label names (B-PERS, I-LOC, ...). When
`ner_neural.npz` is shipped (training/train_ner_neural.py), a small BiLSTM's label log-probabilities
(ner_neural.py, numpy) are added to the CRF's state scores before Viterbi: the two err differently.
"""

from __future__ import annotations

import bisect
import dataclasses
import gzip
import struct
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise

import numpy as np
import pycrfsuite

from rawi.annotate.cues import cue_mentions
from rawi.annotate.names import MEDIA_HEADS, EntityRegistry, is_nisba, rank, resolve_article
from rawi.annotate.ner_features import Featurizer, Resources, load_profile
from rawi.annotate.ner_neural import NeuralTagger
from rawi.errors import RawiError
from rawi.model import Article
from rawi.text import Token, match_form, tokenize

# ANERcorp's label names → the output schema's.
LABELS = {"PERS": "PER", "PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
_SENTENCE_END = frozenset({".", "!", "?", "؟", "…", "؛"})
_MAX_SENTENCE = 250  # longer runs are cut: the CRF needs no more context, and time stays linear
_MAX_MENTION = 10  # tokens; ANERcorp's longest names are event titles of about that length
DOC_WINDOW = 20  # sentences each side that share their names
_PROPAGATE_RANK = 500  # a one-word name more frequent than this is a common word too: not spread
_MODEL_FILES = ("ner.crfsuite", "ner_clusters.tsv.gz", "ner_gazetteer.tsv.gz", "ner_names.tsv.gz")
_PROFILE_FILE = "ner_profile.tsv.gz"  # corpus profiles (training/ner_profile.py), for a model that reads them
_NEURAL_FILE = "ner_neural.npz"  # the neural tagger joined to the CRF (ner_neural.py), when shipped


@dataclass(slots=True, frozen=True)
class RawMention:
    start: int
    end: int
    label: str  # PER | ORG | LOC | MISC
    text: str


class CrfWeights:
    """The weights of a crfsuite model (the "lCRF" file python-crfsuite writes), read from the file itself,
    so that tagging runs in numpy with crfsuite's own arithmetic: each token's label scores are summed
    attribute by attribute in the order the features come, and Viterbi keeps the first best predecessor
    and the first best last label, as crfsuite's crf1dc_viterbi does. The tags are crfsuite's
    (tests/test_entities.py compares both on ANERcorp and SaudiNewsNet); the saving is crfsuite's cost of
    turning every feature string of every token into an attribute id, which dominated tagging."""

    def __init__(self, data: bytes) -> None:
        head = struct.unpack_from("<4sI4sIIIIIIIII", data, 0)
        magic, kind, n_labels, n_attrs = head[0], head[2], head[5], head[6]
        off_features, off_labels, off_attrs = head[7], head[8], head[9]
        if magic != b"lCRF" or kind != b"FOMC":
            raise RawiError("the NER model is not a crfsuite CRF1d model; rebuild it with training/train_ner.py")
        self.labels = _cqdb_strings(data, off_labels)
        attrs = _cqdb_strings(data, off_attrs)
        if len(self.labels) != n_labels or len(attrs) != n_attrs:
            raise RawiError("the NER model file is damaged; rebuild it with training/train_ner.py")
        self.attr_id = {a: i for i, a in enumerate(attrs)}
        chunk, _, n_features = struct.unpack_from("<4sII", data, off_features)
        if chunk != b"FEAT":
            raise RawiError("the NER model file is damaged; rebuild it with training/train_ner.py")
        layout = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
        feats = np.frombuffer(data, dtype=layout, count=n_features, offset=off_features + 12)
        state, trans = feats[feats["type"] == 0], feats[feats["type"] == 1]
        # one row per attribute, and a last row of zeros that pads ragged feature lists (x + 0.0 == x)
        self.weights = np.zeros((n_attrs + 1, n_labels))
        self.weights[state["src"], state["dst"]] = state["weight"]
        self.pad = n_attrs
        self.trans = np.zeros((n_labels, n_labels))  # trans[i, j]: from label i to label j
        self.trans[trans["src"], trans["dst"]] = trans["weight"]

    def decode(self, ids: np.ndarray, lengths: Sequence[int], extra: np.ndarray | None = None) -> list[list[str]]:
        """Best label sequences of consecutive sentences (`lengths` tokens each); `ids[i]` holds the
        attribute ids of token i's features in order, padded with `pad` (a row of zeros: x + 0.0 == x).
        `extra` (tokens × labels, in `self.labels` order) is added to the state scores: another model's."""
        out: list[list[str]] = [[] for _ in lengths]
        n = ids.shape[0]
        if not n:
            return out
        n_labels = len(self.labels)
        scores = np.zeros((n, n_labels))
        for row in np.take(self.weights, ids.T, axis=0):  # one feature at a time: crfsuite's sums, in its order
            scores += row
        if extra is not None:
            scores += extra
        # Viterbi over all sentences at once, longest first, so that those still running are a prefix.
        order = sorted((s for s in range(len(lengths)) if lengths[s]), key=lambda s: -lengths[s])
        if not order:
            return out
        starts = np.cumsum([0, *lengths]).tolist()
        longest, n_sent = lengths[order[0]], len(order)
        state = np.zeros((longest, n_sent, n_labels))
        for s, k in enumerate(order):
            state[: lengths[k], s] = scores[starts[k] : starts[k + 1]]
        desc = [lengths[k] for k in order]
        running = np.searchsorted(-np.array(desc), -np.arange(longest)).tolist()  # how many are longer than t
        alpha = state[0].copy()
        back: list[list[list[int]]] = [[]]  # back[t][s][j]: the best label at t-1 before label j at t
        for t in range(1, longest):
            r = running[t]
            cand = alpha[:r, :, None] + self.trans  # cand[s, i, j]: label i at t-1, then label j at t
            back.append(cand.argmax(axis=1).tolist())  # the first best, as crfsuite's strict "<" keeps
            np.add(cand.max(axis=1), state[t, :r], out=alpha[:r])
        labels = self.labels
        for s, j in enumerate(alpha.argmax(axis=1).tolist()):
            path = [j]
            for t in range(desc[s] - 1, 0, -1):
                j = back[t][s][j]
                path.append(j)
            out[order[s]] = [labels[i] for i in reversed(path)]
        return out


def _cqdb_strings(data: bytes, offset: int) -> list[str]:
    """The strings of a crfsuite constant quark database, by id (its backward array lists them in order)."""
    chunk, _, _, _, n, back = struct.unpack_from("<4sIIIII", data, offset)
    if chunk != b"CQDB":
        raise RawiError("the NER model file is damaged; rebuild it with training/train_ner.py")
    out = []
    for i, rec in enumerate(struct.unpack_from(f"<{n}I", data, offset + back)):
        rid, size = struct.unpack_from("<II", data, offset + rec)
        if rid != i:
            raise RawiError("the NER model file is damaged; rebuild it with training/train_ner.py")
        start = offset + rec + 8
        out.append(data[start : start + size - 1].decode("utf-8"))  # the key ends with a NUL
    return out


# a word type's matching form, the ids of its feature groups one after the other, the groups' sizes, and
# whether it may begin a gazetteer phrase
_TypeIds = tuple[str, np.ndarray, tuple[int, ...], bool]


class NerModel:
    """The CRF tagger with its featurizer. Tagging runs on `CrfWeights` (numpy, thread-safe); crfsuite's
    own tagger (not thread-safe, so one per thread) stays as the reference it must agree with."""

    def __init__(
        self,
        model_bytes: bytes,
        res: Resources,
        names: dict[tuple[str, ...], str] | None = None,
        neural: NeuralTagger | None = None,
        neural_weight: float = 0.0,
    ) -> None:
        self._bytes = model_bytes
        self.featurizer = Featurizer(res)
        self.crf = CrfWeights(model_bytes)
        self.set_neural(neural, neural_weight)
        # A word type's features as attribute ids (~0.4 KB each, a tenth of their strings): cached widely.
        self._type_ids = lru_cache(maxsize=100_000)(self._compute_type_ids)
        self._id_type = np.uint16 if self.crf.pad < 2**16 else np.uint32
        self._seen_ids: dict[str, tuple[int | None, ...]] = {}  # see `_compute_type_ids`
        self._local = threading.local()
        self.names = names or {}  # names the training data types reliably (see `known_names`)
        self._name_lengths: dict[str, tuple[int, ...]] = {}
        for key in self.names:
            self._name_lengths[key[0]] = tuple(sorted({*self._name_lengths.get(key[0], ()), len(key)}, reverse=True))

    @classmethod
    def from_package(cls) -> NerModel:
        folder = resources.files("rawi") / "models"
        missing = [f for f in _MODEL_FILES if not (folder / f).is_file()]
        if missing:
            raise RawiError(
                f"the NER model files {missing} are missing from {folder}; "
                "rebuild them with training/train_ner.py or reinstall rawi"
            )
        with (
            resources.as_file(folder / _MODEL_FILES[1]) as clusters,
            resources.as_file(folder / _MODEL_FILES[2]) as gazetteer,
        ):
            res = Resources.load(str(clusters), str(gazetteer))
        if (folder / _PROFILE_FILE).is_file():
            with resources.as_file(folder / _PROFILE_FILE) as profile:
                res.profile = load_profile(str(profile))
        with resources.as_file(folder / _MODEL_FILES[3]) as names:
            known = load_names(str(names))
        model = cls((folder / _MODEL_FILES[0]).read_bytes(), res, known)
        if (folder / _NEURAL_FILE).is_file():
            with resources.as_file(folder / _NEURAL_FILE) as path, np.load(path) as data:
                weights = dict(data)
            model.set_neural(NeuralTagger(weights, res), float(weights["weight"]))
        if not res.profile and any(a.startswith("pf=") for a in model.crf.attr_id):
            raise RawiError(
                f"the NER model reads corpus profiles but {_PROFILE_FILE} is missing from {folder}; "
                "rebuild the models with training/train_ner.py or reinstall rawi"
            )
        return model

    def set_neural(self, neural: NeuralTagger | None, weight: float) -> None:
        """Join `neural`'s label log-probabilities, times `weight`, to the CRF's state scores (ner_neural.py)."""
        self.neural = neural if weight else None
        self.neural_weight = weight
        if neural is not None:
            self._neural_cols = np.array([neural.labels.index(lab) for lab in self.crf.labels], dtype=np.intp)

    def _tagger(self) -> pycrfsuite.Tagger:
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(self._bytes)
            self._local.tagger = tagger
        return tagger

    def reference_tag(self, tokens: Sequence[str]) -> list[str]:
        """`tag` through crfsuite's own tagger and the featurizer's strings: what `tag` must equal."""
        out: list[str] = []
        for i in range(0, len(tokens), _MAX_SENTENCE):
            out.extend(self._tagger().tag(self.featurizer.sentence(tokens[i : i + _MAX_SENTENCE])))
        return out

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """BIO tags (ANERcorp names) for one sentence of tokens."""
        return self.tag_sentences([tokens])[0]

    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO tags for each sentence; one numpy pass over them all (an article's sentences, say)."""
        chunks = [
            tokens[i : i + _MAX_SENTENCE]  # longer runs are cut, each tagged alone
            for tokens in sentences
            for i in range(0, len(tokens), _MAX_SENTENCE)
        ]
        extra = None
        if self.neural is not None:
            extra = self.neural_weight * self.neural.log_probs(chunks)[:, self._neural_cols]
        tagged = self.crf.decode(self._feature_ids(chunks), [len(c) for c in chunks], extra)
        out: list[list[str]] = []
        k = 0
        for tokens in sentences:
            tags: list[str] = []
            for _ in range(0, len(tokens), _MAX_SENTENCE):
                tags += tagged[k]
                k += 1
            out.append(tags)
        return out

    def _compute_type_ids(self, word: str) -> _TypeIds:
        """`Featurizer.type_features` as attribute ids (crfsuite skips the attributes its model does not
        know). The features a neighbour sees, but for the word itself ("w="), are shared by many words
        (clusters, gazetteer classes, cues, shapes): their ids at -2, -1, +1, +2 are looked up once."""
        mf, own, ctx, first_stem = self.featurizer.type_parts(word)
        get = self.crf.attr_id.get
        kept = [[x for f in own if (x := get(f)) is not None], [], [], [], []]
        around = kept[1:]
        for k, f in enumerate(ctx):
            seen = self._seen_ids.get(f) if k else None
            if seen is None:
                seen = (get("-2" + f), get("-1" + f), get("+1" + f), get("+2" + f))
                if k:
                    self._seen_ids[f] = seen
            for ids, x in zip(around, seen, strict=True):
                if x is not None:
                    ids.append(x)
        for s in first_stem:
            for ids, f in ((kept[2], "-1st=" + s), (kept[3], "+1st=" + s)):
                if (x := get(f)) is not None:
                    ids.append(x)
        begins = bool(self.featurizer._phrase_starts(mf))  # the word may begin a gazetteer phrase
        return mf, np.array([x for g in kept for x in g], dtype=self._id_type), tuple(map(len, kept)), begins

    def _feature_ids(self, chunks: Sequence[Sequence[str]]) -> np.ndarray:
        """The attribute ids of each token's features, one row per token of `chunks` (each tagged as a
        sentence), padded: the features of `Featurizer.sentence` (which training uses) in its order: the
        token's own, those of the words around it (or the sentence bounds), bigrams, gazetteer phrases."""
        pad = self.crf.pad
        index: dict[str, int] = {}  # word → its row in `table`
        rows = [index.setdefault(w, len(index)) for c in chunks for w in c]
        n = len(rows)
        if not n:
            return np.zeros((0, 1), dtype=np.intp)
        types = [self._type_ids(w) for w in index]
        # The feature groups of each word (own, seen at -2, -1, +1, +2) padded into one table, with a last
        # row for the sentence bounds: "-2BOS", "BOS", "EOS", "+2EOS" in the slots of the groups they replace.
        get = self.crf.attr_id.get
        edge = [[x] if (x := get(f)) is not None else [] for f in ("-2BOS", "BOS", "EOS", "+2EOS")]
        lens = np.array([t[2] for t in types] + [(0, *map(len, edge))], dtype=np.intp)  # (words + 1, 5)
        widths = lens.max(axis=0)
        offsets = np.cumsum(widths) - widths
        values = np.concatenate([t[1] for t in types] + [np.array([x for e in edge for x in e], dtype=self._id_type)])
        sizes = lens.ravel()
        k = np.arange(len(values)) - np.repeat(np.cumsum(sizes) - sizes, sizes)  # place in its group
        table = np.full((len(lens), int(widths.sum())), pad, dtype=np.intp)
        table[np.repeat(np.arange(len(lens)), lens.sum(axis=1)), np.repeat(np.tile(offsets, len(lens)), sizes) + k] = (
            values
        )
        # Each token's neighbours within its sentence, or the bounds row.
        at = np.array(rows, dtype=np.intp)
        size = np.array([len(c) for c in chunks], dtype=np.intp)
        pos = np.arange(n) - np.repeat(np.cumsum(size) - size, size)  # place in its sentence
        after = np.repeat(size, size) - pos - 1  # tokens after it in its sentence
        bound = len(types)

        def near(shift: int, ok: np.ndarray) -> np.ndarray:
            src = np.full(n, bound, dtype=np.intp)
            if shift < 0:
                src[-shift:] = at[:shift]
            else:
                src[: n - shift] = at[shift:]
            return np.where(ok, src, bound)

        def group(g: int, src: np.ndarray) -> np.ndarray:
            return table[src, offsets[g] : offsets[g] + widths[g]]

        # the bigram of tokens i, i+1 is feature "bg+=" of token i and "bg-=" of token i+1
        forms = [types[r][0] for r in rows]
        pairs = [a + "|" + b for a, b in pairwise(forms)]
        bg_next = np.array([get("bg+=" + p, pad) for p in pairs] + [pad], dtype=np.intp)
        bg_prev = np.array([pad] + [get("bg-=" + p, pad) for p in pairs], dtype=np.intp)
        bg_next[after == 0] = pad
        bg_prev[pos == 0] = pad
        parts = [
            group(0, at),
            group(1, near(-2, pos >= 2)),
            group(2, near(-1, pos >= 1)),
            bg_prev[:, None],
            group(3, near(1, after >= 1)),
            bg_next[:, None],
            group(4, near(2, after >= 2)),
        ]
        if self.featurizer.res.phrases:
            begins = np.array([t[3] for t in types] + [False])[at]  # tokens whose words begin phrases
            phrases = self._phrase_ids(chunks, forms, np.flatnonzero(begins).tolist()) if begins.any() else None
            if phrases is not None:
                parts.append(phrases)
        return np.concatenate(parts, axis=1)

    def _phrase_ids(self, chunks: Sequence[Sequence[str]], forms: list[str], begins: list[int]) -> np.ndarray | None:
        """Columns "ph=", "ph+1=", "ph-1=" of the gazetteer phrases in each sentence (`begins`: the tokens
        whose words begin phrases); None when none."""
        get = self.crf.attr_id.get
        out: np.ndarray | None = None
        start = 0
        for c in chunks:
            lo, hi = bisect.bisect_left(begins, start), bisect.bisect_left(begins, start + len(c))
            if lo == hi:
                start += len(c)
                continue  # no phrase can begin in this sentence
            tags = self.featurizer._phrase_tags(forms[start : start + len(c)], [k - start for k in begins[lo:hi]])
            for i, ph in enumerate(tags):
                prev = tags[i - 1] if i else None
                if not ph and not prev:
                    continue
                if out is None:
                    out = np.full((len(forms), 3), self.crf.pad, dtype=np.intp)
                row = out[start + i]
                if ph:
                    row[0] = get("ph=" + ph, self.crf.pad)
                    nxt = tags[i + 1] if i + 1 < len(tags) else None
                    if nxt and nxt[0] == "I":
                        row[1] = get("ph+1=" + nxt, self.crf.pad)
                if prev:
                    row[2] = get("ph-1=" + prev, self.crf.pad)
            start += len(c)
        return out


def tag_document(model: NerModel, sentences: Sequence[Sequence[str]], window: int = DOC_WINDOW) -> list[list[str]]:
    """BIO tags for consecutive sentences, with one-sense-per-discourse: a name the CRF tagged in a
    nearby sentence (within `window`) is tagged where the CRF missed it, the surname of a full name
    too (فلاديمير بوتين → بوتين), and a name the CRF typed two ways takes its majority type. ANERcorp
    has no document boundaries, so nearby sentences stand for the document. `known_names` runs first. On
    the dev split the two passes add 2.7 F1 to the CRF alone (0.722 → 0.748, bench/results/ner.json)."""
    forms = [[_form(t) for t in s] for s in sentences]
    first = [known_names(model, t, f) for t, f in zip(model.tag_sentences(sentences), forms, strict=True)]
    return propagate(first, forms, window)


def load_names(path: str) -> dict[tuple[str, ...], str]:
    """ner_names.tsv.gz: TYPE<TAB>name (matching forms, first word without its proclitics), one a line."""
    out: dict[tuple[str, ...], str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            typ, _, name = line.rstrip("\n").partition("\t")
            if name:
                out[tuple(name.split(" "))] = typ
    return out


def known_names(model: NerModel, tags: Sequence[str], forms: Sequence[str]) -> list[str]:
    """A name that ANERcorp's training sentences tag, nearly always with one type, is tagged where the
    CRF left it O (longest match first). On the dev split this adds about 0.4 F1."""
    out = list(tags)
    lengths = model._name_lengths
    i = 0
    while i < len(forms):
        hit = 0
        if out[i] == "O":
            first = _bare(forms[i])
            for n in lengths.get(first, ()):
                if i + n > len(forms) or any(t != "O" for t in out[i : i + n]):
                    continue
                typ = model.names.get((first, *forms[i + 1 : i + n]))
                if typ and (n > 1 or rank(first) >= _PROPAGATE_RANK):
                    out[i : i + n] = ["B-" + typ] + ["I-" + typ] * (n - 1)
                    hit = n
                    break
        i += hit or 1
    return out


def propagate(
    first: Sequence[Sequence[str]], forms: Sequence[Sequence[str]], window: int = DOC_WINDOW
) -> list[list[str]]:
    """The document-level pass of `tag_document` over first-pass tags and matching forms."""
    found: list[dict[tuple[str, ...], str]] = []  # per sentence: name → type
    for s, tags in zip(forms, first, strict=True):
        names: dict[tuple[str, ...], str] = {}
        for a, b, typ in bio_to_spans(tags):
            key = (_bare(s[a]), *s[a + 1 : b])
            if len(key) > 1 or rank(key[0]) >= _PROPAGATE_RANK:
                names.setdefault(key, typ)
            if typ == "PERS" and b - a >= 2 and len(s[b - 1]) > 2 and rank(s[b - 1]) >= _PROPAGATE_RANK:
                names.setdefault(name_key(s[b - 1 : b]), typ)  # the surname alone names the person later on
        found.append(names)
    # Where each name was found (sentence, type), in sentence order, and the lengths of the names that
    # begin with each word: a sentence's votes are read from its window instead of recounting the window.
    seen: dict[tuple[str, ...], tuple[list[int], list[str]]] = {}
    lengths: dict[str, set[int]] = {}
    for sj, names in enumerate(found):
        for key, typ in names.items():
            where, types = seen.setdefault(key, ([], []))
            where.append(sj)
            types.append(typ)
            lengths.setdefault(key[0], set()).add(len(key))
    longest_in = [max(map(len, names), default=0) for names in found]

    def votes_near(key: tuple[str, ...], lo: int, hi: int) -> Counter[str] | None:
        # the types the name has in sentences lo..hi, counted in sentence order (ties go to the first seen)
        hit = seen.get(key)
        if hit is None:
            return None
        where, types = hit
        a, b = bisect.bisect_left(where, lo), bisect.bisect_right(where, hi)
        return Counter(types[a:b]) if a < b else None

    out = [list(t) for t in first]
    for si, s in enumerate(forms):
        lo, hi = max(0, si - window), min(len(forms), si + window + 1) - 1
        longest = max(longest_in[lo : hi + 1], default=0)
        if not longest:
            continue  # no name nearby
        tags = out[si]
        for a, b, typ in bio_to_spans(tags):  # one type per name: the nearby majority wins
            votes = votes_near((_bare(s[a]), *s[a + 1 : b]), lo, hi)
            if votes:
                best, n_best = votes.most_common(1)[0]
                if best != typ and n_best > votes[typ]:
                    tags[a:b] = ["B-" + best] + ["I-" + best] * (b - a - 1)
        free = [0] * (len(s) + 1)  # free[i]: how many tags from i on are "O"
        for i in range(len(s) - 1, -1, -1):
            free[i] = free[i + 1] + 1 if tags[i] == "O" else 0
        i = 0
        while i < len(s):
            hit = 0
            sizes = lengths.get(_bare(s[i])) if free[i] else None
            if sizes:
                for n in range(min(longest, len(s) - i, free[i]), 0, -1):
                    if n not in sizes:
                        continue
                    votes = votes_near((_bare(s[i]), *s[i + 1 : i + n]), lo, hi)
                    if votes:
                        typ = votes.most_common(1)[0][0]
                        tags[i : i + n] = ["B-" + typ] + ["I-" + typ] * (n - 1)
                        hit = n
                        break
            i += hit or 1
    return out


def name_key(forms: Sequence[str]) -> tuple[str, ...]:
    """How a name is looked up across its mentions: matching forms, the first without its proclitics."""
    return (_bare(forms[0]), *forms[1:])


def _bare(form: str) -> str:
    # the proclitics off, as ANERcorp attaches them to names: وبيروت, لبيروت, وبباريس
    if len(form) > 3 and form[0] in "وفبلك":
        rest = form[1:]
        if form[0] in "وف" and len(rest) > 3 and rest[0] in "بلك":
            return rest[1:]
        return rest
    return form


_form = lru_cache(maxsize=200_000)(match_form)


@cache
def load_model() -> NerModel:
    """The shipped model, loaded on first use and kept for the life of the process."""
    return NerModel.from_package()


def sentence_tokens(text: str) -> list[list[Token]]:
    """Tokens of `text` grouped into tagging units: a sentence ends at final punctuation or a line break."""
    groups: list[list[Token]] = []
    cur: list[Token] = []
    prev_end = 0
    for tok in tokenize(text):
        if cur and "\n" in text[prev_end : tok.start]:
            groups.append(cur)
            cur = []
        cur.append(tok)
        prev_end = tok.end
        if tok.text in _SENTENCE_END or len(cur) >= _MAX_SENTENCE:
            groups.append(cur)
            cur = []
    if cur:
        groups.append(cur)
    return groups


def bio_to_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token spans (start, end exclusive, ANERcorp type) of a BIO sequence; a stray I- starts an entity."""
    out: list[tuple[int, int, str]] = []
    start, typ = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, t = tag.partition("-")
        if start >= 0 and (prefix != "I" or t != typ):
            out.append((start, i, typ))
            start = -1
        if prefix == "B" or (prefix == "I" and start < 0):
            start, typ = i, t
    return out


def find_mentions(text: str, model: NerModel | None = None, cues: bool = True) -> list[RawMention]:
    """Entity mentions of `text` with offsets into `text`: the CRF's with the document-level passes of
    `tag_document`, plus (with `cues`) those of the news patterns in annotate/cues.py where the CRF found
    nothing."""
    model = model or load_model()
    found: list[RawMention] = []
    sents = sentence_tokens(text)
    taken_at: set[int] = set()
    # the article is the document: names known from training and names tagged elsewhere in it count
    tagged = tag_document(model, [[t.text for t in sent] for sent in sents])
    for sent, tags in zip(sents, tagged, strict=True):
        for s, e, typ in bio_to_spans(tags):
            label = LABELS.get(typ)
            if label is None:
                continue
            if e - s > _MAX_MENTION:
                continue  # a run the CRF cannot judge (a line of Latin acronyms), not a name
            start, end = sent[s].start, sent[e - 1].end
            found.append(RawMention(start, end, label, text[start:end]))
            taken_at.update(t.start for t in sent[s:e])
    if cues:
        toks = [t for sent in sents for t in sent]
        taken = [t.start in taken_at for t in toks]
        extra = sorted(cue_mentions(text, toks, taken, rank))
        if extra:
            starts = [e[0] for e in extra]

            def overlaps(m: RawMention) -> bool:  # a credit line overrides what the CRF saw inside it
                k = bisect.bisect_left(starts, m.end) - 1
                return k >= 0 and extra[k][1] > m.start

            found = [m for m in found if not overlaps(m)]
            found += [RawMention(a, b, label, text[a:b]) for a, b, label in extra]
        found.sort(key=lambda m: m.start)
        found = [piece for m in found for piece in _split_coordination(text, m)]
        found = _outlet_spans(text, toks, found)
    return found


def _outlet_spans(text: str, toks: Sequence[Token], found: list[RawMention]) -> list[RawMention]:
    """Outlets as the press names them: "وكالة اسوشيتدبرس الأمريكية" → "وكالة اسوشيتدبرس". A media head
    just before an organization joins it; a nationality after a one-word foreign name leaves it."""
    index = {t.start: i for i, t in enumerate(toks)}
    out = []
    for m in found:
        if m.label != "ORG":
            out.append(m)
            continue
        start, end = m.start, m.end
        inner = tokenize(m.text)
        if len(inner) == 2 and is_nisba(match_form(inner[1].text)) and not match_form(inner[0].text).startswith("ال"):
            end = start + inner[0].end
        i = index.get(start)
        if i and match_form(toks[i - 1].text) in MEDIA_HEADS and toks[i - 1].end + 1 >= start:
            start = toks[i - 1].start
        out.append(RawMention(start, end, m.label, text[start:end]) if (start, end) != (m.start, m.end) else m)
    return out


def _split_coordination(text: str, m: RawMention) -> list[RawMention]:
    """ "بريانسك وكورسك" is two places: cut a place or person span before a word whose و is a clitic
    (the bare word is at least as frequent as the whole). ANERcorp's CoNLL path keeps its own spans."""
    if m.label not in ("LOC", "PER"):
        return [m]
    toks = tokenize(m.text)
    cuts = []
    for k in range(1, len(toks)):
        w = match_form(toks[k].text)
        if len(w) > 3 and w[0] == "و" and toks[k - 1].is_word:
            bare, whole = rank(w[1:]), rank(w)
            if bare < whole or (bare == whole and m.label == "LOC"):
                cuts.append(k)
    if not cuts:
        return [m]
    out = []
    bounds = [0, *cuts, len(toks)]
    for a, b in pairwise(bounds):
        start, end = m.start + toks[a].start, m.start + toks[b - 1].end
        if a and text[start] == "و":
            start += 1  # the conjunction is not part of the name
        out.append(RawMention(start, end, m.label, text[start:end]))
    return out


def annotate_entities(article: Article, registry: EntityRegistry | None = None) -> Article:
    """A copy of `article` with `entities` filled: offsets into `article.text`, label, entity_id and
    canonical name. `registry` (an `EntityRegistry`) groups entities across articles; without one, a
    fresh registry serves this article alone."""
    reg = registry if registry is not None else EntityRegistry()
    text = article.text
    mentions = resolve_article(text, find_mentions(text), reg)
    return dataclasses.replace(article, entities=mentions)

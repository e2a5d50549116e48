"""Named-entity recognition: a CRF over rich token features, shipped in rawi/models and loaded once.

`find_mentions(text)` gives entity spans with character offsets into the text; `annotate_entities`
adds entity identity (annotate/names.py) and fills `Article.entities` in the output schema. The model
(python-crfsuite) and its resources are built by training/train_ner.py from ANERcorp, ANERgazet,
WikiFANE and SaudiNewsNet word clusters; tags use ANERcorp's label names (B-PERS, I-LOC, ...).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycrfsuite

from rawi.annotate.ner_features import Featurizer, Resources
from rawi.errors import RawiError
from rawi.model import Article
from rawi.text import Token, tokenize

# ANERcorp's label names → the output schema's.
LABELS = {"PERS": "PER", "PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
_SENTENCE_END = frozenset({".", "!", "?", "؟", "…", "؛"})
_MAX_SENTENCE = 250  # longer runs are cut: the CRF needs no more context, and time stays linear
_MODEL_FILES = ("ner.crfsuite", "ner_clusters.tsv.gz", "ner_gazetteer.tsv.gz")


@dataclass(slots=True, frozen=True)
class RawMention:
    start: int
    end: int
    label: str  # PER | ORG | LOC | MISC
    text: str


class NerModel:
    """The CRF tagger with its featurizer. Thread-safe: crfsuite taggers are not, so each thread gets one."""

    def __init__(self, model_bytes: bytes, res: Resources) -> None:
        self._bytes = model_bytes
        self.featurizer = Featurizer(res)
        self._local = threading.local()

    @classmethod
    def from_package(cls) -> NerModel:
        folder = resources.files("rawi") / "models"
        missing = [f for f in _MODEL_FILES if not (folder / f).is_file()]
        if missing:
            raise RawiError(
                f"the NER model files {missing} are missing from {folder}; "
                "rebuild them with training/train_ner.py or reinstall rawi"
            )
        with resources.as_file(folder / _MODEL_FILES[1]) as clusters, resources.as_file(
            folder / _MODEL_FILES[2]
        ) as gazetteer:
            res = Resources.load(str(clusters), str(gazetteer))
        return cls((folder / _MODEL_FILES[0]).read_bytes(), res)

    def _tagger(self) -> pycrfsuite.Tagger:
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(self._bytes)
            self._local.tagger = tagger
        return tagger

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """BIO tags (ANERcorp names) for one sentence of tokens."""
        if not tokens:
            return []
        out: list[str] = []
        tagger = self._tagger()
        for i in range(0, len(tokens), _MAX_SENTENCE):
            chunk = tokens[i : i + _MAX_SENTENCE]
            out.extend(tagger.tag(self.featurizer.sentence(chunk)))
        return out


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


def find_mentions(text: str, model: NerModel | None = None) -> list[RawMention]:
    """Entity mentions of `text` as the CRF sees them, with offsets into `text`."""
    model = model or load_model()
    found: list[RawMention] = []
    for sent in sentence_tokens(text):
        tags = model.tag([t.text for t in sent])
        for s, e, typ in bio_to_spans(tags):
            label = LABELS.get(typ)
            if label is None:
                continue
            start, end = sent[s].start, sent[e - 1].end
            found.append(RawMention(start, end, label, text[start:end]))
    return found


def annotate_entities(article: Article, registry: object | None = None) -> Article:
    """A copy of `article` with `entities` filled: offsets into `article.text`, label, entity_id and
    canonical name. `registry` (an `EntityRegistry`) groups entities across articles; without one, a
    fresh registry serves this article alone."""
    from rawi.annotate.names import EntityRegistry, resolve_article

    reg = registry if isinstance(registry, EntityRegistry) else EntityRegistry()
    text = article.text
    mentions = resolve_article(text, find_mentions(text), reg)
    return dataclasses.replace(article, entities=mentions)

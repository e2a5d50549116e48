"""An article's standoff annotations laid over its paragraphs, for showing: each paragraph becomes a run of
pieces, each piece carrying the entity and the quotation it lies in (either may be None).

Offsets are into `Article.text` (paragraphs joined by a blank line); spans that cross a paragraph break
are cut at it, and spans that overlap are kept both (an entity inside a quotation is both).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from rawi.store.records import ArticleDetail, MentionOut, QuoteOut

_BREAK = 2  # len("\n\n")


@dataclass(slots=True)
class Piece:
    text: str
    entity: MentionOut | None = None
    quote: QuoteOut | None = None


def _covering(spans: list, a: int, b: int) -> object | None:
    best = None
    for span in spans:
        if span.start <= a and b <= span.end and (best is None or span.end - span.start < best.end - best.start):
            best = span  # the innermost span that covers the piece
    return best


def annotated_paragraphs(article: ArticleDetail) -> list[list[Piece]]:
    out: list[list[Piece]] = []
    offset = 0
    entities = [m for m in article.entities if m.start < m.end]
    quotes = [q for q in article.quotes if q.start < q.end]
    for paragraph in article.paragraphs:
        start, end = offset, offset + len(paragraph)
        cuts = {start, end}
        for span in (*entities, *quotes):
            for x in (span.start, span.end):
                if start < x < end:
                    cuts.add(x)
        bounds = sorted(cuts)
        pieces: list[Piece] = []
        for a, b in pairwise(bounds):
            entity = _covering(entities, a, b)
            quote = _covering(quotes, a, b)
            text = paragraph[a - start : b - start]
            last = pieces[-1] if pieces else None
            if last and last.entity is entity and last.quote is quote:
                last.text += text
            else:
                pieces.append(Piece(text, entity, quote))  # type: ignore[arg-type]
        out.append(pieces)
        offset = end + _BREAK
    return out

"""Page → articles. Every line gets a role; articles are built from the roles in page order.

Roles: title, subheading, body, and the removed kinds (credit, share_bar, keywords, read_also, promo,
related_header, related_links, footer, boilerplate, dateline). A removed line is never dropped: it goes to
`SegmentedPage.removed` with its kind, and the headlines of related-link lists go to `related_headlines`.

The page is read top to bottom with a small state: the article being built, whether it has been closed by
an end-of-article line (credit, share bar, keywords, footer), and whether we are inside a related-headlines
list. A read-also marker after a closed article starts an embedded article; inside a running article it
only introduces a related headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rawi.model import Article, Credit, Page, RemovedLine, SegmentedPage
from rawi.segment import markers
from rawi.segment.boilerplate import BoilerplateIndex
from rawi.segment.credits import cited_outlets, lookup_outlet, make_credit
from rawi.segment.headings import (
    HEADLINE_MAX_WORDS,
    SUBHEADING_MAX_WORDS,
    is_glued_headlines,
    is_headline_like,
)
from rawi.segment.markers import match_form
from rawi.segment.tags import merge_tags, page_phrases, split_tags
from rawi.text import detect_language

# "روسيا –", "الرياض - واس", "واشنطن (رويترز) -": a place (and agency) before a dash opening the text.
_DATELINE = re.compile(
    r"^(?P<place>[^\s\-–—:،.()]+(?:\s[^\s\-–—:،.()]+){0,2})\s*(?:\([^)]{1,30}\)\s*)?[-–—:]\s+"
    r"(?:[^\s\-–—:،.()]+(?:\s[^\s\-–—:،.()]+){0,2}\s*[-–—:]\s+)?"
)
_BYLINE = re.compile(r"^[^\-–—:.،]{2,40}\s*[-–—]\s*[^\-–—:.،]{2,40}:?$")
_RELATED_ITEM_MAX_WORDS = 40


def _is_prose(text: str) -> bool:
    """A paragraph, not a heading: longer than a subheading or ending with sentence punctuation."""
    return not is_headline_like(text, SUBHEADING_MAX_WORDS)


@dataclass
class _Draft:
    role: str
    title: str | None = None
    subheadings: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    dateline: str | None = None
    closed: bool = False


@dataclass
class _Line:
    number: int  # 1-based line number in the page text
    text: str  # stripped of white space and list bullets


def segment_page(page: Page, boilerplate: BoilerplateIndex | None = None) -> SegmentedPage:
    """Split one page into its articles, keeping every removed line with its kind."""
    lines = [_Line(i + 1, markers.strip_bullet(raw)) for i, raw in enumerate(page.text.split("\n"))]
    lines = [ln for ln in lines if ln.text]
    return _Segmenter(page, lines, boilerplate).run()


class _Segmenter:
    def __init__(self, page: Page, lines: list[_Line], boilerplate: BoilerplateIndex | None) -> None:
        self.page = page
        self.lines = lines
        self.boilerplate = boilerplate
        self.drafts: list[_Draft] = [_Draft("main")]
        self.removed: list[RemovedLine] = []
        self.related: list[str] = []
        self.tags: list[str] = []
        self.tag_runs: list[tuple[_Draft, str]] = []
        self.in_related_list = False
        self.pending_title_for_embedded = False
        self.related_max_words = _RELATED_ITEM_MAX_WORDS
        self._page_words: set[str] | None = None

    def page_words(self) -> set[str]:
        """The page's vocabulary in matching form (built on first use: only glue detection needs it)."""
        if self._page_words is None:
            self._page_words = {w for ln in self.lines for w in match_form(ln.text).split()}
        return self._page_words

    @property
    def current(self) -> _Draft:
        return self.drafts[-1]

    def remove(self, line: _Line, kind: str) -> None:
        self.removed.append(RemovedLine(kind, line.text, line.number))

    def run(self) -> SegmentedPage:
        related_forms = self._related_list_forms()
        for index, line in enumerate(self.lines):
            self._classify(index, line, related_forms)
        return self._finish()

    def _related_list_forms(self) -> set[str]:
        """Headlines listed under a related header anywhere on the page: the same line inside a body is a
        related link too, not a subheading."""
        forms: set[str] = set()
        inside = False
        for line in self.lines:
            if markers.is_related_header(line.text):
                inside = True
            elif inside and is_headline_like(line.text, _RELATED_ITEM_MAX_WORDS):
                forms.add(match_form(line.text))
        return forms

    def _classify(self, index: int, line: _Line, related_forms: set[str]) -> None:
        text = line.text

        if self.pending_title_for_embedded:
            self.pending_title_for_embedded = False
            if is_headline_like(text):
                self.drafts.append(_Draft("embedded", title=text))
                return
        tail = markers.read_also(text)
        if tail is not None:
            self.remove(line, "read_also")
            self.in_related_list = False
            if tail:
                self.related.append(tail)
            elif (self.current.closed or not self.current.paragraphs) and self._article_follows(index):
                self.pending_title_for_embedded = True
            else:  # the headlines under the marker are links; the running article goes on after them
                self.in_related_list = True
                self.related_max_words = HEADLINE_MAX_WORDS
            return
        if markers.is_related_header(text):
            self.remove(line, "related_header")
            self.in_related_list = True
            self.related_max_words = _RELATED_ITEM_MAX_WORDS
            return
        tags = markers.share_bar_tags(text)
        if tags is not None:
            self.remove(line, "share_bar")
            self.tag_runs.append((self.current, tags))
            self.current.closed = True
            return
        tags = markers.keywords_tail(text)
        if tags is not None:
            self.remove(line, "keywords")
            self.tag_runs.append((self.current, tags))
            self.current.closed = True
            return
        tags = markers.hashtags(text)
        if tags is not None:
            self.remove(line, "hashtags")
            self.current.tags = merge_tags(self.current.tags, tags)
            self.tags = merge_tags(self.tags, tags)
            return
        credit = markers.credit_line(text) or self._lone_outlet_credit(text)
        if credit is not None:
            self.remove(line, "credit")
            self.current.credits.append(make_credit(*credit))
            self.current.closed = True
            return
        kind = markers.other_kind(text)
        if kind is not None:
            self.remove(line, kind)
            return
        if markers.is_promo(text):
            self.remove(line, "promo")
            return
        if markers.is_footer(text):
            self.remove(line, "footer")
            self.current.closed = True
            return
        if self.in_related_list:
            if is_headline_like(text, self.related_max_words) or markers.word_count(text) <= 12:
                self.related.append(text)
                return
            self.in_related_list = False  # prose again: the list has ended
        if match_form(text) in related_forms or is_glued_headlines(text, self.page_words):
            self.remove(line, "related_links")
            return
        if self._is_standalone_dateline(text):
            self.current.dateline = text
            self.remove(line, "dateline")
            self._credit_from_dateline(text)
            return
        if self.boilerplate is not None and self.boilerplate.is_boilerplate(self.page.outlet, text):
            self.remove(line, "boilerplate")
            return
        self._content_line(index, line)

    def _content_line(self, index: int, line: _Line) -> None:
        draft = self.current
        text = line.text
        nxt = self._text_at(index + 1)
        starts_article = not draft.paragraphs and draft.title is None
        if starts_article and draft.role == "main" and self._is_page_title(text, nxt, self._text_at(index + 2)):
            draft.title = self.page.title or text
            return
        # A subheading: a short heading inside the body, or the deck right under the title, before prose.
        opened = draft.paragraphs or (draft.title is not None and not draft.subheadings)
        if opened and nxt is not None and is_headline_like(text, SUBHEADING_MAX_WORDS) and _is_prose(nxt):
            draft.subheadings.append(text)
            return
        if not draft.paragraphs and draft.dateline is None:
            m = _DATELINE.match(text)
            if m and markers.word_count(m.group("place")) <= 3:
                draft.dateline = m.group("place")
                self._credit_from_dateline(m.group(0))
        draft.paragraphs.append(text)

    def _lone_outlet_credit(self, text: str) -> tuple[str, str] | None:
        """A short line that is only a known outlet's name, after the first paragraph: "(رويترز)", "أ ف ب"."""
        if not self.current.paragraphs or markers.word_count(text) > 4:
            return None
        name = text.strip(" ()[]-–—.")
        outlet = lookup_outlet(name)
        return (name, "agency" if outlet.kind == "agency" else "source") if outlet else None

    def _article_follows(self, index: int) -> bool:
        """After a read-also marker at `index`: a headline, then prose (an article, not a list of links)."""
        if index + 2 >= len(self.lines):
            return False
        title, first = self.lines[index + 1].text, self.lines[index + 2].text
        return is_headline_like(title) and _is_prose(first)

    def _is_standalone_dateline(self, text: str) -> bool:
        """A line of its own before the first paragraph: "عبدالرحمن الشهري – عين اليوم", "الرياض - واس",
        "أملج 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس"."""
        draft = self.current
        if draft.paragraphs or draft.dateline is not None or markers.ends_like_prose(text.rstrip(":")):
            return False
        if _BYLINE.match(text) and markers.word_count(text) <= 6:
            return True
        words = text.split()
        return len(words) <= 14 and any(ch.isdigit() for ch in text) and lookup_outlet(words[-1]) is not None

    def _text_at(self, index: int) -> str | None:
        return self.lines[index].text if index < len(self.lines) else None

    def _is_page_title(self, text: str, nxt: str | None, after: str | None) -> bool:
        """The page's own title line: equal to the title the source gives, or, when it gives none, a short
        first line without final punctuation followed by prose (or by a deck and then prose)."""
        if self.page.title:
            return match_form(text).strip() == match_form(self.page.title).strip()
        if nxt is None or not is_headline_like(text):
            return False
        return _is_prose(nxt) or (
            is_headline_like(nxt, SUBHEADING_MAX_WORDS) and after is not None and _is_prose(after)
        )

    def _credit_from_dateline(self, text: str) -> None:
        for piece in re.split(r"\s*[\-–—:()]+\s*", text):
            outlet = lookup_outlet(piece) if piece else None
            if outlet and outlet.kind == "agency" and all(c.name != piece for c in self.current.credits):
                self.current.credits.append(Credit(piece, "agency"))

    def _finish(self) -> SegmentedPage:
        page = self.page
        content = "\n".join(ln.text for ln in self.lines if not any(ln.number == r.line for r in self.removed))
        phrases = page_phrases(content) if self.tag_runs else set()
        for draft, run in self.tag_runs:
            new = split_tags(run, phrases)
            draft.tags = merge_tags(draft.tags, new)
            self.tags = merge_tags(self.tags, new)
        if page.title and self.drafts[0].title is None:
            self.drafts[0].title = page.title
        if page.author:
            self._credits_from_author(page.author)

        articles: list[Article] = []
        for draft in self.drafts:
            if not draft.paragraphs and draft.title is None:
                continue
            position = len(articles)
            text = "\n\n".join(draft.paragraphs)
            articles.append(
                Article(
                    id=Article.make_id(page.id, position),
                    page_id=page.id,
                    position=position,
                    role="main" if position == 0 else draft.role,
                    title=draft.title,
                    subheadings=draft.subheadings,
                    paragraphs=draft.paragraphs,
                    credits=draft.credits,
                    cited=cited_outlets("\n\n".join(map(match_form, draft.paragraphs)), folded=True),
                    tags=draft.tags,
                    dateline=draft.dateline,
                    published=page.published if position == 0 else None,
                    # the reader already identified the page's language; an embedded article is checked anew
                    language=(page.language if position == 0 and page.language else None) or detect_language(text),
                )
            )
        removed = sorted(self.removed, key=lambda r: r.line or 0)
        removed += [RemovedLine(d["kind"], d["text"], None) for d in page.meta.get("removed", [])]
        return SegmentedPage(page, articles, self.tags, self.related, removed)

    def _credits_from_author(self, author: str) -> None:
        """SaudiNewsNet and many feeds put "واس - الرياض" or "لوس انجليس:د ب أ" in the author field."""
        main = self.drafts[0]
        for piece in re.split(r"\s*[\-–—:/،,]\s*", author):
            outlet = lookup_outlet(piece.strip()) if piece.strip() else None
            if outlet and outlet.kind == "agency" and all(c.name != piece.strip() for c in main.credits):
                main.credits.append(Credit(piece.strip(), "agency"))

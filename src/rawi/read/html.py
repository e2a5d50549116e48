"""HTML pages: the main text through trafilatura, one block per line, headings kept as their own lines.

trafilatura finds the article; a few general rules then take out what it tends to keep around it:
widgets it does not know (comment rules in modal windows, image captions, time stamps), lines that are
mostly links, and the runs of site-policy lines ("comments are moderated…", "views expressed do not
reflect…", privacy/terms) that many Arabic news sites print right after the article.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from configparser import ConfigParser
from copy import deepcopy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import lxml.html
import trafilatura
from charset_normalizer import from_bytes
from lxml import etree
from trafilatura.metadata import extract_metadata
from trafilatura.settings import DEFAULT_CONFIG

from rawi.errors import InputError
from rawi.model import Page
from rawi.read._common import DEFAULT_MAX_BYTES, host_of, make_page, read_limited, source_name
from rawi.read._dates import find_published

# The bound on extraction time: trafilatura's cost grows faster than linearly with the number of
# elements (100,000 take 5 s, 400,000 over 30 s on one core), and real news pages have 500 to 20,000.
# lxml itself caps nesting at 256 levels, so a deep page costs no more than a wide one.
MAX_ELEMENTS = 50_000

# --- decoding ---------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# C0 controls (but tab, newline and return) and DEL: no HTML text holds them, and lxml parses them into
# text that it then refuses to modify (ValueError deep inside htmldate); a space keeps words apart.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: a byte-order mark wins, then the charset the server or the page declares (when it
    decodes cleanly), then UTF-8, then charset-normalizer's guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    meta = _META_CHARSET.search(data[:8192])
    for encoding in (declared, meta.group(1).decode("ascii") if meta else None, "utf-8"):
        if not encoding:
            continue
        try:
            return data.decode(_codec(encoding))
        except (LookupError, UnicodeError):  # UnicodeError: 'undefined' and 'punycode' raise its base class
            continue
    guess = from_bytes(data[:200_000]).best()
    return data.decode(guess.encoding if guess else "utf-8", errors="replace")


# Python codecs that are no web page's charset: a page declaring one would have Python rewrite its text
# ("\u0041" read as "A", "\ud800" as a lone surrogate) or raise. Names as codecs.lookup gives them.
_NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "undefined", "punycode", "idna", "charmap", "utf-7"}


def _codec(name: str) -> str:
    # Pages that say windows-1256 or iso-8859-1 are often written in a superset; decode as the superset.
    name = name.lower()
    name = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "iso-8859-6": "cp1256"}.get(name, name)
    if codecs.lookup(name).name in _NOT_CHARSETS:
        raise LookupError(name)
    return name


# --- reading ----------------------------------------------------------------------------------------


def read_html(path: str | Path, *, url: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Page:
    """One page from an HTML file; `url` (when known) becomes its uri, else the page's canonical URL,
    else the path as given."""
    path = Path(path)
    source = source_name(path)
    return page_from_html(read_limited(path, max_bytes), source=source, uri=url, max_bytes=max_bytes)


def page_from_html(
    html: str | bytes,
    *,
    source: str,
    uri: str | None = None,
    fetched: str | None = None,
    kind: str = "html",
    charset: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Page:
    """A `Page` from an HTML document; `source` names it in errors (a file, or a WARC record)."""
    text_html = decode_html(html, charset) if isinstance(html, bytes) else html
    if not text_html.strip():
        raise InputError(source, "empty file")
    try:  # lxml refuses str input that declares an encoding (XHTML's <?xml ... encoding=...?>)
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", _CONTROLS.sub(" ", text_html), count=1))
    except (etree.ParserError, ValueError) as exc:
        raise InputError(source, f"not parseable as HTML ({exc})") from None
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_ELEMENTS:
        raise InputError(
            source,
            f"HTML with {elements:,} elements, over the limit of {MAX_ELEMENTS:,} (a news page has a few "
            "thousand); extraction time grows faster than the page, so it is refused rather than left to hang",
        )
    body = tree.find("body")
    if body is None or not "".join(body.itertext()).strip():
        raise InputError(source, "HTML with no body text (nothing to read)")
    # Metadata first, from the whole page: the date widgets pruned below are where htmldate looks.
    # htmldate's extensive search costs a second a page (dateparser tries every locale); the fast search
    # plus our Arabic month names finds what it finds.
    info = extract_metadata(tree, default_url=uri, extensive=False)
    published = info.date or find_published(tree)
    _prune_widgets(body)
    doc = trafilatura.bare_extraction(tree, url=uri, include_links=True, config=_config(max_bytes))
    lines = _body_lines(doc.body) if doc is not None and doc.body is not None else []
    lines, title = _drop_title_line(lines, _strip_site_name(info.title, info.sitename))
    # Lines dropped here are kept in meta["removed"]: segmentation lists them with the page's removed lines.
    dropped = [{"kind": "link_list", "text": ln.text} for ln in lines if not _keep(ln) and ln.text.strip()]
    kept = [ln for ln in lines if _keep(ln)]
    lines = _drop_policy_runs(kept)
    dropped += [{"kind": "policy", "text": ln.text} for ln in kept if ln not in lines]
    lines = _recover_lead(body, lines, info.description)
    if not lines:
        raise InputError(source, "no article text found in the HTML (is it a front page or a stub?)")
    meta = {k: getattr(info, k) for k in ("hostname", "description", "categories", "tags", "image")}
    meta = {k: v for k, v in meta.items() if v}
    if dropped:
        meta["removed"] = dropped
    page_url = uri or _page_url(tree, info.url)
    text = "\n".join(ln.text for ln in lines)
    return make_page(
        uri=page_url or source,
        raw=text_html,
        text=text,
        kind=kind,
        outlet=_outlet(info.sitename, page_url),
        fetched=fetched,
        title=title,
        published=published,
        author=_author(info.author),
        meta={**meta, "source_file": source} if page_url else meta,
    )


@lru_cache(maxsize=8)
def _config(max_bytes: int) -> ConfigParser:
    # trafilatura refuses documents over its own MAX_FILE_SIZE; ours is the one limit users set.
    config = deepcopy(DEFAULT_CONFIG)
    config["DEFAULT"]["MAX_FILE_SIZE"] = str(max(max_bytes, int(config["DEFAULT"]["MAX_FILE_SIZE"])))
    return config


def _page_url(tree: lxml.html.HtmlElement, found: str | None) -> str | None:
    """The page's own URL: <link rel=canonical>, og:url, or what trafilatura found; http(s) only."""
    candidates = tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
    for url in [*candidates, found]:
        if url and host_of(url.strip()):
            return url.strip()
    return None


def _outlet(sitename: str | None, url: str | None) -> str | None:
    """The site's name as it gives it, or the host of its URL; a sitename that is itself a URL is a host."""
    if sitename and sitename.strip():
        name = sitename.strip()
        return host_of(name) or name if name.startswith("http") else name
    return host_of(url)


def _author(author: str | None) -> str | None:
    # trafilatura sometimes reads logo URLs out of schema.org markup as author names.
    if not author or re.search(r"https?\b|\.(?:png|jpe?g|svg|gif)\b|\bLogo\b", author, re.I):
        return None
    return author


# --- DOM widgets trafilatura keeps -------------------------------------------------------------------

# Class/id words of widgets that hold no article text: comment forms and their rules, modal windows,
# pop-ups, cookie and newsletter boxes, image captions, publication stamps. Matched at a word start.
_WIDGET = re.compile(
    r"(?:^|[-_])(?:comment(?:s|list|form)?(?:[-_]|$)|disqus|modal|popup|cookie|newsletter|caption|figcaption|"
    r"(?:image|img|photo|picture|figure)(?:[-_]|$)|(?:date|time|timestamp|created|published|updated)(?:[-_]|$))",
    re.I,
)
_NEVER_PRUNE = {"html", "body", "main", "article"}
_WIDGET_TAGS = {"figure", "figcaption"}


def _prune_widgets(body: lxml.html.HtmlElement) -> None:
    """Remove widget elements before extraction; never one that holds much of the page's paragraph text,
    whatever its class says (WordPress marks whole articles "comments-open")."""
    total = sum(len(p.text_content()) for p in body.iter("p")) or 1
    doomed = []
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in _NEVER_PRUNE:
            continue
        names = f"{el.get('class', '')} {el.get('id', '')}".split()
        if el.tag not in _WIDGET_TAGS and not any(_WIDGET.search(n) for n in names):
            continue
        if sum(len(p.text_content()) for p in el.iter("p")) > total / 3:
            continue
        doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text, which belongs to the parent


# --- from trafilatura's XML to lines -----------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    kind: str  # the trafilatura block it came from: head, p, item, quote, row, ...
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0

    @property
    def text(self) -> str:
        return _squeeze("".join(self.parts))

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.parts.append(text)
            if in_link:
                self.link_chars += len(text.strip())


def _squeeze(text: str) -> str:
    # \s does not match ZWNJ/ZWJ (U+200C/D), which Persian spelling needs.
    return re.sub(r"\s+", " ", text).strip()


_BREAKS = {"lb"}
_OWN_LINE = {"item", "row", "head", "p", "quote", "code", "list", "table"}


def _body_lines(body: etree._Element) -> list[_Line]:
    """One line per block; a <lb/> inside a paragraph starts a new line (pages that write paragraphs
    as <br>-separated text); list items and table rows get their own lines."""
    lines: list[_Line] = []
    for block in body:
        block_lines = [_Line(block.tag)]
        _walk(block, block_lines, in_link=False)
        lines.extend(ln for ln in block_lines if ln.text)
    return lines


def _walk(el: etree._Element, lines: list[_Line], in_link: bool) -> None:
    in_link = in_link or el.tag == "ref"
    if el.tag in _BREAKS or (el.tag in _OWN_LINE and lines[-1].parts):
        lines.append(_Line(lines[-1].kind if el.tag in _BREAKS else el.tag))
    elif el.tag == "cell" and lines[-1].parts:
        lines[-1].add(" | ", False)
    lines[-1].add(el.text, in_link)
    for child in el:
        _walk(child, lines, in_link)
        if child.tail:
            if child.tag in _OWN_LINE:  # text after a nested block is a line of its own
                lines.append(_Line(el.tag))
            lines[-1].add(child.tail, in_link)


def html_to_lines(fragment: str) -> str:
    """Text of an HTML fragment (a feed entry's content), paragraphs and other blocks as lines."""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _squeeze(fragment)
    etree.strip_elements(root, "script", "style", with_tail=False)
    return "\n".join(ln for ln in (_squeeze(s) for s in _fragment_text(root)) if ln)


_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "table",
    "section", "article", "header", "footer", "figure", "figcaption", "pre", "hr", "dd", "dt",
}  # fmt: skip


def _fragment_text(root: lxml.html.HtmlElement) -> Iterator[str]:
    """Text pieces split at block boundaries."""
    current: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> Iterator[str]:
        block = isinstance(el.tag, str) and el.tag in _BLOCK_TAGS
        if block and current:
            yield "".join(current)
            current.clear()
        if el.text and isinstance(el.tag, str):
            current.append(el.text)
        for child in el:
            yield from walk(child)
            if child.tail:
                current.append(child.tail)
        if block and current:
            yield "".join(current)
            current.clear()

    yield from walk(root)
    if current:
        yield "".join(current)


# --- line rules -------------------------------------------------------------------------------------


def _keep(line: _Line) -> bool:
    """False for lines that cannot be article text: no letters at all (counters, separators), or mostly
    link text (menus and related-links lists that slipped through)."""
    text = line.text
    if not any(ch.isalpha() for ch in text):
        return False
    letters = len(text.replace(" ", ""))
    density = line.link_chars / max(letters, 1)
    return not (density >= 0.8 or (density >= 0.5 and len(text.split()) <= 15))


_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:»]\s+|\s*::\s*")


def _strip_site_name(title: str | None, sitename: str | None) -> str | None:
    """ "Headline - Site Name" → "Headline": <title> usually carries the site's name at one end."""
    if not title or not sitename:
        return title
    pieces = _TITLE_SEPARATORS.split(title)
    site = sitename.strip().casefold()
    if len(pieces) > 1 and pieces[-1].strip().casefold() in site:
        return title[: title.rfind(pieces[-1])].rstrip(" -|–—:»")
    if len(pieces) > 1 and pieces[0].strip().casefold() in site:
        return title[len(pieces[0]) :].lstrip(" -|–—:»")
    return title


def _drop_title_line(lines: list[_Line], title: str | None) -> tuple[list[_Line], str | None]:
    """The page title repeated as the first heading is dropped from the text (it is in Page.title); a
    heading found inside a longer <title> ("Site - Headline") is the cleaner title."""
    if not lines or lines[0].kind != "head":
        return lines, title
    first = lines[0].text
    if title and (first == title or first in title):
        return lines[1:], first
    if not title:
        return lines[1:], first
    return lines, title


# Words of site-policy text, by kind. One kind in a line is ordinary news vocabulary; two kinds, one of
# them about the site itself, is a policy notice. Arabic, Persian and English.
_POLICY_KINDS: dict[str, re.Pattern[str]] = {
    "site": re.compile(
        r"سياسة الخصوصية|شروط (?:ال)?استخدام|إرشادات الاستخدام|(?:قواعد|إدارة|مستخدمي|زوار|رأي) (?:ال)?موقع"
        r"|لا تعبر(?: بالضرورة)? عن (?:رأي|وجهة نظر)|(?:الحقوق|حقوق النشر|حقوق الطبع) محفوظة"
        r"|حریم خصوصی|شرایط استفاده|کلیه حقوق|privacy policy|terms of (?:use|service)|all rights reserved",
        re.I,
    ),
    "opinion": re.compile(r"(?:وجهات? نظر|آراء|رأي) (?:أصحابها|كاتبها|صاحبها|كتابها)|الآراء الواردة", re.I),
    "comment": re.compile(r"تعليق|التعليقات|دیدگاه|نظرات|comments?\b", re.I),
    "user": re.compile(r"المستخدم|مستخدمي|المشاركين|كاربران|\busers?\b", re.I),
}


_COPYRIGHT = re.compile(r"©|جميع الحقوق محفوظة|حقوق (?:النشر|الطبع) محفوظة|کلیه حقوق|all rights reserved", re.I)


def _policy_kinds(text: str) -> set[str]:
    kinds = {kind for kind, pattern in _POLICY_KINDS.items() if pattern.search(text)}
    if _COPYRIGHT.search(text) and len(text.split()) <= 25:
        kinds.add("copyright")  # a short copyright line is a notice by itself
    return kinds


def _is_notice(kinds: set[str]) -> bool:
    return "copyright" in kinds or (len(kinds) >= 2 and bool(kinds & {"site", "opinion"}))


def _drop_policy_runs(lines: list[_Line]) -> list[_Line]:
    """Drop a run of policy lines at the end (or start) of the text: each line in it uses policy words and
    at least one is a full notice. Only at the edges, where sites print them: a news story about privacy
    policies keeps its paragraphs."""
    kinds = [_policy_kinds(ln.text) for ln in lines]
    end = len(lines)
    while end > 0 and kinds[end - 1]:
        end -= 1
    if any(_is_notice(k) for k in kinds[end:]):
        lines, kinds = lines[:end], kinds[:end]
    start = 0
    while start < len(lines) and kinds[start]:
        start += 1
    if any(_is_notice(k) for k in kinds[:start]):
        lines = lines[start:]
    return lines


# --- the lead paragraph -----------------------------------------------------------------------------


def _recover_lead(body: lxml.html.HtmlElement, lines: list[_Line], description: str | None) -> list[_Line]:
    """Put back a lead paragraph that trafilatura left out because it sits just outside the element
    marked as the article body (schema.org articleBody). The page's own description (og:description)
    names the lead: an element before the first extracted line whose text starts like the description."""
    if not lines or not description:
        return lines
    probe = _squeeze(description).rstrip(".…")[:40]
    if len(probe.split()) < 5 or probe in "\n".join(ln.text for ln in lines):
        return lines
    first = lines[0].text[:40]
    lead = None
    for el in body.iter():
        own = _squeeze(el.text or "") if isinstance(el.tag, str) else ""
        if len(own) < 10:
            continue
        if first.startswith(own[:40]) or own.startswith(first):
            break  # reached the extracted text: a lead comes before it
        if own.startswith(probe):
            lead = _squeeze(el.text_content())
    if lead is None or len(lead) > 2000:
        return lines
    return [_Line("p", [lead]), *lines]

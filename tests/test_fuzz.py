"""Property-based fuzzing of the readers, the Arabic text utilities and segmentation (hypothesis).

Hostile input (bidi controls, combining marks, lone surrogates escaped in JSON, extremely long lines,
deeply nested HTML, malformed feeds and WARC records) must never crash rawi: a reader yields pages or
`InputError`s that name the input, each call ends within a bound, offsets stay inside the text and shown
text is the input's own characters. Bounded for CI (about a minute); bench/fuzz.py runs the same
properties with many more examples.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rawi.errors import InputError
from rawi.model import Page
from rawi.read import read_feed, read_file, read_html, read_jsonl, read_text, read_warc
from rawi.read._common import iso_datetime, make_page, normalize_newlines
from rawi.segment import segment_page
from rawi.text import match_form, match_form_with_offsets, split_sentences, tokenize, words
from rawi.text.langid import detect_language
from rawi.text.stem import clitic_stem, stem, word_stems

T = TypeVar("T")

# bench/fuzz.py raises these through the environment for its long run.
EXAMPLES = int(os.environ.get("RAWI_FUZZ_EXAMPLES", "40"))
CALL_LIMIT_S = float(os.environ.get("RAWI_FUZZ_CALL_LIMIT", "10"))  # generous: the 2 cores are shared
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # time is bounded per call below, with a limit that tolerates a loaded machine
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

# --- what hostile text is made of -------------------------------------------------------------------------

BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640\u0300\u0301\u20dd\u0610"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءأإآؤئىة٠١٢٣٤٥٦٧٨٩،؛؟«»"
FORMS = "\ufefb\ufef5\ufdf2\ufdfa\ufe8d\ufb8e\u0671\u06cc\u06a9"  # ligatures NFKC expands to several letters
ODD = "İıßΣσς\u0130\ufb00\u1e9e\U0001f600\U0001d400"  # case changes that change length or context
SPACE = " \t\n\r\u00a0\u2028\u2029\x0b\x0c\x85"
PUNCT = ".!?…\"'-–—:()[]<>&#;/\\|*%"
ALPHABET = BIDI + MARKS + INVISIBLE + ARABIC + FORMS + ODD + SPACE + PUNCT + "abcXYZ0123"

hostile_chars = st.one_of(st.sampled_from(ALPHABET), st.characters(codec="utf-8", exclude_categories=("Cs",)))
hostile_text = st.text(hostile_chars, max_size=400)
hostile_line = st.text(st.sampled_from(ALPHABET.replace("\n", "").replace("\r", "")), min_size=1, max_size=80)


def bounded(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call `fn`, failing when it takes longer than the per-call bound (a hang shows as a slow call)."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    elapsed = time.perf_counter() - start
    assert elapsed < CALL_LIMIT_S, f"{getattr(fn, '__name__', fn)} took {elapsed:.1f} s"
    return result


def drain(items: Iterator[Page | InputError], source: str) -> list[Page | InputError]:
    """Everything a reader yields, checking the contract: pages or errors naming the input, nothing raised
    (an exception escaping a reader would end a whole batch), every text storable as UTF-8."""
    start = time.perf_counter()
    out = list(items)
    assert time.perf_counter() - start < CALL_LIMIT_S * 3
    for item in out:
        if isinstance(item, InputError):
            assert str(item).startswith(source), f"error does not name the input: {item}"
            assert "could not read (" not in str(item), f"an unexpected exception inside a reader: {item}"
        else:
            assert isinstance(item, Page)
            for value in (item.text, item.raw, item.uri, item.title or "", item.outlet or "", item.author or ""):
                value.encode("utf-8")  # a lone surrogate cannot be stored: it must never reach a page
            assert item.text.strip()
    return out


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- text utilities ---------------------------------------------------------------------------------------


@FUZZ
@given(hostile_text)
@example("ΑΣ ")  # found: lower() gave final ς for the whole string but σ one character at a time
@example("ﷺ\u0651İ")
@example("«إنّ الأمةَ» قالتْ: آراءُ المؤسسةِ ىئؤ ـ “نعمٌ” – ΑΣ " * 3)  # long: folded by replaces, not translate
def test_match_form_offsets_point_into_the_text(text: str) -> None:
    form, offsets = bounded(match_form_with_offsets, text)
    assert len(form) == len(offsets)
    assert all(0 <= i < len(text) for i in offsets)
    assert offsets == sorted(offsets)
    assert form == bounded(match_form, text)  # one matching form, whichever function made it


@FUZZ
@given(hostile_text)
def test_tokens_are_slices_of_the_text(text: str) -> None:
    last = 0
    for token in bounded(tokenize, text):
        assert last <= token.start < token.end <= len(text)
        assert text[token.start : token.end] == token.text
        last = token.end
    bounded(words, text)


@FUZZ
@given(hostile_text)
def test_sentences_are_ordered_stripped_spans(text: str) -> None:
    last = 0
    for span in bounded(split_sentences, text):
        assert last <= span.start < span.end <= len(text)
        piece = text[span.start : span.end]
        assert piece == piece.strip()
        last = span.end


@FUZZ
@given(hostile_text)
def test_stems_and_language_never_crash(text: str) -> None:
    for start, end, plain, clitic in bounded(word_stems, text):
        assert 0 <= start < end <= len(text)
        assert isinstance(plain, str) and isinstance(clitic, str)
    for word in text.split():
        stem(word)
        clitic_stem(word)
    language = bounded(detect_language, text)
    assert language is None or (isinstance(language, str) and 2 <= len(language) <= 3)


@pytest.mark.parametrize("size", [10_000, 300_000])
def test_extremely_long_lines_stay_linear(size: int) -> None:
    for line in ("ب" * size, "قال لافروف: " * (size // 12), "ا." * (size // 2), "\u202e\u0651" * (size // 2)):
        form, offsets = bounded(match_form_with_offsets, line)
        assert len(form) == len(offsets)
        assert all(line[t.start : t.end] == t.text for t in bounded(tokenize, line))
        assert all(s.end <= len(line) for s in bounded(split_sentences, line))


# --- segmentation -----------------------------------------------------------------------------------------


def _page_of(text: str) -> Page:
    return make_page(uri="fuzz://page", raw=text, text=text, kind="text")


@FUZZ
@given(st.lists(st.one_of(hostile_line, hostile_text), max_size=30).map("\n".join))
def test_segmentation_shows_the_pages_own_characters(text: str) -> None:
    if not text.strip():
        return
    page = _page_of(normalize_newlines(text))
    result = bounded(segment_page, page)
    for article in result.articles:
        assert article.text == "\n\n".join(article.paragraphs)
        for shown in [*article.paragraphs, *article.subheadings, *([article.title] if article.title else [])]:
            assert shown and shown in page.text, f"{shown!r} is not the page's own text"
        assert article.dateline is None or article.dateline in page.text
    for removed in result.removed:
        assert removed.text in page.text


@pytest.fixture(scope="module")
def annotators() -> list[Any]:
    from rawi.annotate.pipeline import default_annotators

    return default_annotators()


NEWS_LINES = [
    "قال وزير الخارجية الروسي سيرغي لافروف إن الحوار مع واشنطن مستمر.",
    "وأضاف لافروف: «لن نقبل بذلك» في 12 يوليو 2015.",
    "الرياض - واس",
    "أكد الرئيس بوتين أمس أن العلاقات جيدة، حسب وكالة رويترز.",
]


@settings(FUZZ, max_examples=max(10, EXAMPLES // 3))
@given(st.lists(st.one_of(hostile_line, st.sampled_from(NEWS_LINES)), min_size=1, max_size=12).map("\n".join))
def test_annotation_offsets_stay_inside_the_article(annotators: list[Any], text: str) -> None:
    from rawi.engine.local import analyze_page

    if not text.strip():
        return
    result = bounded(analyze_page, _page_of(text), None, annotators)
    for article in result.articles:
        for item in [*article.entities, *article.quotes, *article.dates]:
            assert 0 <= item["start"] <= item["end"] <= len(article.text)
            if "text" in item:
                assert article.text[item["start"] : item["end"]] == item["text"]


# --- readers ----------------------------------------------------------------------------------------------


@FUZZ
@given(hostile_text, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1256"]))
def test_text_reader_keeps_the_characters(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), "page.txt", data)
        try:
            page = bounded(read_text, path)
        except InputError as exc:
            assert str(exc).startswith(path.as_posix())
            return
    if encoding != "cp1256":  # a cp1256 guess may legitimately read other characters
        assert page.text == normalize_newlines(text)


@FUZZ
@given(st.binary(max_size=3000))
def test_any_bytes_are_read_or_refused_by_name(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, blob in (("x.bin", data), ("x.gz", gzip.compress(data)), ("cut.gz", gzip.compress(data)[:-5])):
            path = write(Path(tmp), name, blob)
            drain(read_file(path), path.as_posix())


# JSON records: the right and wrong types in every field, lone surrogates as JSON escapes, huge numbers.
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    hostile_text,
    st.sampled_from(["\\ud800", "\\udfff x", "\\ud83d\\ude00", "1e400", "2015-07-21", "-1e308"]),
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
KEYS = ["content", "title", "source", "url", "date_extracted", "author", "other"]


def _json_line(record: Any) -> str:
    # Hypothesis strings hold no lone surrogates; write them as JSON escapes, as a hostile crawler would.
    line = json.dumps(record, ensure_ascii=False)
    return line.replace("\\\\ud", "\\ud").replace("\\\\ude", "\\ude")


jsonl_line = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), json_value, max_size=7).map(_json_line),
    st.fixed_dictionaries({"content": hostile_text}, optional={k: json_value for k in KEYS[1:]}).map(_json_line),
    st.sampled_from(
        [
            '{"content": "نص\\ud800"}',
            '{"content": "نص", "date_extracted": 1e300}',
            '{"content": "نص", "date_extracted": -1e20}',
            '{"content": "نص", "date_extracted": 9999999999999}',
            "[1, 2]",
            '{"content": ' + "[" * 5000 + "]" * 5000 + "}",
            "{",
            '"x"',
            '{"content": "\\u0000نص"}',
        ]
    ),
    hostile_line.map(lambda s: s.replace("\n", " ")),
)


@FUZZ
@given(st.lists(jsonl_line, min_size=1, max_size=12), st.booleans())
def test_jsonl_accounts_for_every_line(lines: list[str], zipped: bool) -> None:
    lines = [ln.replace("\n", " ").replace("\r", " ").replace("\x85", " ") for ln in lines]
    lines = [ln for ln in lines if ln.strip()]
    if not lines or not lines[0].startswith("{"):
        lines.insert(0, '{"content": "سطر أول"}')
    data = ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), "news.jsonl" + (".gz" if zipped else ""), gzip.compress(data) if zipped else data)
        items = drain(read_jsonl(path), path.as_posix())
        # One page or one error per line: a bad line never ends the file early.
        assert len(items) == len(lines), [str(i) for i in items if isinstance(i, InputError)]
        for item, line in zip(items, lines, strict=True):
            if isinstance(item, Page):
                assert item.text == normalize_newlines(json.loads(line)["content"])


# Python codecs a hostile page can name: they rewrite the text (\\u0041 → A, \\ud800 → a lone surrogate) or raise.
CHARSET_TRAPS = [
    f"<meta charset='{c}'>" for c in ("unicode_escape", "raw_unicode_escape", "undefined", "punycode", "utf-7")
]


def _html_tree(depth: int, text: str, tag: str) -> str:
    return f"<{tag} class='x'>" * depth + text + f"</{tag}>" * depth


html_fragment = st.one_of(
    hostile_text.map(lambda s: f"<p>{s}</p>"),
    hostile_text,  # bare text and stray < & characters
    st.sampled_from(
        [
            "&#xD800;",
            "&#0;",
            "&#x110000;",
            "&#65;",
            "&nbsp;",
            "&amp",
            "<",
            "</p></div>",
            "<!--",
            "<![CDATA[",
            "<script>while(1){}</script>",
            "<p>قال لافروف إن الحوار مع واشنطن مستمر ومفيد للطرفين.</p>",
        ]
    ),
    st.tuples(st.integers(1, 3000), hostile_text, st.sampled_from(["div", "span", "b", "p", "table"])).map(
        lambda t: _html_tree(*t)
    ),
)


@FUZZ
@given(
    st.lists(html_fragment, min_size=1, max_size=8),
    st.sampled_from(["", "<meta charset='utf-8'>", "<meta charset='bogus'>", *CHARSET_TRAPS]),
)
def test_html_reader_never_crashes(fragments: list[str], head: str) -> None:
    document = f"<html><head>{head}<title>عنوان</title></head><body>{''.join(fragments)}</body></html>"
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), "page.html", document.encode("utf-8"))
        try:
            page = bounded(read_html, path)
        except InputError as exc:
            assert str(exc).startswith(path.as_posix())
            return
    page.text.encode("utf-8")
    assert all(line.strip() for line in page.text.split("\n"))


def test_deeply_nested_html_is_read_or_refused_in_bounded_time(tmp_path: Path) -> None:
    body = "<p>قال وزير الخارجية الروسي سيرغي لافروف إن الحوار مع واشنطن مستمر ومفيد للطرفين في كل الأحوال.</p>"
    for depth in (1_000, 20_000, 200_000):
        doc = "<html><body>" + "<div><span>" * depth + body + "</span></div>" * depth + "</body></html>"
        path = write(tmp_path, f"deep{depth}.html", doc.encode())
        drain(read_file(path), path.as_posix())
    # Wide rather than deep: a huge flat page of tiny elements (3 MB) took 33 s; it is refused at once.
    path = write(tmp_path, "wide.html", ("<html><body>" + "<i>x</i>" * 400_000 + body + "</body></html>").encode())
    start = time.perf_counter()
    (refused,) = drain(read_file(path), path.as_posix())
    assert time.perf_counter() - start < 5
    assert isinstance(refused, InputError) and "400,0" in str(refused) and "limit of 50,000" in str(refused)


feed_entry = st.tuples(
    hostile_line,
    st.one_of(hostile_text, html_fragment),
    st.sampled_from(["Sun, 01 Jun 2025 09:30:00 +0300", "2015-07-21", "yesterday", "", "Mon, 99 Foo 99999 99:99:99"]),
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _feed(entries: list[tuple[str, str, str]], atom: bool, cdata: bool) -> str:
    items = []
    for title, body, date in entries:
        content = f"<![CDATA[{body}]]>" if cdata else _escape(body)
        if atom:
            items.append(
                f"<entry><title>{_escape(title)}</title><updated>{date}</updated>"
                f"<content type='html'>{content}</content></entry>"
            )
        else:
            items.append(
                f"<item><title>{_escape(title)}</title><pubDate>{date}</pubDate>"
                f"<description>{content}</description></item>"
            )
    if atom:
        return f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>{''.join(items)}</feed>"
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{''.join(items)}</channel></rss>"


@FUZZ
@given(st.lists(feed_entry, max_size=6), st.booleans(), st.booleans(), st.integers(0, 100))
def test_feed_reader_reads_or_names_each_entry(
    entries: list[tuple[str, str, str]], atom: bool, cdata: bool, cut: int
) -> None:
    data = _feed(entries, atom, cdata).encode("utf-8", errors="surrogatepass")
    data = data[: max(1, len(data) * (100 - cut) // 100)] if cut > 80 else data  # sometimes a truncated feed
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), "feed.xml", data)
        drain(read_feed(path), path.as_posix())


def _warc(bodies: list[bytes], gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    for number, body in enumerate(bodies):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"http://example.com/{number}", "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue()


@FUZZ
@given(
    st.lists(
        st.lists(html_fragment, min_size=1, max_size=3).map(
            lambda f: ("<html><body>" + "".join(f) + "</body></html>").encode("utf-8", errors="surrogatepass")
        ),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
    st.sampled_from(["none", "truncate", "flip", "length"]),
    st.integers(0, 10_000),
)
def test_warc_reader_survives_cut_and_corrupt_archives(bodies: list[bytes], gz: bool, damage: str, where: int) -> None:
    data = _warc(bodies, gz)
    at = where % len(data)
    if damage == "truncate":
        data = data[:at]
    elif damage == "flip":
        data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
    elif damage == "length":
        data = data.replace(b"Content-Length: ", b"Content-Length: 9", 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), "crawl.warc" + (".gz" if gz else ""), data or b"W")
        items = drain(read_warc(path), path.as_posix())
    if damage == "none":
        assert not any(isinstance(i, InputError) and "truncated" in str(i) for i in items)


# --- regressions found by fuzzing -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1e300, -1e20, 9999999999999, float("nan"), float("inf")])
def test_iso_datetime_refuses_timestamps_out_of_range(value: float) -> None:
    assert iso_datetime(value) is None


def test_a_lone_surrogate_is_refused_by_line_and_the_file_goes_on(tmp_path: Path) -> None:
    lines = [
        '{"content": "نص أول"}',
        '{"content": "نص\\ud800", "title": "x"}',
        '{"content": "نص", "title": "\\udfff"}',
        '{"content": "نص", "date_extracted": 1e300}',
        '{"content": "نص أخير"}',
    ]
    path = write(tmp_path, "s.jsonl", "\n".join(lines).encode())
    items = drain(read_jsonl(path), path.as_posix())
    assert [type(i).__name__ for i in items] == ["Page", "InputError", "InputError", "Page", "Page"]
    assert str(items[1]).startswith(f"{path.as_posix()}:2: ") and "surrogate" in str(items[1])
    assert items[3].meta["date_extracted"] == 1e300  # kept as it came, not lost


def test_control_characters_in_html_do_not_lose_the_page(tmp_path: Path) -> None:
    # lxml kept the \x1f as text, then refused to edit it when htmldate removed the <script> before it.
    text = "قال وزير الخارجية الروسي سيرغي لافروف إن الحوار مع واشنطن مستمر ومفيد للطرفين في كل الأحوال."
    doc = f"<html><body><script>0</script>\x1f<p>{text}</p>\x00</body></html>"
    path = write(tmp_path, "ctl.html", doc.encode())
    (page,) = drain(read_file(path), path.as_posix())
    assert isinstance(page, Page) and page.text == text


@pytest.mark.parametrize("charset", ["unicode_escape", "raw_unicode_escape", "undefined", "punycode", "utf-7"])
def test_a_page_cannot_choose_a_python_codec(tmp_path: Path, charset: str) -> None:
    # unicode_escape turned the page's "\\u0041" into "A" and "\\ud800" into a lone surrogate that lost the page;
    # undefined and punycode raised UnicodeError, which the decoder did not expect.
    text = "قال وزير الخارجية الروسي سيرغي لافروف إن الحوار مع واشنطن مستمر \\u0041 \\ud800 ومفيد للطرفين."
    doc = f"<html><head><meta charset='{charset}'></head><body><p>{text}</p></body></html>"
    path = write(tmp_path, "trap.html", doc.encode())
    (page,) = drain(read_file(path), path.as_posix())
    assert isinstance(page, Page) and page.text == text


def test_json_nested_thousands_deep_is_one_bad_record(tmp_path: Path) -> None:
    deep = '{"content": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path = write(tmp_path, "deep.jsonl", f'{{"content": "نص أول"}}\n{deep}\n{{"content": "نص أخير"}}\n'.encode())
    items = drain(read_jsonl(path), path.as_posix())  # the RecursionError used to end the file at line 2
    assert [type(i).__name__ for i in items] == ["Page", "InputError", "Page"]
    assert str(items[1]).startswith(f"{path.as_posix()}:2: ") and "nested too deeply" in str(items[1])
    document = write(tmp_path, "deep.json", ("[" * 100_000 + "]" * 100_000).encode())
    (error,) = drain(read_file(document), document.as_posix())
    assert isinstance(error, InputError) and "nested too deeply" in str(error)

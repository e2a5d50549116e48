"""Readers: real pages from ../shared, inputs built in tmp_path for the other kinds, and bad inputs."""

from __future__ import annotations

import gzip
import io
import json
import re
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from rawi.errors import InputError
from rawi.model import Page
from rawi.read import (
    FieldMap,
    iter_pages,
    read_html,
    read_jsonl,
    read_path,
    read_text,
    sniff,
)
from rawi.read._dates import parse_date
from rawi.read.html import page_from_html

SEEDS = ["000_7be0f9684ebf0992.txt", "001_4d27d996705a06bd.txt", "004_3bd3b5d9f01e1814.txt"]


# --- helpers ----------------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Words split at white space and punctuation."""
    return [t for t in re.split(r"[\W_]+", text) if t]


def token_prf(predicted: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall and F1 over token multisets."""
    pred, ref = Counter(tokens(predicted)), Counter(tokens(gold))
    overlap = sum((pred & ref).values())
    p = overlap / max(sum(pred.values()), 1)
    r = overlap / max(sum(ref.values()), 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pages_of(items: list[Page | InputError]) -> list[Page]:
    return [i for i in items if isinstance(i, Page)]


def errors_of(items: list[Page | InputError]) -> list[InputError]:
    return [i for i in items if isinstance(i, InputError)]


def seed_text(shared: Path, name: str = SEEDS[1]) -> str:
    return (shared / "corpus" / "seeds" / name).read_text(encoding="utf-8")


def seed_html(text: str, title: str = "عنوان الخبر") -> str:
    paragraphs = "".join(f"<p>{line}</p>\n" for line in text.splitlines() if line.strip())
    return (
        f'<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><article>{paragraphs}</article></body></html>"
    )


def assert_one_line_naming(error: InputError, name: str) -> None:
    message = str(error)
    assert "\n" not in message
    assert name in message, message


# --- text -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEEDS)
def test_seed_pages_read_as_text(shared: Path, name: str) -> None:
    path = shared / "corpus" / "seeds" / name
    (page,) = read_path(path)
    expected = path.read_text(encoding="utf-8")
    assert page.kind == "text"
    assert page.text == page.raw == expected
    assert page.uri == path.as_posix()
    assert page.id == Page.make_id(page.uri, page.text)
    assert page.language == "ar"
    assert page.outlet is None


@pytest.mark.parametrize(
    ("encoding", "newline"), [("utf-16", "\r\n"), ("utf-16-be", "\n"), ("utf-8-sig", "\r\n"), ("cp1256", "\r\n")]
)
def test_encoded_copies_of_a_seed(shared: Path, tmp_path: Path, encoding: str, newline: str) -> None:
    text = seed_text(shared)
    data = text.replace("\n", newline).encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # with its byte-order mark, as the requirement says
    path = tmp_path / f"seed.{encoding}.txt"
    path.write_bytes(data)
    page = read_text(path)
    assert page.text == text  # decoded, BOM gone, \r\n normalized
    assert page.language == "ar"


def test_text_file_holding_html_is_read_as_html(shared: Path, tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(seed_html(seed_text(shared)), encoding="utf-8")
    assert sniff(path) == "html"
    (page,) = read_path(path)
    assert page.kind == "html"
    assert "<p>" not in page.text
    assert token_prf(page.text, seed_text(shared))[2] > 0.95


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    (error,) = iter_pages([path])
    assert isinstance(error, InputError)
    assert str(error) == f"{path.as_posix()}: empty file"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (error,) = iter_pages([path])
    assert isinstance(error, InputError)
    assert_one_line_naming(error, path.as_posix())
    assert "binary" in str(error)


def test_invalid_utf8_that_is_not_arabic(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le café est très crème, déjà vu à Noël. ".encode("latin-1") * 30)
    with pytest.raises(InputError) as caught:
        read_text(path)
    assert_one_line_naming(caught.value, path.as_posix())
    assert "not valid UTF-8" in str(caught.value)


def test_page_over_the_size_limit(tmp_path: Path) -> None:
    # A 50 MB page, written sparse: the reader must refuse it from its size, before reading it.
    path = tmp_path / "huge.html"
    with path.open("wb") as f:
        f.write(b"<!DOCTYPE html><html><body><p>")
        f.seek(50_000_000)
        f.write(b"</p></body></html>")
    (error,) = iter_pages([path])
    assert isinstance(error, InputError)
    assert_one_line_naming(error, path.as_posix())
    assert "20,000,000" in str(error) and "max_bytes" in str(error)


def test_size_limit_can_be_raised(shared: Path, tmp_path: Path) -> None:
    path = tmp_path / "seed.txt"
    path.write_text(seed_text(shared), encoding="utf-8")
    assert isinstance(next(iter_pages([path], max_bytes=1000)), InputError)
    assert isinstance(next(iter_pages([path], max_bytes=100_000)), Page)


# --- JSONL ------------------------------------------------------------------------------------------


def test_saudinewsnet_first_file(shared: Path) -> None:
    path = sorted((shared / "corpus" / "saudinewsnet").glob("*.jsonl.gz"))[0]
    with gzip.open(path, "rt", encoding="utf-8") as f:
        lines = sum(1 for _ in f)
    items = list(iter_pages([path]))
    pages = pages_of(items)
    assert len(items) == lines  # one item per line, streamed
    assert len(pages) > 0.95 * lines
    # the few records with an empty content field are reported, by line
    assert all(re.match(rf"{re.escape(path.as_posix())}:\d+: empty text", str(e)) for e in errors_of(items))
    first = pages[0]
    assert first.kind == "jsonl"
    assert first.outlet == "aawsat"
    assert first.uri.startswith("http://aawsat.com/home/article/410826/")
    assert first.fetched == "2015-07-21T02:51:32"
    assert first.title.startswith("بريطانيا: أربعة محاور")
    assert first.author == "لندن: رنيم حنوش"
    assert first.text.startswith("حدد رئيس الوزراء البريطاني ديفيد كاميرون")
    assert first.language == "ar"
    assert len({p.id for p in pages}) == len(pages)


def _write_jsonl_gz(path: Path, n: int) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for i in range(n):
            record = {"url": f"https://example.com/{i}", "content": f"خبر رقم {i} عن الطقس في المدينة اليوم"}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def test_jsonl_gz_streams_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl.gz"
    _write_jsonl_gz(path, 100_000)  # ~9 MB of JSON once decompressed
    tracemalloc.start()
    try:
        items = read_jsonl(path)
        first = [next(items) for _ in range(3)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.uri for p in first] == [f"https://example.com/{i}" for i in range(3)]
    assert peak < 2_000_000  # far less than the file: it is read line by line


def test_jsonl_bad_lines_are_reported_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"content": "نص أول", "title": "أ"}, ensure_ascii=False),
        '{"content": "not closed',
        json.dumps({"content": "نص ثان"}, ensure_ascii=False),
        "[1, 2]",
        json.dumps({"body": "no content field"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(iter_pages([path]))
    assert [type(i).__name__ for i in items] == ["Page", "InputError", "Page", "InputError", "InputError"]
    assert str(items[1]).startswith(f"{path.as_posix()}:2: not JSON (")
    assert str(items[3]).startswith(f"{path.as_posix()}:4: ")
    assert "FieldMap" in str(items[4])
    assert items[2].uri == f"{path.as_posix()}#L3"  # no url field: file and line


def test_jsonl_field_map(tmp_path: Path) -> None:
    path = tmp_path / "other.jsonl"
    record = {"body": "نص الخبر", "headline": "عنوان", "time": "2025-06-01T12:00:00+03:00", "link": "https://x.org/1"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    fields = FieldMap(text="body", title="headline", outlet=None, uri="link", fetched=None, published="time")
    (page,) = read_path(path, fields=fields)
    assert (page.text, page.title, page.uri) == ("نص الخبر", "عنوان", "https://x.org/1")
    assert page.published == "2025-06-01T09:00:00+00:00"


def test_truncated_jsonl_gz(tmp_path: Path) -> None:
    whole = tmp_path / "whole.jsonl.gz"
    _write_jsonl_gz(whole, 5000)
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    items = list(iter_pages([cut]))
    assert len(pages_of(items)) > 100  # what could be read comes first
    assert isinstance(items[-1], InputError) and len(errors_of(items)) == 1
    assert_one_line_naming(items[-1], cut.as_posix())
    assert "truncated" in str(items[-1])


# --- HTML -------------------------------------------------------------------------------------------


def test_cnn_body_token_f1(shared: Path) -> None:
    html_dir = shared / "corpus" / "html"
    page = read_html(html_dir / "cnn_arabic.html")
    gold = (html_dir / "cnn_arabic.body.txt").read_text(encoding="utf-8")
    p, r, f1 = token_prf(page.text, gold)
    print(f"CNN Arabic body: P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    assert f1 >= 0.97


def _pages_json(shared: Path) -> dict[str, dict]:
    return json.loads((shared / "corpus" / "html" / "pages.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "name",
    ["1523806243.html", "1550981615.html", "1588107198.html", "1623715966.html", "1691196862.html",
     "1731695567.html", "cnn_arabic.html"],
)  # fmt: skip
def test_html_pages(shared: Path, name: str) -> None:
    info = _pages_json(shared)[name]
    path = shared / "corpus" / "html" / name
    page = read_html(path, url=info["url"])
    assert page.kind == "html"
    if info["url"]:
        assert page.uri == info["url"]
    else:  # no URL given: the page's own canonical URL
        assert page.uri.startswith("http://arabic.cnn.com/2013/")
    assert page.raw == path.read_text(encoding="utf-8")
    if info["published"]:
        assert (page.published or "")[:10] == info["published"]
    assert page.language == info["language"]
    assert page.title and page.outlet
    lines = page.text.split("\n")
    assert len(lines) >= 2 and all(line.strip() == line and line for line in lines)
    assert page.title not in lines  # the title is in Page.title, not repeated as the first line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الأربعاء، 07 أكتوبر 2020 - 12:09 م", "2020-10-07"),
        ("تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", "2020-04-24"),
        ("الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00", "2013-08-28"),
        ("٣ كانون الثّاني ٢٠٢١", "2021-01-03"),
        ("نشر في 2019/12/31", "2019-12-31"),
        ("31-12-2019", "2019-12-31"),
        ("30 فبراير 2020", None),
        ("منذ ساعتين", None),
    ],
)
def test_arabic_dates(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_html_keeps_the_lead_outside_the_article_body(shared: Path) -> None:
    # Sputnik puts its lead paragraph beside the schema.org articleBody element.
    page = read_html(shared / "corpus" / "html" / "1550981615.html")
    assert page.text.startswith("أعلنت وزارة الصحة والسكان المصرية")
    assert "التعليق" not in page.text  # the comment rules of its modal window are gone


def test_html_headings_are_lines_and_policy_notices_go(shared: Path) -> None:
    text = seed_text(shared, SEEDS[0])
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    html = (
        "<html><head><title>عنوان الخبر - الموقع</title></head><body><article><h1>عنوان الخبر</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs[:3])
        + "<h2>خلفية الأزمة</h2>"
        + "".join(f"<p>{p}</p>" for p in paragraphs[3:])
        + "<p>نرحب بتعليقاتكم، ونرجو الالتزام بسياسة الخصوصية وشروط الاستخدام.</p>"
        + "<p>الآراء الواردة في التعليقات تعبر عن وجهات نظر أصحابها.</p>"
        + "<p>جميع الحقوق محفوظة © 2025</p>"
        + "</article></body></html>"
    )
    page = page_from_html(html, source="test.html")
    lines = page.text.split("\n")
    assert page.title == "عنوان الخبر"
    assert "خلفية الأزمة" in lines
    assert lines[0] == paragraphs[0]
    assert lines[-1] == paragraphs[-1]


def test_html_story_about_privacy_keeps_its_paragraphs() -> None:
    body = (
        "<p>أعلنت الشركة اليوم تعديل سياسة الخصوصية وشروط الاستخدام الخاصة بتطبيقها للمراسلة في المنطقة.</p>"
        "<p>وقال متحدث باسم الشركة إن التعديلات تمنح المستخدمين قدرا أكبر من التحكم في بياناتهم الشخصية.</p>"
        "<p>وأضاف أن التعديل يدخل حيز التنفيذ مطلع الشهر المقبل في جميع دول المنطقة بعد موافقة الجهات المعنية.</p>"
    )
    page = page_from_html(f"<html><body><article>{body}</article></body></html>", source="story.html")
    assert len(page.text.split("\n")) == 3


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>لا شيء</title></head></html>",
        "<html><head><title>لا شيء</title></head><body>  \n </body></html>",
        "<html><body><script>var a = 1;</script></body></html>",
    ],
)
def test_html_without_body(tmp_path: Path, html: str) -> None:
    path = tmp_path / "nobody.html"
    path.write_text(html, encoding="utf-8")
    (error,) = iter_pages([path])
    assert isinstance(error, InputError)
    assert_one_line_naming(error, path.as_posix())


# --- feeds ------------------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>أخبار الاختبار</title><link>https://news.example.com/</link>
<item><title>{title}</title><link>https://news.example.com/a/1</link>
<pubDate>Sun, 01 Jun 2025 12:30:00 +0300</pubDate><author>محرر</author>
<description>ملخص قصير</description>
<content:encoded><![CDATA[{html}]]></content:encoded></item>
<item><title>خبر ثان</title><link>https://news.example.com/a/2</link>
<description>نص الخبر الثاني في سطر واحد.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><link href="https://atom.example.org/"/>
<id>urn:feed</id><updated>2025-06-02T08:00:00Z</updated>
<entry><title>{title}</title><link href="https://atom.example.org/e/1"/><id>urn:e1</id>
<published>2025-06-02T07:15:00Z</published><updated>2025-06-02T08:00:00Z</updated>
<content type="html">{html}</content></entry></feed>"""


def test_rss_feed(shared: Path, tmp_path: Path) -> None:
    text = seed_text(shared)
    html = "".join(f"<p>{p}</p>" for p in text.splitlines() if p.strip())
    path = tmp_path / "feed.xml"
    path.write_text(RSS.format(title="عنوان", html=html), encoding="utf-8")
    assert sniff(path) == "feed"
    first, second = read_path(path)
    assert first.kind == "feed" and first.uri == "https://news.example.com/a/1"
    assert first.title == "عنوان" and first.outlet == "أخبار الاختبار" and first.author == "محرر"
    assert first.published == "2025-06-01T09:30:00+00:00"  # UTC: the feed gave a zone
    assert first.text.split("\n") == [p for p in text.splitlines() if p.strip()]
    assert second.text == "نص الخبر الثاني في سطر واحد." and second.published is None


def test_atom_feed(shared: Path, tmp_path: Path) -> None:
    text = seed_text(shared)
    escaped = "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in text.splitlines() if p.strip())
    path = tmp_path / "atom.txt"  # the name does not matter
    path.write_text(ATOM.format(title="عنوان أتوم", html=escaped), encoding="utf-8")
    (page,) = read_path(path)
    assert page.kind == "feed" and page.uri == "https://atom.example.org/e/1"
    assert page.outlet == "atom.example.org"  # no feed title: the host
    assert page.published == "2025-06-02T07:15:00+00:00"
    assert page.text.split("\n") == [p for p in text.splitlines() if p.strip()]


# --- WARC -------------------------------------------------------------------------------------------


def _warc(records: list[tuple[str, str, str, bytes]], gz: bool) -> bytes:
    """An archive of response records (uri, status, content type, body), with a request record too."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for uri, status, content_type, body in records:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers))
    return out.getvalue()


@pytest.mark.parametrize("gz", [True, False])
def test_warc(shared: Path, tmp_path: Path, gz: bool) -> None:
    html = seed_html(seed_text(shared)).encode("utf-8")
    data = _warc(
        [
            ("https://site.example/a", "200 OK", "text/html; charset=utf-8", html),
            ("https://site.example/missing", "404 Not Found", "text/html", html),
            ("https://site.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n"),
            ("https://site.example/b", "200 OK", "text/html", seed_html(seed_text(shared, SEEDS[2])).encode()),
        ],
        gz,
    )
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(data)
    assert sniff(path) == "warc"
    first, second = read_path(path)
    assert [first.uri, second.uri] == ["https://site.example/a", "https://site.example/b"]
    assert first.kind == "warc" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", first.fetched or "")
    assert first.outlet == "site.example"
    assert token_prf(first.text, seed_text(shared))[2] > 0.95


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc(shared: Path, tmp_path: Path, gz: bool) -> None:
    html = seed_html(seed_text(shared)).encode("utf-8")
    data = _warc([(f"https://site.example/{i}", "200 OK", "text/html", html) for i in range(3)], gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data[: len(data) - len(data) // 6])  # into the last record
    items = list(iter_pages([path]))
    assert [p.uri for p in pages_of(items)] == ["https://site.example/0", "https://site.example/1"]
    assert isinstance(items[-1], InputError)
    assert_one_line_naming(items[-1], path.as_posix())
    assert "truncated" in str(items[-1])


# --- batches and sniffing ---------------------------------------------------------------------------


def test_directory_with_a_bad_item(shared: Path, tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_text(seed_text(shared, SEEDS[0]), encoding="utf-8")
    (tmp_path / "b" / "c.html").write_text(seed_html(seed_text(shared)), encoding="utf-8")
    (tmp_path / "b" / "bad.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (tmp_path / "d.txt").write_text(seed_text(shared, SEEDS[2]), encoding="utf-8")
    (tmp_path / ".hidden" / "x.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / ".x.txt").write_text("hidden", encoding="utf-8")
    items = list(iter_pages([tmp_path]))
    assert [type(i).__name__ for i in items] == ["Page", "InputError", "Page", "Page"]
    assert [p.uri for p in pages_of(items)] == [
        (tmp_path / "a.txt").as_posix(),
        (tmp_path / "b" / "c.html").as_posix(),
        (tmp_path / "d.txt").as_posix(),
    ]
    assert_one_line_naming(items[1], "bad.txt")
    with pytest.raises(InputError, match=r"bad\.txt"):
        read_path(tmp_path)


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    (error,) = iter_pages([missing])
    assert isinstance(error, InputError)
    assert str(error) == f"{missing.as_posix()}: no such file or directory"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"WARC/1.1\r\nWARC-Type: warcinfo\r\n", "warc"),
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel>', "feed"),
        (b'<?xml version="1.0"?>\n<!-- c -->\n<feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        (b"  <!DOCTYPE html>\n<html><body><p>x</p></body></html>", "html"),
        (b"<div><p>a</p><p>b</p><p>c</p><a href='#'>d</a><br></div>", "html"),
        (b'{"content": "x"}\n{"content": "y"}\n', "jsonl"),
        (b"{not json at all}\n", "text"),
        ("نص عادي <b>واحد</b> فقط".encode(), "text"),
        (gzip.compress(b'{"a": 1}\n'), "jsonl"),
        (gzip.compress(b"WARC/1.0\r\n"), "warc"),
    ],
)
def test_sniff(tmp_path: Path, content: bytes, kind: str) -> None:
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    assert sniff(path) == kind


def test_json_document_array_of_articles(tmp_path: Path) -> None:
    """SaudiNewsNet's original form: one JSON array of article objects, not JSON Lines."""
    from rawi.read import read_file

    path = tmp_path / "day.json"
    records = [{"content": "نص الخبر الأول.", "title": "عنوان", "source": "sabq"}, {"content": "  "}]
    path.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    items = list(read_file(path))
    assert items[0].title == "عنوان" and items[0].outlet == "sabq"
    assert isinstance(items[1], InputError) and "day.json:2" in str(items[1])


def test_json_document_without_articles_is_a_clear_error(shared: Path) -> None:
    from rawi.read import read_file

    (item,) = list(read_file(shared / "corpus" / "html" / "pages.json"))
    assert isinstance(item, InputError) and "no article records" in str(item)

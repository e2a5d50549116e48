"""What kind of input a file is, judged from its first bytes: names lie (a .txt that holds HTML)."""

from __future__ import annotations

import codecs
import json
import re
import zlib
from pathlib import Path
from typing import Literal

from rawi.read._common import GZIP_MAGIC

Kind = Literal["warc", "feed", "html", "jsonl", "json", "text"]

HEAD_BYTES = 65536
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)\b", re.I)
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.I)
_HTML_TAG = re.compile(
    r"</?(?:p|div|span|a|br|h[1-6]|article|section|body|head|title|meta|link|script|style|li|ul|ol|table|"
    r"tr|td|img|header|footer|nav|main|figure|strong|em|b|i)\b[^>]*>",
    re.I,
)


def sniff(path: str | Path) -> Kind:
    """The reader a file needs: 'warc', 'feed', 'html', 'jsonl' or 'text' (the default, which also
    reports empty and binary files)."""
    with Path(path).open("rb") as f:
        head = f.read(HEAD_BYTES)
    if head.startswith(GZIP_MAGIC):
        head = _gunzip_head(head)
    return sniff_bytes(head)


def sniff_bytes(head: bytes) -> Kind:
    text = _decode_head(head).lstrip()
    if text.startswith("WARC/"):
        return "warc"
    if text.startswith("<"):
        start = text[:4096]
        # An XML prolog, comments or a doctype may come before the root element.
        if _FEED_ROOT.search(start) and not _HTML_START.search(start[: _FEED_ROOT.search(start).start()]):
            return "feed"
        if _HTML_START.search(start):
            return "html"
    if text.startswith("{") and _first_line_is_json(text):
        return "jsonl"
    if text.startswith(("[", "{")) and re.match(r"[\[{]\s*[\[{\"\]}]", text):
        return "json"  # a JSON document spread over lines (an array of articles, a pretty-printed object)
    if len(_HTML_TAG.findall(text[:16384])) >= 5:
        return "html"  # a page or fragment without <html>: tags everywhere
    return "text"


def _gunzip_head(head: bytes) -> bytes:
    """The first decompressed bytes; a truncated or corrupt stream gives what could be read."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, HEAD_BYTES)
    except zlib.error:
        return b""


def _decode_head(head: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) : len(head) - (len(head) - len(bom)) % 2].decode(encoding, errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def _first_line_is_json(text: str) -> bool:
    line, newline, _ = text.partition("\n")
    if not newline and len(text.encode("utf-8")) >= HEAD_BYTES - 4:
        return True  # a first line longer than the head: the JSONL reader will judge it
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False

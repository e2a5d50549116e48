"""Publication dates that htmldate's fast search misses on Arabic pages: dates written with month names
("الأربعاء، 07 أكتوبر 2020", "24 نيسان / أبريل 2020") in meta tags, <time> elements and date widgets.

htmldate can find these only through its extensive search, which hands every candidate to dateparser
with all of its locales: a second or more per page. A month table and one regex do it in microseconds.
"""

from __future__ import annotations

import re
from datetime import date

import lxml.html

# Gregorian month names as Arabic writes them: Egyptian/Gulf (يناير), Levantine/Iraqi (كانون الثاني),
# Maghrebi (جانفي). Matched after diacritics are stripped.
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "يناير كانون_الثاني جانفي ينار",
        "فبراير شباط فيفري",
        "مارس آذار اذار",
        "أبريل ابريل إبريل نيسان أفريل",
        "مايو أيار ايار ماي",
        "يونيو يونيه حزيران جوان",
        "يوليو يوليه تموز جويلية",
        "أغسطس اغسطس آب اب أوت",
        "سبتمبر أيلول ايلول",
        "أكتوبر اكتوبر تشرين_الأول تشرين_الاول",
        "نوفمبر تشرين_الثاني",
        "ديسمبر كانون_الأول كانون_الاول",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name.replace("_", " ")] = _number

_MONTH = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
# "07 أكتوبر 2020", "24 نيسان / أبريل 2020", "28 آب/اغسطس 2013", "5 من مارس، 2020"
_NAMED = re.compile(rf"(?<!\d)(\d{{1,2}})\s*(?:من\s+)?({_MONTH})(?:\s*/\s*(?:{_MONTH}))?\s*[،,]?\s*(\d{{4}})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
_DIACRITICS = re.compile(r"[\u064B-\u065F\u0670\u0640]")
_DATE_META = re.compile(r"publish|date|created|time", re.I)
_DATE_CLASS = re.compile(r"(?:^|[-_])(?:date|time|timestamp|created|published|publish|posted)", re.I)


def find_published(tree: lxml.html.HtmlElement) -> str | None:
    """YYYY-MM-DD of the first date found in publication meta tags, then <time> elements, then short
    date widgets (by class or id), or None."""
    metas = [
        (" ".join(m.get(a, "") for a in ("property", "name", "itemprop")).lower(), m.get("content"))
        for m in tree.iter("meta")
    ]
    # "published" tags first: a page's other date metas are often the site's creation or a modification.
    for wanted in ("publish", _DATE_META):
        for key, content in metas:
            if "modif" in key or not (wanted in key if isinstance(wanted, str) else wanted.search(key)):
                continue
            if found := parse_date(content):
                return found
    for el in tree.iter("time"):
        if found := parse_date(el.get("datetime")) or parse_date(el.text_content()):
            return found
    body = tree.find("body")
    for el in body.iter() if body is not None else ():
        if not isinstance(el.tag, str):
            continue
        names = f"{el.get('class', '')} {el.get('id', '')}".split()
        if any(_DATE_CLASS.search(n) for n in names):
            text = el.text_content()
            if len(text) <= 200 and (found := parse_date(text)):
                return found
    return None


def parse_date(text: str | None) -> str | None:
    """YYYY-MM-DD of the first plausible date in `text` (month names, Y-M-D, or D/M/Y as Arabic writes
    it), in any script's digits."""
    if not text:
        return None
    text = _DIACRITICS.sub("", text)
    for pattern, order in ((_NAMED, "dmy"), (_YMD, "ymd"), (_DMY, "dmy")):
        for m in pattern.finditer(text):
            a, b, c = m.groups()
            if order == "ymd":
                year, month, day = int(a), int(b), int(c)
            else:
                day, year = int(a), int(c)
                month = _MONTHS[b] if pattern is _NAMED else int(b)
            if 1990 <= year <= date.today().year + 1:
                try:
                    return date(year, month, day).isoformat()
                except ValueError:
                    continue
    return None

"""Dates in Arabic news: find them, normalize them to ISO 8601, and tell when an article was published.

What is found (see tests/test_dates.py for a table of real-looking cases):
- absolute dates with the day, month and year in any of the naming systems: "18 شباط/ فبراير 2025",
  "الثلاثاء 2 يونيو", "الثامن عشر من فبراير", numeric "18/2/2025", "2025-02-18"; Arabic-Indic digits;
- Hijri dates ("5 شوال 1436هـ", "العاشر من رمضان", "1436/10/5هـ", "عام 1436هـ"), converted to the
  Gregorian calendar with hijridate (Umm al-Qura);
- partial dates: a month ("في فبراير", "مارس 2024"), a year ("عام 2022", "2014-2016", "1436/1437هـ");
- deictic expressions resolved against the publication date: أمس، اليوم، غدا، الثلاثاء الماضي،
  الأسبوع المقبل، منتصف الشهر الجاري، منذ ثلاثة أيام، قبل عامين، فبراير الماضي.

Each mention is a JSON-ready dict:
  start, end, text   offsets into the text, text[start:end] == text
  value              ISO 8601: "2025-02-18", "2025-02", "2025", "2025-W07" (ISO week), an interval "A/B"
                     for ranges and for Hijri months and years (they straddle Gregorian ones), "--02-18" or
                     "--02" (ISO 8601 without year) for a day or month named without a year when the
                     publication date is unknown; None when it cannot be known (a deictic expression
                     without publication date, a Hijri date without year and publication date)
  precision          day | week | month | year
  calendar           gregorian | hijri (as written)
  relative           True for deictic expressions, whose value depends on the publication date
  modifier           (only when said) start | mid | end: مطلع/منتصف/أواخر ...
  hijri              (only for Hijri dates) the Hijri value as written, ISO-like: "1436-10-05", "1436-09"

A day and month without year take the year that puts them nearest the publication date, distances into
the future counting 1.5 times (calendars.FUTURE_WEIGHT): news mostly reports what has happened ("not far
after publication"). الماضي / المقبل pick the previous or next occurrence; a weekday written with the date
picks the year in which the date falls on it.

Why a hand-written grammar and not dateparser: measured on SaudiNewsNet, dateparser's search_dates
(languages=["ar"]) takes about 9 ms an article against about 0.15 ms here, and it finds none of
"18 شباط 2025", "26 شوال 1436 هـ", "الثلاثاء الماضي", "منذ ثلاثة أيام". The grammar below is one compiled
regex run once over the text. It matches the page's own characters (the variants of hamza, ta marbuta,
alef maqsura, and tanween are spelled out in the pattern), so offsets need no mapping and no normalized
copy of the text is made; only a matched span is folded with rawi.text.match_form to look its words up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rawi.annotate import calendars as cal
from rawi.model import Article
from rawi.text import match_form

__all__ = ["annotate_dates", "find_dates", "normalize_timestamp", "publication_date"]

# --- Patterns over the page's own characters -------------------------------------------------------------

_S = r"[^\S\n]*"  # spaces inside a line
_S1 = r"[^\S\n]+"
_MARKS = "[\u064b-\u0652\u0640]*"  # diacritics and tatweel (where _units allows them)
_LE = r"(?![^\W\d_])"  # end of a word: no letter follows
_CLASSES = {"ا": "[اأإآ]", "أ": "[اأإآ]", "إ": "[اأإآ]", "آ": "[اأإآ]", "ئ": "[ئي]", "ؤ": "[ؤو]", "ى": "[ىي]"}


def _unit(ch: str, marks: bool) -> str:
    """The pattern of one letter: its spelling variants, then diacritics or tatweel where allowed."""
    if ch in "هة":
        cls = "[ةه]"
    elif ch in "يى":
        cls = "[يى]"
    else:
        cls = _CLASSES.get(ch, re.escape(ch))
    return cls + _MARKS if marks else cls


def _units(phrase: str) -> list[str]:
    """A phrase as a sequence of letter patterns and spaces; "و" before a later word may stand apart.

    Diacritics are allowed where the press writes them in running text: at the end of a word and
    before a final alef (tanween: "غدًا", "عامًا"). Allowing them after every letter would cost a
    fifth of the scanning time for a few vocalized words."""
    units: list[str] = []
    for i, word in enumerate(phrase.split()):
        if i:
            units.append(_S1)
        if i and word.startswith("وال"):
            units.append("و" + _S)
            word = word[1:]
        last = len(word) - 1
        for j, ch in enumerate(word):
            units.append(_unit(ch, j == last or (j == last - 1 and word[last] == "ا")))
    return units


def _alt(words: Iterable[str], depth: int | None = None) -> str:
    """One pattern for many phrases in any of the press's spellings, as a trie: the regex engine then
    decides on the first letter instead of trying each phrase in turn, which keeps the scan fast.
    Longer phrases win over their prefixes ("كانون الثاني" over "كانون", "أمس الأول" over "أمس").
    With `depth`, only the phrases' first letters: a pattern that says whether one may start here."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for unit in _units(word)[:depth]:
            node = node.setdefault(unit, {})
        node[""] = {}
    return _emit(root)


def _emit(node: dict[str, dict]) -> str:
    branches = [unit + _emit(child) for unit, child in node.items() if unit]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a phrase may end here: the longer ones are tried first (greedy ?)
        return f"(?:{body})?"
    return body


@lru_cache(maxsize=8192)
def _key(span: str) -> str:
    """A matched span's lookup key: the matching form, single spaces, conjunction و attached."""
    return " ".join(match_form(span).split()).replace(" و ", " و")


def _keyed(table: dict[str, Any]) -> dict[str, Any]:
    return {_key(k): v for k, v in table.items()}


_GREGORIAN = _keyed(cal.GREGORIAN_MONTHS)
_HIJRI = _keyed(cal.HIJRI_MONTHS)
_WEEKDAYS = _keyed(cal.WEEKDAYS)
_ORDINALS = _keyed(cal.ORDINAL_DAYS)
_NUMBERS = _keyed(cal.NUMBER_WORDS)
_UNITS = _keyed(cal.DURATION_UNITS)
_MODIFIERS = _keyed(cal.RELATIVE_MODIFIERS)
_PARTS = _keyed(cal.PARTS)
_DAY_WORDS = _keyed(cal.DAY_WORDS)
_AMBIGUOUS = {_key(w) for w in cal.AMBIGUOUS_MONTHS}
_STRONGLY_AMBIGUOUS = {_key(w) for w in ("صفر", "رجب", "ماي", "آب", "محرم")}
_PERIODS = ["الأسبوع", "الشهر", "العام", "السنة"]
_YEAR_WORDS = [
    "عام", "العام", "عامي", "العامين", "سنة", "السنة", "سنتي", "موسم", "الموسم", "موسمي", "الأعوام", "السنوات",
]  # fmt: skip
_YEAR_ADJECTIVES = [
    "الدراسي", "الدراسية", "المالي", "المالية", "الجامعي", "الزراعي", "الميلادي", "الميلادية",
    "الهجري", "الهجرية", "الحالي", "الحالية", "الجاري", "الجارية",
]  # fmt: skip
_YEAR_PREPOSITIONS = [
    "في", "منذ", "حتى", "خلال", "قبل", "بعد", "بين", "من", "بحلول", "مطلع", "منتصف", "نهاية", "بداية",
    "أواخر", "أوائل", "أواسط", "مستهل",
]  # fmt: skip
_APPROXIMATELY = ["نحو", "حوالي", "حوالى", "قرابة", "زهاء", "أكثر من", "أقل من", "ما يقارب", "ما يزيد على",
                  "ما يزيد عن", "ما لا يقل عن"]  # fmt: skip
_EPITHETS = ["المبارك", "المعظم", "الحرام", "المكرم", "الفضيل"]
_MARK_WORDS = ["هجري", "هجرية", "للهجرة", "ميلادي", "ميلادية", "للميلاد"]


# What may follow a bare year: punctuation, the end of the line, or a small word.
_YEAR_FOLLOW_PATTERN = (
    rf"{_S}(?:[^\w\s]|\n|$)|{_S1}(?:و|ف)?"
    + _alt(["في", "من", "إلى", "حتى", "حين", "عندما", "بعد", "قبل", "مقارنة", "على", "ثم", "حيث", "وذلك"])
    + _LE
)


def _grammar(named: bool) -> dict[str, str]:
    """The pattern of each kind of date mention, starting at its head word (a number, a month, a
    weekday...). What may stand before the head (a weekday before a date, مطلع/منتصف, هذا, في before a
    bare year) is looked for by the handlers, so that the scan only stops at heads.

    With `named`, inner parts are named groups (to read a match); without, the scanner's alternation of
    all kinds stays free of duplicate group names."""

    def g(name: str, body: str) -> str:
        return f"(?P<{name}>{body})" if named else f"(?:{body})"

    S, S1, LE = _S, _S1, _LE
    month = _alt([*cal.GREGORIAN_MONTHS, *cal.HIJRI_MONTHS])
    month_g = _alt(cal.GREGORIAN_MONTHS)
    weekday = _alt(cal.WEEKDAYS)
    rel = g("rm", _alt(cal.RELATIVE_MODIFIERS)) + LE
    mark = rf"{S}(?:ه\u0640*(?:\.(?!\d))?|{_alt(_MARK_WORDS)}|م(?:\.(?!\d))?){LE}"
    year = r"\d{4}(?!\d)(?![.,٫]\d)"
    y = g("y", year) + f"(?:{g('ym', mark)})?"
    y2 = g("y2", r"\d{2,4}") + r"(?!\d)(?![.,٫]\d)" + f"(?:{g('ym2', mark)})?"
    to = rf"(?:[-–/]|و?{S}{_alt(['إلى', 'حتى', 'لغاية'])}|و)"
    range_sep = rf"{S}{g('rsep', to)}{S}"
    connect = rf"{S}[،,]?{S}(?:(?:من|في){S1})?(?:(?:ل|ال)?(?:عام|سن[ةه]){S})?"
    # "فبراير من العام الماضي", "رمضان من العام الجاري"
    of_year = rf"{S1}(?:من{S1})?(?:ال|لل)(?:عام|سن[ةه]){LE}{S1}{g('yrm', _alt(cal.RELATIVE_MODIFIERS))}{LE}"
    pair = rf"(?:{S}(?:[/\-–،]|\(){S}{g('m2', month_g)}{LE}(?:{S}\))?|{S1}{g('m3', month_g)}{LE})"
    month_phrase = g("mp", rf"(?:{g('shahr', 'شهر')}{S1})?{g('m1', month)}{LE}{pair}?(?:{S1}{_alt(_EPITHETS)}{LE})?")
    day = g("d", r"\d{1,2}") + r"(?!\d)(?![.,٫]\d)"
    ordinal = g("od", _alt(cal.ORDINAL_DAYS)) + LE
    periods = g("per", _alt(_PERIODS)) + LE
    number = r"\d{1,3}(?!\d)|" + _alt(cal.NUMBER_WORDS)
    n1, n2, n3 = g("n1", r"\d{1,4}"), g("n2", r"\d{1,2}"), g("n3", r"\d{1,4}")
    s1, s2 = g("s1", r"[/\-.]"), g("s2", r"[/\-.]")
    year_words = _alt(_YEAR_WORDS)
    return {
        # Digits first: a day and a month, a numeric date, a year with its marker or a range, a bare year.
        "day_month": rf"{day}{S}(?:من{S1})?{month_phrase}(?:{connect}{y}|{of_year})?(?:{S1}{rel})?",
        "day_of_this_month": rf"{day}{S1}من{S1}(?:الشهر{S1}{rel}|{g('this', 'هذا')}{S1}الشهر{LE})",
        "numeric": rf"{n1}{S}{s1}{S}{n2}{S}{s2}{S}{n3}(?!\d)(?![.,٫]\d)(?:{g('ym', mark)})?",
        "year_bare": rf"{g('y', year)}(?:{S}[-–/]{S}{y2}|{g('ym', mark)})",
        # A bare year ends its phrase: "في 2000 موقع" counts things.
        "year_after": rf"{g('y', year)}(?:{g('ym', mark)}|(?={_YEAR_FOLLOW_PATTERN}|{S}{to}{S}\d))"
        rf"(?:{range_sep}{y2})?",
        # Words.
        "ordinal_month": rf"{ordinal}{S1}(?:من{S1})?{month_phrase}(?:{connect}{y}|{of_year})?(?:{S1}{rel})?",
        "ordinal_of_this_month": rf"{ordinal}{S1}من{S1}(?:الشهر{S1}{rel}|{g('this', 'هذا')}{S1}الشهر{LE})",
        "month": rf"{month_phrase}(?:{connect}{y}|{of_year})?(?:{S1}{rel})?",
        "year": rf"{g('yw', year_words)}{LE}(?:{S1}{g('yadj', _alt(_YEAR_ADJECTIVES))}{LE})?{S}{y}"
        rf"(?:{range_sep}(?:{year_words}{LE}{S})?{y2})?",
        # A bare العام is "general": a period needs الماضي/المقبل... after it, or هذا or مطلع... before it.
        "period": rf"{periods}(?:{S1}{rel})?",
        "day_word": rf"{g('rw', _alt(cal.DAY_WORDS))}{LE}(?:{S}(?:\({S})?{g('wd', weekday)}{LE}(?:{S}\))?)?",
        "ago": rf"{g('ago', _alt(['منذ', 'قبل', 'بعد']))}{S1}(?:{_alt(_APPROXIMATELY)}{S1})?"
        rf"(?:{g('num', number)}{LE}{S}(?:ال\u0640*{S})?)?{g('unit', _alt(cal.DURATION_UNITS))}{LE}"
        rf"(?:{S1}واحد[ةه]?{LE})?(?!{S}\d)(?!{S1}(?:{month}|{weekday}){LE})",
        "weekday": rf"(?:{g('yawm', 'يوم')}{S1})?{g('wd', weekday)}{LE}(?:{S1}{rel})?",
    }


# Every word a mention may start with (the word kinds' heads).
_HEAD_WORDS = [
    "شهر", *cal.GREGORIAN_MONTHS, *cal.HIJRI_MONTHS, *cal.ORDINAL_DAYS, *_YEAR_WORDS, *_PERIODS,
    *cal.DAY_WORDS, "منذ", "قبل", "بعد", "يوم", *cal.WEEKDAYS,
]  # fmt: skip
# The kinds that name a day and take a weekday before them in.
_DAY_KINDS = ("day_month", "day_of_this_month", "numeric", "ordinal_month", "ordinal_of_this_month")
_DIGIT_KINDS = ("day_month", "day_of_this_month", "numeric", "year_bare", "year_after")
_KINDS = _grammar(named=True)
_PARSERS = {kind: re.compile(pattern) for kind, pattern in _KINDS.items()}


def _scanner() -> re.Pattern[str]:
    """One pass over the text: a non-word character or a tatweel ("الـ18", "لـ2015"; the text is scanned
    with a space in front), the clitics و ف ب ل ك, then a kind. Starting with a character class lets
    the engine skip to word starts; the digit kinds sit behind one look-ahead for a digit, the word
    kinds behind one for the start of a head word."""
    kinds = _grammar(named=False)
    digits = "|".join(f"(?P<{k}>{kinds[k]})" for k in _DIGIT_KINDS)
    words = "|".join(f"(?P<{k}>{p})" for k, p in kinds.items() if k not in _DIGIT_KINDS)
    # Most words are no date's head: one look-ahead over the first letters of every head turns them
    # away at once, instead of each kind trying its own words in turn (this halves the scan time).
    heads = _alt(_HEAD_WORDS, depth=5)
    return re.compile(rf"[\W\u0640](?P<pfx>[وفبلك]{{0,2}})(?:(?=\d)(?:{digits})|(?={heads})(?:{words}))")


_SCANNER = _scanner()
# The cheap pre-check: a digit or the start of any date word. Text without one has no date.
_SIGNAL = re.compile(r"\d|" + _alt(_HEAD_WORDS, depth=5))
# What may stand before a head: matched from the start of one of the (up to three) words before it,
# with the word's clitics, to the head (\Z: $ would also match before a line break); the mention itself
# starts at group x.
_CLITICS = "[وف]?[بل]?"
_LEFT_OF_DAY = re.compile(
    rf"{_CLITICS}(?P<x>(?:يوم{_S1})?(?P<wd>{_alt(cal.WEEKDAYS)}){_S}[،,]?{_S}(?:الموافق{_S}[،,:]?{_S})?"
    rf"(?P<paren>\({_S})?|(?P<yawm>يوم){_S1})\Z"
)
_LEFT_OF_PERIOD = re.compile(rf"{_CLITICS}(?P<x>(?:(?P<part>{_alt(cal.PARTS)}){_S1})?(?:(?P<this>هذا|هذه){_S1})?)\Z")
_LEFT_OF_YEAR = re.compile(rf"{_CLITICS}(?P<x>(?P<prep>{_alt(_YEAR_PREPOSITIONS)}){_S1})\Z")

_PUNCTUATION = "«»\"“”'‘’()[]{}،,:;.-–—ـ"
_NEXT_WORD = re.compile(r"[^\S\n]*\(?[^\S\n]*([^\W\d_]+)")
# Words before a bare month or weekday that make it a time: prepositions of time, parts of a day.
_TIME_CONTEXT = {
    match_form(w)
    for w in (
        "في", "خلال", "منذ", "حتى", "قبل", "بعد", "من", "إلى", "الى", "مع", "بين", "طوال", "طيلة", "مطلع",
        "منتصف", "نهاية", "بداية", "أواخر", "أوائل", "أواسط", "يوم", "مساء", "صباح", "ليلة", "ظهر", "عصر",
        "فجر", "ظهيرة", "نهار", "اعتبارا", "ابتداء", "موعد", "تاريخ", "بتاريخ",
    )
}  # fmt: skip
# Before الاثنين ("Monday", "the two") and الجمعة ("Friday", the prayer): what makes them a day.
_WEEKDAY_CONTEXT = {
    match_form(w)
    for w in (
        "يوم", "مساء", "صباح", "ليلة", "ليل", "ظهر", "عصر", "فجر", "ظهيرة", "نهار", "حتى", "منذ", "في",
        "اعتبارا", "ابتداء", "موعد", "اليوم", "أمس", "غدا", "غدًا", "غداً",
    )
}  # fmt: skip
# Before an ordinal, the nouns it counts when it is not a day: الأسبوع الأول من مارس.
_NOT_A_DAY_BEFORE_ORDINAL = {
    match_form(w) for w in ("الأسبوع", "الشهر", "العام", "الربع", "النصف", "الثلث", "العقد", "الأسابيع", "الدور")
}
# Before a weekday name: a prayer, a sura, God's name (الواحد الأحد), or مع (then it is a family name:
# الخميس, الجمعة are Saudi surnames).
_NOT_A_DAY_BEFORE = {match_form(w) for w in ("صلاة", "خطبة", "الواحد", "سورة", "جمعة", "مع", "آل", "بن")}
# Before اليوم: the newspapers called اليوم and عين اليوم; "that day".
_NOT_TODAY_BEFORE = {
    match_form(w) for w in ("صحيفة", "جريدة", "مجلة", "موقع", "قناة", "برنامج", "عين", "ذلك", "ذاك", "نفس")
}
# Before الغد ("tomorrow", also "the future"): a part of the day.
_TOMORROW_BEFORE = {match_form(w) for w in ("صباح", "مساء", "فجر", "ظهر", "عصر", "ليلة", "ظهيرة", "نهار")}
# Words before a bare weekday that put it in the future: الخميس is then the coming Thursday.
_FUTURE_WORDS = [
    "سوف", "المقرر", "المنتظر", "المرتقب", "المزمع", "يعتزم", "تعتزم", "يتوقع", "سيتم", "ستتم",
    "سيعقد", "ستعقد", "سيقام", "ستقام", "سيبدأ", "ستبدأ", "سينطلق", "ستنطلق", "سيشهد", "ستشهد",
    "سيلتقي", "ستلتقي", "سيزور", "ستزور", "سيصل", "ستصل", "سيكون", "ستكون", "تنطلق", "يعقد",
]  # fmt: skip
_FUTURE_CUE = re.compile(_alt(_FUTURE_WORDS))
_YEAR_FOLLOW = re.compile(_YEAR_FOLLOW_PATTERN)
_AFTER_EVENT = re.compile(rf"{_S1}(?:من|على){_LE}")
_DATE_AFTER_WEEKDAY = re.compile(rf"{_S}[،,]?{_S}(?:الموافق{_S}[،,:]?{_S})?(?:\({_S})?")

# --- Mentions --------------------------------------------------------------------------------------------


def find_dates(text: str, published: str | None = None) -> list[dict[str, Any]]:
    """Every date mention in `text`, in order, as JSON-ready dicts (see the module docstring).

    `published` (ISO 8601, a date or a timestamp; its own local date is used) resolves deictic
    expressions and years left unsaid; without it they get value None or the no-year ISO form."""
    if not text or not _SIGNAL.search(text):
        return []
    scan = " " + text  # gives the scanner a word boundary at the start; offsets shift by one
    pub = _local_date(published)
    mentions = []
    pos = last_end = 0
    while (m := _SCANNER.search(scan, pos)) is not None:
        kind = m.lastgroup or ""
        parts = _PARSERS[kind].fullmatch(scan, m.start(kind), m.end(kind))
        found = _HANDLERS[kind](_Match(scan, parts, m.group("pfx"), pub, last_end)) if parts else None
        if found is None:  # not a date after all: what it spanned may still hold one
            pos = m.start(kind)
            continue
        if found is _NOT_A_DATE:  # nor is any of it
            pos = m.end(kind)
            continue
        # A handler may keep less than the pattern took ("عام 1436 و 1436/10/5هـ" is not a range):
        # scanning goes on from where the mention ends.
        for one in found if isinstance(found, list) else [found]:
            pos = last_end = one["end"]
            one["start"] -= 1
            one["end"] -= 1
            one["text"] = text[one["start"] : one["end"]]
            mentions.append(_ordered(one))
    return mentions


def annotate_dates(article: Article) -> Article:
    """Set `article.published` (normalized; from the dateline or the text when the source had none)
    and `article.dates` (the mentions in `article.text`). Returns the same article.

    Deictic expressions are resolved against the source's own local date when the source gave one,
    not its UTC form: "أمس" in a paper dated 01:00 at +03:00 means the day before that local date."""
    source = article.published
    text = article.text
    article.published = publication_date(text, source, article.dateline)
    reference = source if _local_date(source) else article.published
    article.dates = find_dates(text, reference)
    return article


_FIELDS = ("start", "end", "text", "value", "precision", "calendar", "relative")


def _ordered(found: dict[str, Any]) -> dict[str, Any]:
    out = {k: found.get(k) for k in _FIELDS}
    out["relative"] = bool(out["relative"])
    for extra in ("modifier", "hijri"):
        if found.get(extra) is not None:
            out[extra] = found[extra]
    return out


class _Match:
    """One kind's match with what its handler needs: named parts, the text around it, the publication
    date, and how far left the mention may reach (not into the previous one)."""

    __slots__ = ("floor", "groups", "m", "pfx", "pub", "text")

    def __init__(self, text: str, m: re.Match[str], pfx: str, pub: dt.date | None, floor: int) -> None:
        self.text, self.m, self.pfx, self.pub, self.floor = text, m, pfx, pub, floor
        self.groups = m.groupdict()

    def group(self, name: str) -> str | None:
        """A named part, or None when it did not take part or this kind has no such part."""
        return self.groups.get(name)

    def has(self, name: str) -> bool:
        return self.group(name) is not None

    def key(self, name: str) -> str | None:
        value = self.group(name)
        return None if value is None else _key(value)

    def left(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """The longest stretch of the three words before the head that `pattern` (anchored at its end) takes
        whole, or None; it starts at group x. A head with a clitic of its own ("وفبراير") has nothing
        before it that belongs to it, and nothing is taken from the previous mention."""
        head = self.m.start()
        text = self.text
        if self.pfx or not (text[head - 1 : head].isspace() or text[head - 1 : head] == "("):
            return None
        low = max(self.floor, head - 40)
        best = None
        cut = head - 1
        for _ in range(3):
            space = max(text.rfind(" ", low, cut), text.rfind("\n", low, cut))
            found = pattern.match(text, space + 1 if space >= 0 else low, head)
            if found is not None and found.start("x") < head:
                best = found
            if space < 0:
                break
            cut = space
        return best

    def previous_word(self) -> str:
        """The word before the head in matching form; a clitic on the head itself (بـ "in", لـ "for")
        counts as that word."""
        if self.pfx:
            return match_form(self.pfx)
        head = self.m.start()
        # String methods rather than a regex ending in $: this runs for many candidates.
        before = self.text[max(0, head - 30) : head].rstrip().rstrip(_PUNCTUATION).rstrip()
        words = before.rsplit(None, 1)
        word = match_form(words[-1].lstrip(_PUNCTUATION)) if words else ""
        return word[1:] if word[:1] in "وف" and word[1:] in _TIME_CONTEXT else word

    def next_word(self) -> str:
        found = _NEXT_WORD.match(self.text, self.m.end())
        return match_form(found.group(1)) if found else ""

    def mention(
        self,
        value: str | None,
        precision: str,
        calendar: str = "gregorian",
        relative: bool = False,
        start: int | None = None,
        end: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        start = self.m.start() if start is None else start
        end = self.m.end() if end is None else end
        return {
            "start": start,
            "end": end,
            "value": value,
            "precision": precision,
            "calendar": calendar,
            "relative": relative,
            **extra,
        }


def _direction(match: _Match) -> int | None:
    key = match.key("rm")
    return None if key is None else _MODIFIERS[key]


def _part(found: re.Match[str] | None) -> str | None:
    if found is None or found.group("part") is None:
        return None
    return _PARTS[_key(found.group("part"))]


def _month(match: _Match) -> tuple[str, int, int] | None:
    """(calendar, month number, end of the month phrase to keep): a pair like "شباط/ فبراير" must name one
    month; when it does not, only the first name is kept, and what follows it is dropped."""
    m1 = match.key("m1")
    if m1 in _GREGORIAN:
        calendar, number = "gregorian", _GREGORIAN[m1]
    elif m1 in _HIJRI:
        calendar, number = "hijri", _HIJRI[m1]
    else:
        return None
    second = match.key("m2") or match.key("m3")
    if second is None or (calendar == "gregorian" and _GREGORIAN.get(second) == number):
        return calendar, number, match.m.end("mp")
    return calendar, number, match.m.end("m1")


def _year(match: _Match, calendar: str | None = None) -> tuple[str, int] | None:
    """(calendar, year) of the year part: the marker (هـ / م) decides, else the number's range (Saudi
    papers write Hijri years, 1343..1500, without a marker)."""
    if not match.has("y"):
        return None
    year = int(match.group("y") or 0)
    mark = match.group("ym") or match.group("ym2")  # "1436/1437هـ": the last year's marker is both's
    marked = _mark_calendar(mark) or _adjective_calendar(match.key("yadj"))
    if marked is None:
        marked = calendar or ("hijri" if year in cal.HIJRI_YEARS else "gregorian")
    if marked == "hijri" and year not in range(1300, 1600):
        return None
    if marked == "gregorian" and year not in range(1000, 2200):
        return None
    return marked, year


def _mark_calendar(mark: str | None) -> str | None:
    if not mark:
        return None
    return "hijri" if match_form(mark).strip().startswith(("ه", "للهجر")) else "gregorian"


def _adjective_calendar(adjective: str | None) -> str | None:
    if adjective is None:
        return None
    if adjective.startswith("الهجري"):
        return "hijri"
    return "gregorian" if adjective.startswith("الميلادي") else None


def _day_number(match: _Match) -> int | None:
    day = int(match.group("d") or 0) if match.has("d") else _ORDINALS.get(match.key("od") or "")
    return day if day is not None and 1 <= day <= 31 else None


# --- Handlers: one per kind of mention; each returns a mention or None (not a date after all) ------------

# What a handler returns when the whole match is known not to be a date, so that no part of it is
# read again as one ("مدينة العاشر من رمضان" holds no month).
_NOT_A_DATE: dict[str, Any] = {}
# A handler's answer: a mention, two (a pair of years), None, or _NOT_A_DATE.
_Found = dict[str, Any] | list[dict[str, Any]] | None


def _day_month(match: _Match) -> dict[str, Any] | None:
    month = _month(match)
    day = _day_number(match)
    if month is None or day is None:
        return None
    if match.has("od") and match.previous_word() == "مدينه":
        return _NOT_A_DATE  # مدينة العاشر من رمضان is a city
    if match.has("od") and match.previous_word() in _NOT_A_DAY_BEFORE_ORDINAL:
        return None  # "الأسبوع الأول من مارس" is a week: مارس is still a month
    calendar, number, end = month
    year, direction, end = _after_month(match, calendar, end)
    before = match.left(_LEFT_OF_DAY)  # "الثلاثاء 18 فبراير", "يوم 18 فبراير", "الأحد (23 فبراير)"
    start = before.start("x") if before else match.m.start()
    end = _closing_bracket(match, before, end)
    weekday = _WEEKDAYS[_key(before.group("wd"))] if before and before.group("wd") else None
    if calendar == "hijri":
        return _hijri_day(match, number, day, year, direction, start, end)
    return _gregorian_day(match, number, day, year, direction, start, end, weekday)


def _closing_bracket(match: _Match, before: re.Match[str] | None, end: int) -> int:
    """The end of a mention that took in "الأحد (" before its date: after the bracket that closes it."""
    if before is None or before.group("paren") is None:
        return end
    after = match.text[end : end + 3]
    stripped = after.lstrip()
    return end + len(after) - len(stripped) + 1 if stripped.startswith(")") else end


def _after_month(match: _Match, calendar: str, end: int) -> tuple[int | None, int | None, int]:
    """(year, direction, end) of what follows a month name: a year of the month's own calendar and
    الماضي/المقبل, or a year said relative to publication ("من العام الماضي": direction 0 then, which
    marks the mention relative). A year of the other calendar ("رمضان 2015") is left out of the mention."""
    if end != match.m.end("mp"):
        return None, None, end
    if match.has("yrm"):
        step = _MODIFIERS[match.key("yrm") or ""]
        base = None
        if match.pub is not None:
            base = match.pub.year if calendar == "gregorian" else (cal.gregorian_to_hijri(match.pub) or [None])[0]
        return (None if base is None else base + step), 0, match.m.end()
    year = _year(match, calendar) if match.has("y") else None
    if match.has("y") and (year is None or year[0] != calendar):
        return None, None, end
    return (year[1] if year else None), _direction(match), match.m.end()


def _gregorian_day(
    match: _Match,
    month: int,
    day: int,
    year: int | None,
    direction: int | None,
    start: int,
    end: int,
    weekday: int | None = None,
) -> dict[str, Any] | None:
    if year is not None:
        try:
            return match.mention(dt.date(year, month, day).isoformat(), "day", start=start, end=end)
        except ValueError:
            return None
    if day > cal.MONTH_DAYS[month]:
        return None
    relative = direction is not None
    if match.pub is None:
        return match.mention(f"--{month:02d}-{day:02d}", "day", relative=relative, start=start, end=end)
    date = cal.infer_year(month, day, match.pub, direction, weekday)
    value = date.isoformat() if date else None
    return match.mention(value, "day", relative=relative, start=start, end=end)


def _hijri_day(
    match: _Match, month: int, day: int, year: int | None, direction: int | None, start: int, end: int
) -> dict[str, Any] | None:
    if day > 30:
        return None
    relative = direction is not None
    if year is None and match.pub is not None:
        year = cal.infer_hijri_year(month, day, match.pub, direction)
    if year is None:
        hijri = f"--{month:02d}-{day:02d}"
        return match.mention(None, "day", "hijri", relative, start=start, end=end, hijri=hijri)
    date = cal.hijri_to_gregorian(year, month, day)
    value = date.isoformat() if date else None
    hijri = f"{year:04d}-{month:02d}-{day:02d}"
    return match.mention(value, "day", "hijri", relative, start=start, end=end, hijri=hijri)


def _day_of_this_month(match: _Match) -> dict[str, Any] | None:
    day = _day_number(match)
    if day is None:
        return None
    before = match.left(_LEFT_OF_DAY)
    start = before.start("x") if before else match.m.start()
    end = _closing_bracket(match, before, match.m.end())
    if match.pub is None:
        return match.mention(None, "day", relative=True, start=start, end=end)
    direction = 0 if match.has("this") else _direction(match) or 0
    year, month = cal.add_months(match.pub.year, match.pub.month, direction)
    try:
        return match.mention(dt.date(year, month, day).isoformat(), "day", relative=True, start=start, end=end)
    except ValueError:
        return None


def _numeric(match: _Match) -> dict[str, Any] | None:
    g = match.group
    if g("s1") != g("s2"):
        return None
    n1, n2, n3 = g("n1") or "", g("n2") or "", g("n3") or ""
    if len(n1) == 4 and len(n3) <= 2:
        year, month, day = int(n1), int(n2), int(n3)
    elif len(n3) == 4 and len(n1) <= 2:
        day, month, year = int(n1), int(n2), int(n3)
        if month > 12 >= day:  # month first, as in American usage
            day, month = month, day
    else:
        return None
    before = match.left(_LEFT_OF_DAY)
    start = before.start("x") if before else match.m.start()
    end = _closing_bracket(match, before, match.m.end())
    calendar = _mark_calendar(g("ym")) or ("hijri" if year in cal.HIJRI_YEARS else "gregorian")
    if calendar == "hijri":
        if not (1 <= month <= 12 and 1 <= day <= 30):
            return None
        date = cal.hijri_to_gregorian(year, month, day)
        value, hijri = date.isoformat() if date else None, f"{year:04d}-{month:02d}-{day:02d}"
        return match.mention(value, "day", "hijri", start=start, end=end, hijri=hijri)
    if not 1800 <= year <= 2200:
        return None
    try:
        return match.mention(dt.date(year, month, day).isoformat(), "day", start=start, end=end)
    except ValueError:
        return None


def _year_value(calendar: str, year: int, last: int | None = None) -> tuple[str | None, str | None]:
    """(value, hijri) for a year or a range of years."""
    if calendar == "gregorian":
        return (str(year) if last is None else f"{year}/{last}"), None
    first_span, last_span = cal.hijri_year_span(year), cal.hijri_year_span(last or year)
    hijri = str(year) if last is None else f"{year}/{last}"
    if first_span is None or last_span is None:
        return None, hijri
    return cal.interval(first_span[0], last_span[1]), hijri


def _range_end(match: _Match, year: int) -> int | None:
    """The second year of a range ("2014-2016", "1436/37هـ", "عامي 2014 و2015"), when it is one."""
    text = match.group("y2")
    if text is None or len(text) == 3:
        return None
    last = int(text) if len(text) == 4 else year // 100 * 100 + int(text)
    return last if 0 < last - year <= 100 else None


def _year_mention(
    match: _Match, start: int | None = None, modifier: str | None = None, calendar: str | None = None
) -> _Found:
    found = _year(match, calendar)
    if found is None:
        return None
    calendar, year = found
    last = _range_end(match, year)
    first_end = match.m.end("ym") if match.has("ym") else match.m.end("y")
    if last is None and match.has("y2"):  # not a range after all: keep the first year alone
        end = first_end
    elif last is not None and match.key("rsep") == "و" and match.previous_word() != "بين":
        # "عامي 2014 و2016", "في 2010 و2014": two years, not the years between ("بين 2010 و2015")
        first_value, first_hijri = _year_value(calendar, year)
        second_value, second_hijri = _year_value(calendar, last)
        first = match.mention(first_value, "year", calendar, start=start, end=first_end, hijri=first_hijri)
        second = match.mention(second_value, "year", calendar, start=match.m.start("y2"), hijri=second_hijri)
        return [first, second]
    else:
        end = match.m.end()
    value, hijri = _year_value(calendar, year, last)
    return match.mention(value, "year", calendar, start=start, end=end, modifier=modifier, hijri=hijri)


def _year_bare(match: _Match) -> _Found:
    """A year with its marker or a range: "1436هـ", "2015م", "1436/1437هـ", "2014-2016"; a part of the
    year before it (منتصف 2015م) is taken in."""
    marked = match.has("ym") or match.has("ym2")
    if not marked and (_range_end(match, int(match.group("y") or 0)) is None or len(match.group("y2") or "") != 4):
        return None  # a bare "2014-2016" must be two full years in order
    before = match.left(_LEFT_OF_YEAR)
    part = _PARTS.get(_key(before.group("prep"))) if before else None
    return _year_mention(match, before.start("x") if part else None, part)


def _year_after(match: _Match) -> _Found:
    """A bare four-digit year counts after في, منذ, حتى, خلال ... and when nothing but punctuation or a
    small word follows it: "في 2000 موقع" counts things."""
    before = match.left(_LEFT_OF_YEAR)
    if before is None:
        return None
    marked = match.has("ym") or match.has("ym2")
    if not marked and not _YEAR_FOLLOW.match(match.text, match.m.end()):
        return None
    if not marked and not 1900 <= int(match.group("y") or 0) <= 2100:
        return None
    part = _PARTS.get(_key(before.group("prep")))
    return _year_mention(match, before.start("x") if part else None, part, None if marked else "gregorian")


def _year_phrase(match: _Match) -> _Found:
    """A year after a year word: "عام 2022", "العام الدراسي 1436/1437هـ", "بين عامي 2014 و2015",
    "منتصف عام 1346هـ"."""
    before = match.left(_LEFT_OF_PERIOD)
    start = before.start("x") if before else None
    return _year_mention(match, start, _part(before))


def _month_mention(match: _Match) -> dict[str, Any] | None:
    month = _month(match)
    if month is None:
        return None
    calendar, number, end = month
    year, direction, end = _after_month(match, calendar, end)
    before = match.left(_LEFT_OF_PERIOD)
    modifier = _part(before)
    start = before.start("x") if modifier else match.m.start()
    said_enough = year is not None or direction is not None or modifier or match.has("shahr")
    if not said_enough and not _month_in_context(match):
        return None
    if modifier and _key(before.group("part")) == "اول":  # "أول يناير" is the first of January
        if calendar == "hijri":
            return _hijri_day(match, number, 1, year, direction, start, end)
        return _gregorian_day(match, number, 1, year, direction, start, end)
    if calendar == "hijri":
        return _hijri_month(match, number, year, direction, start, end, modifier)
    if year is not None:
        value: str | None = cal.iso_month(year, number)
    elif match.pub is not None:
        value = cal.iso_month(cal.infer_month_year(number, match.pub, direction), number)
    else:
        value = f"--{number:02d}"
    relative = direction is not None
    return match.mention(value, "month", relative=relative, start=start, end=end, modifier=modifier)


def _month_in_context(match: _Match) -> bool:
    """A bare month name counts, except the names that are also common words or names: those need a
    time preposition or clitic before them (في مارس), and صفر, رجب, ماي, آب need more (a day, a year,
    شهر, الماضي...) or the other month name beside them ("آب (أغسطس)")."""
    key = match.key("m1") or ""
    if match.has("m2") or match.has("m3"):
        return True
    if key in _STRONGLY_AMBIGUOUS:
        return False
    if key in _AMBIGUOUS:
        previous = match.previous_word()
        return previous in _TIME_CONTEXT or previous in ("ب", "ل")
    return True


def _hijri_month(
    match: _Match, month: int, year: int | None, direction: int | None, start: int, end: int, modifier: str | None
) -> dict[str, Any] | None:
    relative = direction is not None
    if year is None and match.pub is not None:
        # الماضي: the last such month that has ended; المقبل: the next that has not begun
        day = {-1: 29, 1: 1}.get(direction or 0, 15)
        year = cal.infer_hijri_year(month, day, match.pub, direction)
    if year is None:
        hijri = f"--{month:02d}"
        return match.mention(None, "month", "hijri", relative, start, end, modifier=modifier, hijri=hijri)
    span = cal.hijri_month_span(year, month)
    value = cal.interval(*span) if span else None
    hijri = f"{year:04d}-{month:02d}"
    return match.mention(value, "month", "hijri", relative, start, end, modifier=modifier, hijri=hijri)


def _period(match: _Match) -> dict[str, Any] | None:
    """A period around publication: "الأسبوع الماضي", "هذا العام", "منتصف الشهر الجاري", "مطلع العام"
    (a bare العام is "general", not a year)."""
    before = match.left(_LEFT_OF_PERIOD)
    direction = _direction(match)
    if direction is None and before is None:
        return None  # "منذ مطلع العام", "نهاية الشهر" are this year's, this month's
    direction = direction or 0
    modifier = _part(before)
    start = before.start("x") if before else match.m.start()
    precision = {"الاسبوع": "week", "الشهر": "month"}.get(match.key("per") or "", "year")
    if match.pub is None:
        return match.mention(None, precision, relative=True, start=start, modifier=modifier)
    pub = match.pub
    if precision == "week":
        value = cal.iso_week(pub + dt.timedelta(days=7 * direction))
    elif precision == "month":
        value = cal.iso_month(*cal.add_months(pub.year, pub.month, direction))
    else:
        value = str(pub.year + direction)
    return match.mention(value, precision, relative=True, start=start, modifier=modifier)


def _day_word(match: _Match) -> dict[str, Any] | None:
    word = match.key("rw") or ""
    if word == "اليوم" and not match.has("wd") and _is_not_today(match):
        return None
    if word == "الغد" and not match.has("wd") and match.previous_word() not in _TOMORROW_BEFORE:
        return None  # جيل الغد, حزب الغد: the future
    if match.pub is None:
        return match.mention(None, "day", relative=True)
    date = match.pub + dt.timedelta(days=_DAY_WORDS[word])
    weekday = _WEEKDAYS[match.key("wd") or ""] if match.has("wd") else None
    if weekday is not None and date.weekday() != weekday:
        # The stated weekday is more reliable than a crawl date: take the nearest such day.
        shift = (weekday - date.weekday()) % 7
        date += dt.timedelta(days=shift if shift <= 3 else shift - 7)
    return match.mention(date.isoformat(), "day", relative=True)


def _is_not_today(match: _Match) -> bool:
    """اليوم is not "today" in اليوم الثالث, اليوم العالمي..., ذلك اليوم, nor as the newspaper «اليوم»."""
    if match.next_word().startswith("ال") or match.previous_word() in _NOT_TODAY_BEFORE:
        return True
    head, end = match.m.start() - len(match.pfx), match.m.end()
    before = match.text[max(0, head - 3) : head].rstrip()[-1:]
    after = match.text[end : end + 3].lstrip()[:1]
    return bool(before) and bool(after) and before in '«"“(' and after in '»"”)'


def _ago(match: _Match) -> dict[str, Any] | None:
    """A time ago or ahead: "منذ ثلاثة أيام", "قبل عامين", "منذ أسبوع", "بعد يومين" (but not "بعد
    يومين من الحادث", which counts from the event)."""
    ago = match.key("ago")
    if ago != "منذ" and _AFTER_EVENT.match(match.text, match.m.end()):
        return None
    if match.previous_word() in _UNITS:
        return _NOT_A_DATE  # "يوما بعد يوم", "عاما بعد عام": day after day
    unit_key = match.key("unit") or ""
    unit, dual = _UNITS[unit_key]
    if match.has("num"):
        num = match.group("num") or ""
        count = int(num) if num.isdigit() else _NUMBERS.get(_key(num), 0)
    elif dual == 2 or unit_key in ("يوم", "اسبوع", "شهر", "عام", "سنه"):
        count = dual  # "منذ يومين" is 2, "منذ أسبوع" 1
    else:
        return None  # "منذ أيام": some days, no value to give
    if count <= 0:
        return None
    if match.pub is None:
        return match.mention(None, unit, relative=True)
    step = count if ago == "بعد" else -count
    pub = match.pub
    if unit == "day":
        value = (pub + dt.timedelta(days=step)).isoformat()
    elif unit == "week":
        value = cal.iso_week(pub + dt.timedelta(days=7 * step))
    elif unit == "month":
        value = cal.iso_month(*cal.add_months(pub.year, pub.month, step))
    else:
        value = str(pub.year + step)
    return match.mention(value, unit, relative=True)


def _weekday_mention(match: _Match) -> dict[str, Any] | None:
    weekday = _WEEKDAYS.get(match.key("wd") or "")
    if weekday is None or _date_follows(match):
        return None  # the date after it takes the weekday in: "الثلاثاء 18 فبراير"
    direction = _direction(match)
    if direction is None and not match.has("yawm") and not _weekday_in_context(match):
        return None
    if match.pub is None:
        return match.mention(None, "day", relative=True)
    window = match.text[max(0, match.m.start() - 80) : match.m.start()]
    future = direction is None and _FUTURE_CUE.search(window) is not None
    date = cal.weekday_near(weekday, match.pub, direction if direction in (-1, 1) else None, future)
    return match.mention(date.isoformat(), "day", relative=True)


def _date_follows(match: _Match) -> bool:
    after = _DATE_AFTER_WEEKDAY.match(match.text, match.m.end())
    if after is None:
        return False
    if after.end() == match.m.end():
        return False
    then = _SCANNER.match(match.text, after.end() - 1)
    return then is not None and then.lastgroup in _DAY_KINDS


def _weekday_in_context(match: _Match) -> bool:
    """Bare weekday names: الأحد عشر is "eleven", صلاة الجمعة a prayer, and الاثنين / الجمعة are also
    "the two" and "the Friday (prayer)": those two need a time word, brackets, or يوم before them."""
    previous = match.previous_word()
    if previous in _NOT_A_DAY_BEFORE or match.next_word() in ("عشر", "عشره"):
        return False
    if (match.key("wd") or "") in ("الاثنين", "الجمعه"):
        head = match.m.start() - len(match.pfx)
        bracket = "(" in match.text[max(0, head - 2) : head]
        return bracket or previous in _WEEKDAY_CONTEXT
    return True


_HANDLERS: dict[str, Callable[[_Match], _Found]] = {
    "day_month": _day_month,
    "day_of_this_month": _day_of_this_month,
    "numeric": _numeric,
    "year_bare": _year_bare,
    "year_after": _year_after,
    "ordinal_month": _day_month,
    "ordinal_of_this_month": _day_of_this_month,
    "year": _year_phrase,
    "month": _month_mention,
    "period": _period,
    "day_word": _day_word,
    "ago": _ago,
    "weekday": _weekday_mention,
}

# --- Publication time -------------------------------------------------------------------------------------

_DATE_ONLY = re.compile(r"\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})\s*$")
_LOCAL_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_PUBLISHED_CUE = re.compile(
    _alt(["نشر في", "نشر بتاريخ", "تاريخ النشر", "آخر تحديث", "تم النشر", "بتاريخ", "نشر", "حرر في"])
    + r"|published|updated",
    re.IGNORECASE,
)
_SHORT_LINE = 120  # a first line this short that holds a full date is a dateline, not a sentence


def publication_date(
    text: str, source_published: str | None, dateline: str | None = None, *, source_tz: str | None = None
) -> str | None:
    """When the article was published, as ISO 8601, or None when nothing says.

    In order: the source's own value (feed, HTML metadata, JSONL field), normalized by
    `normalize_timestamp`; a full date in the dateline; a full date the text gives about itself (in a
    short first line, like the wire's "الرياض 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس", or after
    "نشر في" / "آخر تحديث" near its start or end). A date without its year is never completed here."""
    if source_published:
        value = normalize_timestamp(source_published, source_tz)
        if value is not None:
            return value
    if dateline:
        value = _full_date(find_dates(dateline))
        if value is not None:
            return value
    return _date_in_text(text)


def normalize_timestamp(value: str, source_tz: str | None = None) -> str | None:
    """A source's timestamp as ISO 8601: in UTC ("…Z") when its zone is known, from the value itself or
    from `source_tz` (an IANA name such as "Asia/Riyadh"); as written without zone when unknown; a date
    alone stays a date. None when it is not a timestamp."""
    value = value.strip()
    date_only = _DATE_ONLY.match(value)
    if date_only:
        try:
            return dt.date(*(int(x) for x in date_only.groups())).isoformat()
        except ValueError:
            return None
    stamp = _parse_timestamp(value)
    if stamp is None:
        return None
    if stamp.tzinfo is None and source_tz:
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):  # an unknown zone stays unknown
            stamp = stamp.replace(tzinfo=ZoneInfo(source_tz))
    if stamp.tzinfo is None:
        return stamp.replace(microsecond=0).isoformat()
    return stamp.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _parse_timestamp(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        pass
    try:  # RFC 2822, as feeds write it: "Tue, 18 Feb 2025 10:00:00 +0300"
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _local_date(published: str | None) -> dt.date | None:
    """The calendar date of a publication value as written (its own zone)."""
    if not published:
        return None
    found = _LOCAL_DATE.match(published)
    if found is None:
        stamp = _parse_timestamp(published.strip())
        return stamp.date() if stamp else None
    try:
        return dt.date(*(int(x) for x in found.groups()))
    except ValueError:
        return None


def _full_date(mentions: list[dict[str, Any]]) -> str | None:
    """The first mention that is a whole day with its year written out."""
    for mention in mentions:
        value = mention["value"]
        full = value is not None and len(value) == 10 and value[:2] != "--"
        if full and mention["precision"] == "day" and not mention["relative"]:
            return value
    return None


def _date_in_text(text: str) -> str | None:
    """A full date in a short first line, or after a publication cue in one of the first or last three
    lines when that line is short too: a long line is a sentence, whose dates are events."""
    head = [line.strip() for line in text[: 3 * _SHORT_LINE].splitlines() if line.strip()][:3]
    tail = [line.strip() for line in text[-3 * _SHORT_LINE :].splitlines() if line.strip()][-3:]
    if head and len(head[0]) <= _SHORT_LINE and head[0] == text.lstrip()[: len(head[0])]:
        value = _full_date(find_dates(head[0]))
        if value is not None:
            return value
    for line in head + tail:
        cue = _PUBLISHED_CUE.search(line) if len(line) <= _SHORT_LINE else None
        if cue is not None:
            value = _full_date(find_dates(line[cue.end() : cue.end() + 60]))
            if value is not None:
                return value
    return None

"""Calendar knowledge for the dates annotator: month and day names, number words, Hijri conversion,
and the arithmetic that turns a partial or relative date into an ISO 8601 value.

Names are written here in their normal spelling; `rawi.annotate.dates` turns each into a pattern that
also accepts the press's variants (أ/إ/آ/ا, ة/ه, ى/ي, tatweel, diacritics). Hijri dates are converted with
`hijridate` (Umm al-Qura calendar, MIT licence, the maintained successor of hijri-converter).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from hijridate import Gregorian, Hijri

from rawi.text import match_form

# Gregorian month names of the three naming systems: Egyptian/Gulf (from the Latin names), Levantine
# and Iraqi (Syriac names), Maghrebi (from French) and Moroccan.
GREGORIAN_MONTHS: dict[str, int] = {
    "يناير": 1, "جانفي": 1, "كانون الثاني": 1, "كانون ثاني": 1, "كانون الآخر": 1,
    "فبراير": 2, "فيفري": 2, "شباط": 2, "فبرير": 2,
    "مارس": 3, "آذار": 3, "مارت": 3,
    "أبريل": 4, "أفريل": 4, "نيسان": 4, "ابريل": 4,
    "مايو": 5, "ماي": 5, "أيار": 5, "مايس": 5,
    "يونيو": 6, "يونيه": 6, "جوان": 6, "حزيران": 6,
    "يوليو": 7, "يوليه": 7, "يوليوز": 7, "جويلية": 7, "جويلة": 7, "تموز": 7,
    "أغسطس": 8, "أغسطوس": 8, "أوت": 8, "غشت": 8, "آب": 8,
    "سبتمبر": 9, "شتنبر": 9, "أيلول": 9,
    "أكتوبر": 10, "تشرين الأول": 10, "تشرين أول": 10,
    "نوفمبر": 11, "نونبر": 11, "تشرين الثاني": 11, "تشرين ثاني": 11, "تشرين الآخر": 11,
    "ديسمبر": 12, "دجنبر": 12, "كانون الأول": 12, "كانون أول": 12,
}  # fmt: skip

HIJRI_MONTHS: dict[str, int] = {
    "محرم": 1, "المحرم": 1,
    "صفر": 2,
    "ربيع الأول": 3, "ربيع أول": 3,
    "ربيع الثاني": 4, "ربيع الآخر": 4, "ربيع ثاني": 4, "ربيع آخر": 4,
    "جمادى الأولى": 5, "جمادى الأول": 5,
    "جمادى الآخرة": 6, "جمادى الثانية": 6, "جمادى الآخر": 6, "جمادى الثاني": 6,
    "رجب": 7,
    "شعبان": 8,
    "رمضان": 9,
    "شوال": 10,
    "ذو القعدة": 11, "ذي القعدة": 11, "ذا القعدة": 11,
    "ذو الحجة": 12, "ذي الحجة": 12, "ذا الحجة": 12,
}  # fmt: skip

# Month names that are also ordinary words or names (مارس "he practised", آب = أب "father" once
# folded, نيسان the carmaker, ماي, صفر "zero", رجب and رمضان as personal names): they count as a
# month only with a day, a year, a modifier, "شهر", or a preposition that introduces a time. محرم is
# also "a woman's guardian" and "forbidden".
AMBIGUOUS_MONTHS = {
    match_form(w) for w in ("مارس", "آب", "نيسان", "ماي", "مايس", "صفر", "رجب", "رمضان", "شعبان", "محرم", "المحرم")
}

# Mondays first, like datetime.weekday().
WEEKDAYS: dict[str, int] = {
    "الاثنين": 0, "الإثنين": 0, "الأثنين": 0,
    "الثلاثاء": 1, "الثلثاء": 1,
    "الأربعاء": 2, "الاربعاء": 2,
    "الخميس": 3,
    "الجمعة": 4,
    "السبت": 5,
    "الأحد": 6,
}  # fmt: skip

# Ordinal day words (masculine, agreeing with يوم), 1..31, and غرة "the first day of (a month)".
_UNITS = ["الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
ORDINAL_DAYS: dict[str, int] = {w: i + 1 for i, w in enumerate(_UNITS)}
ORDINAL_DAYS.update({"العاشر": 10, "الحادي عشر": 11, "الحادية عشرة": 11, "العشرين": 20, "الثلاثين": 30})
ORDINAL_DAYS.update({f"{w} عشر": 12 + i for i, w in enumerate(_UNITS[1:])})
for _tens, _base in (("العشرين", 20), ("الثلاثين", 30)):
    ORDINAL_DAYS[f"الحادي و{_tens}"] = _base + 1
    ORDINAL_DAYS[f"الواحد و{_tens}"] = _base + 1
    if _base == 20:
        ORDINAL_DAYS.update({f"{w} و{_tens}": _base + 2 + i for i, w in enumerate(_UNITS[1:])})
ORDINAL_DAYS["غرة"] = 1

# Cardinal number words as they follow منذ/قبل/بعد (masculine and feminine forms).
NUMBER_WORDS: dict[str, int] = {
    "واحد": 1, "واحدة": 1, "اثنين": 2, "اثنان": 2,
    "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6,
    "سبع": 7, "سبعة": 7, "ثمان": 8, "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10,
}  # fmt: skip

# Units of منذ/قبل/بعد durations: singular, accusative, plural and dual forms. Dual means 2.
DURATION_UNITS: dict[str, tuple[str, int]] = {
    "يوم": ("day", 1), "يوما": ("day", 1), "أيام": ("day", 1), "يومين": ("day", 2), "يومان": ("day", 2),
    "أسبوع": ("week", 1), "أسبوعا": ("week", 1), "أسابيع": ("week", 1), "أسبوعين": ("week", 2),
    "شهر": ("month", 1), "شهرا": ("month", 1), "أشهر": ("month", 1), "شهور": ("month", 1),
    "شهرين": ("month", 2),
    "عام": ("year", 1), "عاما": ("year", 1), "أعوام": ("year", 1), "عامين": ("year", 2),
    "سنة": ("year", 1), "سنوات": ("year", 1), "سنين": ("year", 1), "سنتين": ("year", 2),
}  # fmt: skip

# Relative modifiers after a period, a weekday or a month: -1 past, 0 current, +1 next.
RELATIVE_MODIFIERS: dict[str, int] = {
    "الماضي": -1, "الماضية": -1, "المنصرم": -1, "المنصرمة": -1, "الفائت": -1, "الفائتة": -1,
    "السابق": -1, "السابقة": -1,
    "الجاري": 0, "الجارية": 0, "الحالي": 0, "الحالية": 0,
    "المقبل": 1, "المقبلة": 1, "القادم": 1, "القادمة": 1,
}  # fmt: skip

# Parts of a period: the beginning, the middle, the end of a month or a year.
PARTS: dict[str, str] = {
    "مطلع": "start", "بداية": "start", "أوائل": "start", "مستهل": "start", "أول": "start",
    "منتصف": "mid", "أواسط": "mid", "وسط": "mid",
    "أواخر": "end", "نهاية": "end", "آخر": "end", "ختام": "end",
}  # fmt: skip

# Deictic day words, as days from the publication date.
DAY_WORDS: dict[str, int] = {
    "أمس": -1, "الأمس": -1, "يوم أمس": -1, "يوم الأمس": -1, "البارحة": -1, "الليلة الماضية": -1,
    "أمس الأول": -2, "أول أمس": -2, "أول من أمس": -2,
    "اليوم": 0,
    "غدا": 1, "يوم غد": 1, "يوم الغد": 1, "الغد": 1, "بعد غد": 2,
}  # fmt: skip

HIJRI_YEARS = range(1343, 1501)  # what hijridate's Umm al-Qura table covers


# --- ISO values ---------------------------------------------------------------------------------------


def iso_month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def iso_week(d: dt.date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}"


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


# --- Hijri --------------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def hijri_to_gregorian(year: int, month: int, day: int) -> dt.date | None:
    """The Gregorian date of a Hijri date, or None outside the library's range or for a bad date.

    Day 30 of a month that Umm al-Qura counts as 29 days is read as the day after the 29th: the
    month's length depends on the moon sighting, and a writer in another country may count 30."""
    if year not in HIJRI_YEARS or not 1 <= month <= 12 or not 1 <= day <= 30:
        return None
    try:
        return Hijri(year, month, day).to_gregorian()
    except ValueError:
        if day != 30:
            return None
        return Hijri(year, month, 29).to_gregorian() + dt.timedelta(days=1)


def hijri_month_span(year: int, month: int) -> tuple[dt.date, dt.date] | None:
    """First and last Gregorian day of a Hijri month."""
    first = hijri_to_gregorian(year, month, 1)
    if first is None:
        return None
    ny, nm = add_months(year, month, 1)
    following = hijri_to_gregorian(ny, nm, 1)
    if following is None:
        return first, first + dt.timedelta(days=Hijri(year, month, 1).month_length() - 1)
    return first, following - dt.timedelta(days=1)


def hijri_year_span(year: int) -> tuple[dt.date, dt.date] | None:
    first = hijri_month_span(year, 1)
    last = hijri_month_span(year, 12)
    return (first[0], last[1]) if first and last else None


@lru_cache(maxsize=1024)
def gregorian_to_hijri(d: dt.date) -> tuple[int, int, int] | None:
    try:
        return Gregorian(d.year, d.month, d.day).to_hijri().datetuple()
    except (OverflowError, ValueError):
        return None


def interval(first: dt.date, last: dt.date) -> str:
    """An ISO 8601 interval of whole days, both ends included."""
    return f"{first.isoformat()}/{last.isoformat()}"


# --- Year inference -----------------------------------------------------------------------------------


def infer_year(
    month: int, day: int, published: dt.date, direction: int | None = None, weekday: int | None = None
) -> dt.date | None:
    """The Gregorian date of a day and month written without a year, read against the publication date.

    News mostly reports what has happened, so the nearest candidate wins with distances into the
    future counting more (FUTURE_WEIGHT: "not far after publication"). `direction` (-1 الماضي, +1 المقبل) picks the
    previous or next occurrence; a stated weekday picks the year where it falls on that day."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:  # 29 February
            continue
    if weekday is not None:
        matching = [c for c in candidates if c.weekday() == weekday]
        candidates = matching or candidates
    if direction == -1:
        past = [c for c in candidates if c < published]
        return max(past) if past else None
    if direction == 1:
        future = [c for c in candidates if c > published]
        return min(future) if future else None
    return min(candidates, key=lambda c: _distance(c, published), default=None)


def infer_month_year(month: int, published: dt.date, direction: int | None = None) -> int:
    """The year of a month named without a year: like `infer_year`, measured from mid-month; the
    current month (direction 0: الجاري) is this year's."""
    here = published.year * 12 + published.month - 1
    years = [published.year - 1, published.year, published.year + 1]
    if direction == -1:
        return max(y for y in years if y * 12 + month - 1 < here)
    if direction == 1:
        return min(y for y in years if y * 12 + month - 1 > here)
    if direction == 0:
        return published.year
    return min(years, key=lambda y: _distance(dt.date(y, month, 15), published))


def infer_hijri_year(month: int, day: int, published: dt.date, direction: int | None = None) -> int | None:
    """The Hijri year of a Hijri day and month written without a year, like `infer_year`."""
    today = gregorian_to_hijri(published)
    if today is None:
        return None
    best: tuple[float, int] | None = None
    for year in (today[0] - 1, today[0], today[0] + 1):
        g = hijri_to_gregorian(year, month, day)
        if g is None or (direction == -1 and g >= published) or (direction == 1 and g <= published):
            continue
        cost = _distance(g, published)
        if best is None or cost < best[0]:
            best = (cost, year)
    return best[1] if best else None


# How much farther a date after publication counts than one before it: news mostly reports what has
# happened, but "في 2 يونيو" in a paper of 1 June is the next day. 1.5 makes a date up to about five
# months ahead win over the same date seven months back.
FUTURE_WEIGHT = 1.5


def _distance(d: dt.date, published: dt.date) -> float:
    days = (d - published).days
    return FUTURE_WEIGHT * days if days > 0 else -days


def weekday_near(target: int, published: dt.date, direction: int | None, future_cue: bool = False) -> dt.date:
    """The date of a weekday named relative to the publication date.

    الماضي: the latest such day strictly before publication; المقبل/القادم: the first strictly after;
    bare: the publication day itself when it is that weekday, else the latest one before (news reports
    the past) unless the sentence speaks of the future."""
    delta = (target - published.weekday()) % 7
    if direction == 1 or (direction is None and future_cue and delta):
        return published + dt.timedelta(days=delta or 7)
    back = (published.weekday() - target) % 7
    if direction == -1:
        return published - dt.timedelta(days=back or 7)
    return published - dt.timedelta(days=back)


# The most days a Gregorian month can have (February: 29, a leap year may be meant when none is said).
MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}

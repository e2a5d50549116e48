"""The dates annotator: a table of real-looking expressions in context with values worked out by hand,
the seed pages, things that are not dates, publication time, and invariants on SaudiNewsNet.

Hand values: Gregorian arithmetic by calendar; Hijri correspondences as the papers themselves state them
("... 1436هـ الموافق 11 أغسطس 2015م" in SaudiNewsNet, Saudi announcements of Ramadan and Eid), each
also checked against hijridate's own conversion below.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import date

import pytest
from hijridate import Hijri

from rawi.annotate.dates import annotate_dates, find_dates, normalize_timestamp, publication_date
from rawi.model import Article

# (sentence, publication date, the mention's text, its value). Publication dates: 2025-02-18 is a
# Tuesday, 2015-08-02 a Sunday.
GREGORIAN = [
    ("وأعلن رئيس الوزراء، يوم 18 شباط/ فبراير، أن الاتحاد", "2025-06-01", "يوم 18 شباط/ فبراير", "2025-02-18"),
    ("خطط استئناف المحادثات في إسطنبول في 2 يونيو،", "2025-05-30", "2 يونيو", "2025-06-02"),
    ("وقعت الحادثة في 5 كانون الثاني 2024 قرب الحدود", None, "5 كانون الثاني 2024", "2024-01-05"),
    ("افتتح المعرض في ١٥ مارس ٢٠٢٣ بحضور الوزير", None, "١٥ مارس ٢٠٢٣", "2023-03-15"),
    ("وصل الوفد إلى الجزائر في 3 جانفي 2020 في زيارة رسمية", None, "3 جانفي 2020", "2020-01-03"),
    ("جرت الانتخابات التشريعية في 12 جوان 2019", None, "12 جوان 2019", "2019-06-12"),
    ("احتفلت البلاد يوم 14 جويلية 2021 بالعيد الوطني", None, "يوم 14 جويلية 2021", "2021-07-14"),
    ("وفي 20 أوت 2022 أعلنت الوزارة", None, "20 أوت 2022", "2022-08-20"),
    ("بعد هجمات الحادي عشر من سبتمبر 2001 تغير العالم", None, "الحادي عشر من سبتمبر 2001", "2001-09-11"),
    ("في الأول من أيار (مايو) 2020 خرج العمال", None, "الأول من أيار (مايو) 2020", "2020-05-01"),
    ("وبتاريخ 18/2/2025 وقع الطرفان الاتفاق", None, "18/2/2025", "2025-02-18"),
    ("نشر القرار الصادر 2025-02-18 عن المجلس", None, "2025-02-18", "2025-02-18"),
    ("اعتبارا من 2 تشرين الأول/ أكتوبر 2023 تطبق", None, "2 تشرين الأول/ أكتوبر 2023", "2023-10-02"),
    ("توفي في 25 كانون الأول 2022 عن عمر", None, "25 كانون الأول 2022", "2022-12-25"),
    ("الأربعاء، 07 أكتوبر 2020 - 09:15", None, "الأربعاء، 07 أكتوبر 2020", "2020-10-07"),
    ("صدر الحكم في 7 أبريل، 2021 بعد جلسات", None, "7 أبريل، 2021", "2021-04-07"),
    ("سجلت الوفيات في 3 إبريل ارتفاعا", "2020-04-24", "3 إبريل", "2020-04-03"),
    ("ولد في 29 شباط 2024 في دمشق", None, "29 شباط 2024", "2024-02-29"),
    ("وقع الاتفاق في الرباط يوم 3 غشت 2022", None, "يوم 3 غشت 2022", "2022-08-03"),
    ("أعلنت النتائج في 10 دجنبر 2021 بالرباط", None, "10 دجنبر 2021", "2021-12-10"),
    ("تنطلق البطولة في 20 يناير المقبل", "2025-02-18", "20 يناير المقبل", "2026-01-20"),
    ("كانت قد زارت المدينة في 15 نيسان الماضي", "2020-04-24", "15 نيسان الماضي", "2020-04-15"),
    ("يعقد المؤتمر في 18 من الشهر الجاري", "2025-02-10", "18 من الشهر الجاري", "2025-02-18"),
    ("بدأت الحملة في الخامس من الشهر الماضي", "2025-02-18", "الخامس من الشهر الماضي", "2025-01-05"),
    ("وأعلن يوم 18 شباط أنه", None, "يوم 18 شباط", "--02-18"),
    ("ستنتهي المهلة في 5 كانون الثاني", "2024-12-20", "5 كانون الثاني", "2025-01-05"),
    ("يصادف الخميس 20 فبراير ذكرى", "2025-02-18", "الخميس 20 فبراير", "2025-02-20"),
    ("أقيم الحفل في أول يناير بحضور", "2025-02-18", "أول يناير", "2025-01-01"),
]

MONTHS = [
    ("صدر التقرير في تشرين الثاني/نوفمبر 2018 عن", None, "تشرين الثاني/نوفمبر 2018", "2018-11"),
    ("تراجع التضخم في ديسمبر 2019 إلى", None, "ديسمبر 2019", "2019-12"),
    ("ارتفعت الأسعار في فبراير الماضي بنسبة", "2025-06-01", "فبراير الماضي", "2025-02"),
    ("ستعقد الجمعية العامة في سبتمبر المقبل", "2015-08-09", "سبتمبر المقبل", "2015-09"),
    ("يبدأ التطبيق مطلع يناير المقبل", "2015-08-01", "مطلع يناير المقبل", "2016-01"),
    ("تراجع الإنتاج في أواخر شهر تموز 2014", None, "أواخر شهر تموز 2014", "2014-07"),
    ("يصل الوفد منتصف آب (أغسطس) المقبل", "2015-07-22", "منتصف آب (أغسطس) المقبل", "2015-08"),
    ("هبطت الصادرات في أيار (مايو) الماضي", "2015-08-01", "أيار (مايو) الماضي", "2015-05"),
    ("سجلت المبيعات في يوليو ارتفاعا", "2015-08-09", "يوليو", "2015-07"),
    ("اندلعت الحرب في مارس", None, "مارس", "--03"),
]

YEARS = [
    ("ولكن منذ عام 2022، أصبح هذا المصطلح مهملا", None, "عام 2022", "2022"),
    ("سجل خلال العام 2019 نموا", None, "العام 2019", "2019"),
    ("وتأسست الشركة في 2015م برأس مال", None, "2015م", "2015"),
    ("تضاعف العدد بين عامي 2014 و2016 مرتين", None, "عامي 2014 و2016", "2014/2016"),
    ("تضاعف العدد في عامي 2014 و2016 مرتين", None, "عامي 2014", "2014"),
    ("تضاعف العدد في عامي 2014 و2016 مرتين", None, "2016", "2016"),
    ("تراجعت الأسعار من 2010 وحتى 2013، ثم", None, "2010 وحتى 2013", "2010/2013"),
    ("فاز باللقب في موسم 2015/2016 للمرة الأولى", None, "موسم 2015/2016", "2015/2016"),
    ("خلال الفترة 2010-2015، تراجع الاستثمار", None, "2010-2015", "2010/2015"),
    ("لم يعد إلى بلاده منذ 2003، وفق", None, "2003", "2003"),
    ("يكتمل المشروع في منتصف عام 2023 وفق الخطة", None, "منتصف عام 2023", "2023"),
    ("ونشر عام ٢٠١٧ كتابه الأول", None, "عام ٢٠١٧", "2017"),
]

RELATIVE = [  # all published 2025-02-18, a Tuesday
    ("وقال الوزير أمس إن المفاوضات مستمرة", "أمس", "2025-02-17"),
    ("وأكد بالأمس أن الحكومة", "الأمس", "2025-02-17"),
    ("التقى الرئيس أول من أمس وفدا", "أول من أمس", "2025-02-16"),
    ("وصل الوفد أمس الأول إلى الرياض", "أمس الأول", "2025-02-16"),
    ("أعلنت الوزارة اليوم (الثلاثاء) أن", "اليوم (الثلاثاء)", "2025-02-18"),
    ("تفتتح القمة غداً الأربعاء في القاهرة", "غداً الأربعاء", "2025-02-19"),
    ("تنطلق المباراة غدًا على ملعب", "غدًا", "2025-02-19"),
    ("يصل المبعوث بعد غد إلى دمشق", "بعد غد", "2025-02-20"),
    ("كانت الشرطة قد اعتقلته الثلاثاء الماضي في", "الثلاثاء الماضي", "2025-02-11"),
    ("يجتمع المجلس الخميس المقبل لبحث", "الخميس المقبل", "2025-02-20"),
    ("ستقام الصلاة الجمعة القادمة في", "الجمعة القادمة", "2025-02-21"),
    ("جرت الانتخابات يوم السبت الماضي وسط", "يوم السبت الماضي", "2025-02-15"),
    ("وكان الرئيس قد التقى يوم الاثنين وفدا", "يوم الاثنين", "2025-02-17"),
    ("ومن المقرر أن يعقد الاجتماع الخميس في جنيف", "الخميس", "2025-02-20"),
    ("ارتفع النفط الأسبوع الماضي بنسبة", "الأسبوع الماضي", "2025-W07"),
    ("تبدأ المحادثات الأسبوع المقبل في", "الأسبوع المقبل", "2025-W09"),
    ("بلغ التضخم الشهر الماضي ذروته", "الشهر الماضي", "2025-01"),
    ("تصدر النتائج منتصف الشهر الجاري", "منتصف الشهر الجاري", "2025-02"),
    ("تنتهي المهلة نهاية الشهر المقبل", "نهاية الشهر المقبل", "2025-03"),
    ("تراجعت الأرباح في العام الماضي إلى", "العام الماضي", "2024"),
    ("تتوقع الشركة نموا في السنة المقبلة", "السنة المقبلة", "2026"),
    ("وهو أعلى مستوى هذا العام حتى الآن", "هذا العام", "2025"),
    ("وصل اللاجئون منذ يومين إلى الحدود", "منذ يومين", "2025-02-16"),
    ("اختفى الصحفي منذ ثلاثة أيام في", "منذ ثلاثة أيام", "2025-02-15"),
    ("أصيب اللاعب منذ 5 أيام في التدريب", "منذ 5 أيام", "2025-02-13"),
    ("وقع الزلزال منذ أسبوع في", "منذ أسبوع", "2025-W07"),
    ("انتخب رئيسا قبل عامين بأغلبية", "قبل عامين", "2023"),
    ("يعيش في المنفى منذ ثلاث سنوات بعد", "منذ ثلاث سنوات", "2022"),
    ("توقفت المفاوضات منذ شهرين بسبب", "منذ شهرين", "2024-12"),
    ("تعلن النتائج بعد يومين في مؤتمر", "بعد يومين", "2025-02-20"),
]

# Hijri: (sentence, publication date, text, value, (y, m, d) for the library check or None).
HIJRI = [
    ("الرياض 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس", None, "26 شوال 1436 هـ", "2015-08-11", (1436, 10, 26)),
    ("أعلنت الداخلية في 28 شعبان 1430هـ القبض على", None, "28 شعبان 1430هـ", "2009-08-19", (1430, 8, 28)),
    ("تأسس بتاريخ 3 جمادى الأولى 1431هـ، بهدف", None, "3 جمادى الأولى 1431هـ", "2010-04-17", (1431, 5, 3)),
    ("حتى تاريخ 10 ذي القعدة 1436ه الساعة 12 ليلا", None, "10 ذي القعدة 1436ه", "2015-08-25", (1436, 11, 10)),
    ("وضع حجر الأساس يوم الأحد 28 رجب 1436 في الرياض", None, "يوم الأحد 28 رجب 1436", "2015-05-17", (1436, 7, 28)),
    ("ينعقد خلال الفترة من 7 محرم 1437ه في جدة", None, "7 محرم 1437ه", "2015-10-20", (1437, 1, 7)),
    ("وفي 11 ربيع الآخر 1430هـ أعلن مصدر", None, "11 ربيع الآخر 1430هـ", "2009-04-07", (1430, 4, 11)),
    ("في 25 ذي الحجة من عام 1425هـ انعقد المؤتمر", None, "25 ذي الحجة من عام 1425هـ", "2005-02-05", (1425, 12, 25)),
    ("الصادر بتاريخ 18 شعبان 1416هـ ونص على", None, "18 شعبان 1416هـ", "1996-01-09", (1416, 8, 18)),
    ("وفاته ضحى الإثنين 2 ربيع الأول 1373 وصلى عليه", None, "الإثنين 2 ربيع الأول 1373", "1953-11-09", (1373, 3, 2)),
    ("يستمر حتى يوم الخميس 10 شعبان ١٤٣٦ هـ حيث", None, "يوم الخميس 10 شعبان ١٤٣٦ هـ", "2015-05-28", (1436, 8, 10)),
    ("صدر القرار في 1436/10/5هـ بشأن", None, "1436/10/5هـ", "2015-07-21", (1436, 10, 5)),
    ("صباح يوم الأحد تاريخ 17/10/1436ه ، الموافق", None, "17/10/1436ه", "2015-08-02", (1436, 10, 17)),
    (
        "ستبدأ يوم الخميس الموافق 27 / 10 / 1436 هـ، وجاء",
        None,
        "يوم الخميس الموافق 27 / 10 / 1436 هـ",
        "2015-08-12",
        (1436, 10, 27),
    ),
    ("يوافق العاشر من رمضان ذكرى العبور", "2025-02-18", "العاشر من رمضان", "2025-03-10", (1446, 9, 10)),
    (
        "في الحادي والعشرين من شهر ذي الحجة 1436هـ عاد",
        None,
        "الحادي والعشرين من شهر ذي الحجة 1436هـ",
        "2015-10-04",
        (1436, 12, 21),
    ),
    ("يبدأ الصيام في غرة شهر رمضان 1436هـ", None, "غرة شهر رمضان 1436هـ", "2015-06-18", (1436, 9, 1)),
    (
        "تبدأ أعمال اللجنة يوم الأحد 8 ذو القعدة المقبل",
        "2015-07-22",
        "يوم الأحد 8 ذو القعدة المقبل",
        "2015-08-23",
        (1436, 11, 8),
    ),
    ("بدأت أعمالها منذ 15 شوال الجاري بفرز", "2015-08-06", "15 شوال الجاري", "2015-07-31", (1436, 10, 15)),
    ("تأسست الجمعية عام 1436هـ في بريدة", None, "عام 1436هـ", "2014-10-25/2015-10-13", None),
    ("خلال العام الدراسي 1436/1437هـ في تخصصات", None, "العام الدراسي 1436/1437هـ", "2014-10-25/2016-10-01", None),
    ("للعام الجامعي 1436 / 1437هـ في تخصصات", None, "عام الجامعي 1436 / 1437هـ", "2014-10-25/2016-10-01", None),
    ("انخفضت المبيعات في رمضان 1436 بنسبة", None, "رمضان 1436", "2015-06-18/2015-07-16", None),
    ("عرض المسلسل في رمضان الماضي على قناة", "2025-02-18", "رمضان الماضي", "2024-03-11/2024-04-09", None),
    ("تنطلق الانتخابات في مطلع ذي القعدة القادم", "2015-08-02", "مطلع ذي القعدة القادم", "2015-08-16/2015-09-13", None),
]

NOT_DATES = [
    "لافروف: 90% من تبادلات روسيا مع بريكس تتم بالروبل",
    "بقيمة 37.3 مليون دولار.. قوة الفضاء الأمريكية تطور البنية التحتية",
    "165 شوطاً في الجولة الثانية من مهرجان العين للهجن",
    "إيران تطالب ترامب بتعويضات عن خسائر حرب الـ 12 يوما قبل استئناف مفاوضات النووي",
    "قال رجب طيب أردوغان إن بلاده مارس الضغوط على الحلفاء",
    "دعا الأمين العام إلى احترام الرأي العام",
    "شارك الأحد عشر لاعبا في التدريب",
    "احتفلت المملكة باليوم الوطني وشاركت في اليوم العالمي للصحة",
    "أدى المصلون صلاة الجمعة في المسجد الحرام",
    "سافرت بلا محرم إلى الخارج",
    "ينتشر الموقع في 2000 موقع حول العالم",
    "خسر الفريق بصفر مقابل هدفين",
    "وأضاف رئيس التحرير لـ«اليوم» أن الصحيفة",
    "افتتح مصنع في مدينة العاشر من رمضان",
    "صدر القرار رقم (104 / 47) بشأن الرسوم",
    "يطمح جيل الغد إلى مستقبل أفضل",
]


def _precision(value: str) -> str:
    """The precision an ISO value shows: 2025 / 2014/2016 year, 2025-02 / --02 month, else day."""
    first = value.split("/")[0].removeprefix("--")
    return {4: "year", 2: "month", 7: "month"}.get(len(first), "day")


def _mention(sentence: str, published: str | None, text: str) -> dict:
    mentions = find_dates(sentence, published)
    for m in mentions:
        assert sentence[m["start"] : m["end"]] == m["text"]
    found = [m for m in mentions if m["text"] == text]
    assert found, f"{text!r} not found in {sentence!r}; got {[m['text'] for m in mentions]}"
    return found[0]


@pytest.mark.parametrize(("sentence", "published", "text", "value"), GREGORIAN + MONTHS + YEARS)
def test_gregorian_dates(sentence: str, published: str | None, text: str, value: str) -> None:
    mention = _mention(sentence, published, text)
    assert mention["value"] == value
    assert mention["calendar"] == "gregorian"
    assert mention["precision"] == _precision(value)


@pytest.mark.parametrize(("sentence", "text", "value"), RELATIVE)
def test_relative_dates(sentence: str, text: str, value: str) -> None:
    mention = _mention(sentence, "2025-02-18", text)
    assert mention["value"] == value
    assert mention["relative"] is True


@pytest.mark.parametrize(("sentence", "text", "value"), RELATIVE)
def test_relative_dates_without_publication_date_have_no_value(sentence: str, text: str, value: str) -> None:
    assert _mention(sentence, None, text)["value"] is None


@pytest.mark.parametrize(("sentence", "published", "text", "value", "hijri"), HIJRI)
def test_hijri_dates(sentence: str, published: str | None, text: str, value: str, hijri: tuple | None) -> None:
    if hijri is not None:  # the hand value and the library agree
        assert Hijri(*hijri).to_gregorian().isoformat() == value
    mention = _mention(sentence, published, text)
    assert mention["calendar"] == "hijri"
    assert mention["value"] == value
    if hijri is not None:
        assert mention["hijri"] == "{:04d}-{:02d}-{:02d}".format(*hijri)


def test_hijri_without_year_or_publication_date_keeps_what_was_said() -> None:
    mention = _mention("يوافق العاشر من رمضان ذكرى العبور", None, "العاشر من رمضان")
    assert mention["value"] is None
    assert mention["hijri"] == "--09-10"


@pytest.mark.parametrize("sentence", NOT_DATES)
def test_not_dates(sentence: str) -> None:
    assert find_dates(sentence, "2025-02-18") == []


def test_both_calendars_of_a_wire_dateline() -> None:
    mentions = find_dates("القاهرة 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس")
    assert [(m["text"], m["value"], m["calendar"]) for m in mentions] == [
        ("26 شوال 1436 هـ", "2015-08-11", "hijri"),
        ("11 اغسطس 2015 م", "2015-08-11", "gregorian"),
    ]


def test_spelling_variants() -> None:
    """Hamza, ta marbuta/ha, alef maqsura, diacritics and clitics do not change what is found."""
    for sentence, text in [
        ("وفي الاسبوع الماضى قال", "الاسبوع الماضى"),
        ("خلال السنه المقبله", "السنه المقبله"),
        ("وصل امس الاثنين", "امس الاثنين"),
        ("يوم الإثنين الماضي", "يوم الإثنين الماضي"),
        ("منذ عامًا", None),
        ("وبعد ثلاثه ايام", "ثلاثه ايام"),
    ]:
        mentions = find_dates(sentence, "2025-02-18")
        if text is None:
            assert mentions == []
        else:
            assert any(text in m["text"] for m in mentions), (sentence, mentions)


def test_offsets_point_into_the_text() -> None:
    text = "قال الوزير أمس إن الاجتماع المقرر في 2 يونيو 2025 تأجل إلى الأسبوع المقبل."
    for m in find_dates(text, "2025-05-30"):
        assert text[m["start"] : m["end"]] == m["text"]


# --- The seed pages ---------------------------------------------------------------------------------


def _seeds(shared) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((shared / "corpus" / "seeds").glob("*.txt"))}


def test_seed_pages(shared) -> None:
    found = {}
    for name, text in _seeds(shared).items():
        for m in find_dates(text):
            assert text[m["start"] : m["end"]] == m["text"]
            found.setdefault(m["text"], m)
            for number in ("90%", "37.3", "165 ", "12 يوما"):  # numbers that are no dates
                assert number not in m["text"], (name, m)
    assert found["يوم 18 شباط/ فبراير"]["value"] == "--02-18"
    assert found["2 يونيو"]["value"] == "--06-02"
    assert found["عام 2022"]["value"] == "2022"
    assert found["عام 2022"]["precision"] == "year"


def test_seed_pages_with_a_publication_date(shared) -> None:
    text = _seeds(shared)["000_7be0f9684ebf0992.txt"]
    by_text = {m["text"]: m for m in find_dates(text, "2025-06-01")}
    assert by_text["يوم 18 شباط/ فبراير"]["value"] == "2025-02-18"


# --- Publication time -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "zone", "expected"),
    [
        ("2015-07-21 02:51:32", None, "2015-07-21T02:51:32"),  # zone unknown: kept as written
        ("2015-07-21 02:51:32", "Asia/Riyadh", "2015-07-20T23:51:32Z"),
        ("2025-02-18T10:00:00+03:00", None, "2025-02-18T07:00:00Z"),
        ("2025-02-18T10:00:00Z", None, "2025-02-18T10:00:00Z"),
        ("Tue, 18 Feb 2025 10:00:00 GMT", None, "2025-02-18T10:00:00Z"),
        ("Tue, 18 Feb 2025 10:00:00 +0200", None, "2025-02-18T08:00:00Z"),
        ("2020-08-24", None, "2020-08-24"),  # a date stays a date: no midnight invented
        ("2020/8/24", None, "2020-08-24"),
        ("غير معروف", None, None),
        ("2020-02-30", None, None),
    ],
)
def test_normalize_timestamp(value: str, zone: str | None, expected: str | None) -> None:
    assert normalize_timestamp(value, zone) == expected


def test_publication_date_prefers_the_source() -> None:
    text = "الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس\n\nأكدت اللجنة"
    assert publication_date(text, "2015-08-12T01:00:00+03:00") == "2015-08-11T22:00:00Z"


def test_publication_date_from_the_dateline() -> None:
    assert publication_date("نص الخبر", None, "القاهرة 18 فبراير 2025 (رويترز)") == "2025-02-18"
    assert publication_date("نص الخبر", None, "القاهرة 18 فبراير (رويترز)") is None  # no year: unknown


def test_publication_date_from_the_text() -> None:
    wire = "الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس\nأكدت اللجنة أن الاجتماع عقد أمس."
    assert publication_date(wire, None) == "2015-08-11"
    footer = "أكدت اللجنة أن الاجتماع عقد أمس.\nنشر في: 18 فبراير 2025"
    assert publication_date(footer, None) == "2025-02-18"


def test_publication_date_is_never_invented() -> None:
    assert publication_date("قال الوزير أمس إن الاجتماع عقد الثلاثاء الماضي.", None) is None
    long_line = "أعلنت الوزارة أن العمل بالقرار يبدأ في 1 سبتمبر 2025 " + "وأوضحت التفاصيل " * 10
    assert publication_date(long_line, None) is None  # an event in a sentence, not the paper's date
    assert publication_date("", None) is None


def test_annotate_dates_sets_dates_and_publication() -> None:
    article = Article(
        id="a", page_id="p", position=0, role="main", title=None, subheadings=[],
        paragraphs=["الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس", "وكانت اللجنة قد اجتمعت أمس."],
        published="2015-08-12T01:00:00+03:00",
    )  # fmt: skip
    out = annotate_dates(article)
    assert out is article
    assert article.published == "2015-08-11T22:00:00Z"
    yesterday = next(m for m in article.dates if m["text"] == "أمس")
    assert yesterday["value"] == "2015-08-11"  # the paper's own local date, not the UTC one
    for m in article.dates:
        assert article.text[m["start"] : m["end"]] == m["text"]


def test_annotate_dates_without_any_date() -> None:
    article = Article(id="a", page_id="p", position=0, role="main", title=None, subheadings=[],
                      paragraphs=["قال الوزير أمس إن المفاوضات مستمرة."])  # fmt: skip
    annotate_dates(article)
    assert article.published is None
    assert article.dates[0]["value"] is None


# --- Invariants on real text ----------------------------------------------------------------------------

_VALUE = re.compile(r"^(?:--\d\d(?:-\d\d)?|\d{4}(?:-\d\d(?:-\d\d)?|-W\d\d)?)$")


def _valid_value(value: str) -> bool:
    return all(_VALUE.match(part) for part in value.split("/"))


def test_saudinewsnet_mentions_are_well_formed(shared) -> None:
    path = sorted((shared / "corpus" / "saudinewsnet").glob("*.jsonl.gz"))[0]
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        articles = [json.loads(line) for _, line in zip(range(400), lines, strict=False)]
    total = 0
    for article in articles:
        text = article["content"]
        previous_end = -1
        for m in find_dates(text, article["date_extracted"]):
            total += 1
            assert text[m["start"] : m["end"]] == m["text"]
            assert m["text"] == m["text"].strip()
            assert m["start"] >= previous_end  # in order, no overlaps
            previous_end = m["end"]
            assert m["precision"] in ("day", "week", "month", "year")
            assert m["calendar"] in ("gregorian", "hijri")
            assert m["value"] is None or _valid_value(m["value"]), m
            if m["value"] and m["precision"] == "day" and m["value"][:2] != "--":
                date.fromisoformat(m["value"])
    assert total > 400

"""Recognizers for the non-body lines of a news page, each a small function of one line.

Every pattern runs on the matching form of the line (rawi.text.match_form): one alef, ه for ة, ي for ى,
no diacritics, so "إقرأ أيضاً" and "اقرا ايضا" are the same marker. The recognizers know the phrases
outlets use, not the outlets: a new site's "اقرأ كذلك:" or "تابعونا على تلغرام" is caught the same way.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rawi.text import match_form as _match_form

# "اقرأ أيضاً:", "إقرأ ايضا", "طالع أيضا", "شاهد أيضاً", "اقرأ كذلك", "اقرأ المزيد:" and an optional headline after it.
_READ_ALSO = re.compile(
    r"^(?:ا?قرا|طالع|شاهد|اطلع|تابع)\s+(?:ايضا|كذلك|المزيد|المزيد عن|اكثر)\s*(?:[:：.\-–،|»>]+\s*|$)"
    r"|^(?:ا?قرا|طالع)\s*[:：]\s*"
)


def _phrases(text: str) -> frozenset[str]:
    return frozenset(p.strip() for p in text.split("|") if p.strip())


_RELATED_HEADERS = _phrases(
    "مقالات مشابهه|مقالات ذات صله|ذات صله|اخبار ذات صله|مواضيع ذات صله|موضوعات ذات صله|الاكثر قراءه|"
    "الاكثر مشاهده|الاكثر تداولا|الاكثر قراءه اليوم|مقالات قد تهمك|قد يهمك ايضا|قد يعجبك ايضا|قد يهمك|"
    "اخبار متعلقه|المزيد من الاخبار|اخر الاخبار|اهم الاخبار|اخبار مشابهه|مواد ذات صله|روابط ذات صله|"
    "مقالات اخري|اخبار اخري|مواضيع مشابهه|موضوعات مشابهه|تقارير ذات صله|ننصحك بقراءه|مقالات مقترحه|"
    "الاكثر شعبيه|اخبار عاجله|اخترنا لك|اخبار مقترحه|مقالات للكاتب|مقالات اخري للكاتب|المزيد من المقالات|"
    "اخبار قد تهمك|لا تفوتك|اقرا في|المزيد في"
)
_SHARE_WORDS = _phrases(
    "طباعه|شارك|مشاركه|ارسل|ارسال|فيسبوك|فيس|بوك|تويتر|واتساب|واتس|اب|تلغرام|تليجرام|لينكدان|انستغرام|بريد|"
    "ايميل|نسخ|الرابط|print|share|facebook|twitter|whatsapp|telegram|email|x|تغريد|حفظ|المقال|الخبر|هذا"
)
_SHARE_START = re.compile(
    r"^(?:طباعه\s+)?(?:شارك|مشاركه|print|share)(?:\s+(?:الخبر|المقال|هذا الخبر|هذا المقال|علي))?\b"
)
_KEYWORDS = re.compile(
    r"^(?:كلمات دلاليه|الكلمات الدلاليه|كلمات مفتاحيه|الكلمات المفتاحيه|الوسوم|وسوم|الكلمات|مواضيع ذات صله"
    r"|الموضوعات|الموسوم|tags|keywords|tag)\s*[:：]\s*",
)
_PROMO = re.compile(
    r"^[وف]?(?:انضم|انضموا|اشترك|اشتركوا|تابعونا|تابعوا|تابعنا|تابع|حمل|نزل|لمتابعه|للاشتراك|ليصلك|لتصلك|اضغط"
    r"|للمزيد|لمزيد|شاهد)\b"
    r".{0,60}?(?:واتساب|واتس اب|واتس|تلغرام|تليجرام|تيليجرام|تيلجرام|فيسبوك|فيس بوك|تويتر|انستغرام|انستجرام|"
    r"يوتيوب|تيك توك|تطبيق|قناه|قناتنا|نشره|النشره|جوجل نيوز|google news|whatsapp|telegram)"
)
_FOOTER = re.compile(
    r"جميع الحقوق محفوظه|كل الحقوق محفوظه|حقوق النشر|©|copyright|all rights reserved"
    r"|^[/\-–*(\s]*(?:انتهي|يتبع|النهايه)[/\-–*)\s.]*$"
    r"|^\d{1,2}:\d{2}\s*(?:ت\s*م|ت\s*غ|gmt|utc)?$"
    r"|^\.*\s*المزيد\s*\.*$|^\.{2,}\s*المزيد$"
    r"|^رابط الخبر\b"
)
_SOURCE_CREDIT = re.compile(r"^(?:المصدر|مصدر الخبر|المصدر الاصلي|المصادر|source)\s*[:：\-–]\s*")
_VIA_CREDIT = re.compile(r"^(?:نقلا عن|نقل عن|منقول عن|منقول من|via)\s*[:：]?\s*")
_AGENCY_LINE = re.compile(r"^وكاله\s+")
_WIRE_WORDS = _phrases("وكالات|وكالات الانباء|متابعات|ا ف ب|د ب ا|ا ش ا")
# "الرئيسية > أخبار > سياسة", "الرئيسية / عربي ودولي"
_BREADCRUMB = re.compile(r"^(?:الرئيسيه|الصفحه الرئيسيه|home)\s*[>/»›|]")
_BREADCRUMB_SEPARATORS = re.compile(r"\s[>»›]\s")
# "نشر في: 12/03/2024 - 10:22", "آخر تحديث: الأحد 5 مايو 2024", "الاثنين، 18 فبراير 2025 05:30 م"
_TIMESTAMP_LEAD = re.compile(r"^(?:نشر|تم النشر|تاريخ النشر|اخر تحديث|تحديث|محدث|published|updated)\b")
_TIME_WORDS = _phrases(
    "السبت|الاحد|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|يناير|فبراير|مارس|ابريل|مايو|يونيو|يوليو|اغسطس|"
    "سبتمبر|اكتوبر|نوفمبر|ديسمبر|كانون|شباط|اذار|نيسان|ايار|حزيران|تموز|اب|ايلول|تشرين|الاول|الثاني|ص|م|"
    "صباحا|مساء|هـ|ه|الموافق|في|-|،|,|/|:|محرم|صفر|ربيع|جمادي|رجب|شعبان|رمضان|شوال|ذو|القعده|الحجه|الاخر|"
    "الاخره|gmt|utc|am|pm|بتوقيت|مكه|جرينتش|غرينتش|ت|غ"
)
# "كتب: محمد علي", "بقلم: …", "كتبت - سارة", "تحرير: …", "إعداد: …"
_BYLINE_LEAD = re.compile(
    r"^(?:كتب|كتبت|بقلم|تحرير|اعداد|ترجمه|متابعه|تقرير|حوار|تصوير)\s*[:：\-–]\s*\S"
    r"|^(?:كتب|كتبت|بقلم)\s+(?!ان\b|عن\b|في\b)\S+(?:\s+\S+){0,3}$"  # "كتب محمد علي" (not "كتب أن …")
)
_HASHTAGS = re.compile(r"^(?:#\S+\s*){1,12}$")
# "(صورة: رويترز)", "صورة أرشيفية", "أرشيفية", "صورة من الأرشيف"
_CAPTION = re.compile(r"^\(?\s*(?:صوره|الصوره|ارشيفيه|صوره ارشيفيه|صور|فيديو|مصدر الصوره)\b.{0,60}$")
_AD = re.compile(r"^(?:اعلان|اعلانات|مساحه اعلانيه|advertisement|sponsored|محتوي مدفوع|برعايه)$")
_COMMENTS = re.compile(r"^(?:التعليقات|اضف تعليقك|اضف تعليق|اترك تعليقا|تعليقات القراء|\d+\s*تعليق(?:ات)?)\b")
_CLICK_HERE = re.compile(r"(?:اضغط|انقر)\s+هنا|click here")
_BULLET = re.compile(r"^[\s•·▪◦●■□►▶◀*\-–—]+\s*")
SENTENCE_END = ".:،,;؛"  # a line ending in one of these continues or closes prose, it is not a heading
_TRAILING_CLOSERS = "\"'”“»«’‘)]} \t"


@lru_cache(maxsize=8192)
def match_form(line: str) -> str:
    """The line's matching form, cached: every recognizer below looks at the same line."""
    return _match_form(line)


def strip_bullet(line: str) -> str:
    """The line without surrounding white space and list bullets (what the gold files call a line's text)."""
    return _BULLET.sub("", line.strip()).strip()


@lru_cache(maxsize=8192)
def word_count(text: str) -> int:
    return len(text.split())


def ends_like_prose(text: str) -> bool:
    """True when the line ends with sentence or clause punctuation (after closing quotes and brackets)."""
    core = text.rstrip(_TRAILING_CLOSERS)
    return bool(core) and (core[-1] in SENTENCE_END or core.endswith("…"))


def read_also(line: str) -> str | None:
    """For a read-also marker line, the headline that follows it on the same line ('' when alone)."""
    m = _READ_ALSO.match(match_form(line))
    if not m:
        return None
    return _tail_after_marker(line, m.end())


def is_related_header(line: str) -> bool:
    form = match_form(line).strip(" :：.-–…")
    return form in _RELATED_HEADERS


def share_bar_tags(line: str) -> str | None:
    """For a share bar ("طباعة شارك موسكو روسيا …"), the text after the share words ('' if none)."""
    form = match_form(line)
    forms = form.split()
    if 2 <= len(forms) <= 8 and all(f.strip(":：|") in _SHARE_WORDS for f in forms):
        return ""  # "فيسبوك تويتر واتساب": a bar of buttons only
    if not _SHARE_START.match(form) or ends_like_prose(line) or word_count(line) > 40:
        return None
    words = line.split()
    forms = form.split()
    i = 0
    while i < len(forms) and forms[i].strip(":：") in _SHARE_WORDS:
        i += 1
    # "شارك 500 متطوع في …" is prose that starts with the verb: a share bar opens with two share words,
    # a colon, or consists of share words only.
    if i < 2 and not forms[0].endswith(":") and i < len(forms):
        return None
    return " ".join(words[i:]) if len(words) == len(forms) else ""


def keywords_tail(line: str) -> str | None:
    m = _KEYWORDS.match(match_form(line))
    if not m:
        return None
    return _tail_after_marker(line, m.end())


def is_promo(line: str) -> bool:
    return word_count(line) <= 20 and not ends_like_prose(line) and bool(_PROMO.search(match_form(line)))


def other_kind(line: str) -> str | None:
    """The kind of a short page-furniture line that is neither news nor a credit, or None.

    breadcrumb, timestamp, byline, caption, ad, comments: each is kept in `removed` with that kind.
    """
    words = word_count(line)
    if words > 20:
        return None
    form = match_form(line)
    if _BREADCRUMB.match(form) or len(_BREADCRUMB_SEPARATORS.findall(form)) >= 2:
        return "breadcrumb"
    if (_TIMESTAMP_LEAD.match(form) and any(ch.isdigit() for ch in form)) or _is_timestamp(form):
        return "timestamp"
    if _BYLINE_LEAD.match(form) and words <= 8:
        return "byline"
    if _CAPTION.match(form) and words <= 10 and not ends_like_prose(line):
        return "caption"
    if _AD.match(form.strip(" :")):
        return "ad"
    if _COMMENTS.match(form) and words <= 6:
        return "comments"
    if _CLICK_HERE.search(form) and words <= 12:
        return "promo"
    return None


def _is_timestamp(form: str) -> bool:
    """A line made only of date and time words and numbers, with a year or a clock time in it."""
    tokens = re.findall(r"\d+|[^\W\d_]+|[-،,/:]", form)
    if not tokens or not re.search(r"\b\d{4}\b|\d{1,2}:\d{2}", form):
        return False
    return all(t.isdigit() or t in _TIME_WORDS for t in tokens)


def is_footer(line: str) -> bool:
    return word_count(line) <= 20 and bool(_FOOTER.search(match_form(line)))


def hashtags(line: str) -> list[str] | None:
    """The tags of a line made only of hashtags ("#السعودية #الرياض"), or None."""
    if not _HASHTAGS.match(line.strip()):
        return None
    return [t.lstrip("#").replace("_", " ") for t in line.split() if t.lstrip("#")]


def credit_line(line: str) -> tuple[str, str] | None:
    """A credit line's (name, how) where how is 'source', 'agency' or 'via'; None for other lines."""
    if word_count(line) > 8 or ends_like_prose(line.rstrip(".")):
        return None
    form = match_form(line)
    bare = form.strip(" ()[]-–—.")
    if bare in _WIRE_WORDS:
        return line.strip(" ()[]-–—."), "agency"  # "(وكالات)": the wires, unnamed
    for pattern, how in ((_SOURCE_CREDIT, "source"), (_VIA_CREDIT, "via")):
        m = pattern.match(form)
        if m:
            name = _tail_after_marker(line, m.end()).strip(" .")
            return (name, how) if name else None
    if _AGENCY_LINE.match(form) and word_count(line) <= 5 and not line.rstrip().endswith("."):
        return line.split(None, 1)[1].strip(" ()."), "agency"
    return None


def _tail_after_marker(line: str, form_end: int) -> str:
    """The original characters after a marker found at `form_end` in the line's matching form."""
    from rawi.text import match_form_with_offsets

    form, offsets = match_form_with_offsets(line)
    if form_end >= len(form):
        return ""
    return line[offsets[form_end] :].strip()

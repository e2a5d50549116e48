"""Names of outlets for provenance: page outlets (source codes, hosts) and credits as one canonical name.

A page's outlet comes as the corpus writes it (SaudiNewsNet's `was`, a host such as `arabic.rt.com`);
credits come as the text writes them ("واس", "وكالة الأنباء السعودية", "RT"). Both are mapped to the
canonical names of rawi/data/outlets.tsv (through `lookup_outlet`) where one is known, so that a credit
can be compared with the outlet of the article it credits. World knowledge, not corpus data.
"""

from __future__ import annotations

from functools import lru_cache

from rawi.segment.credits import lookup_outlet
from rawi.text import match_form

# Source codes and hosts of outlets, with the canonical name of rawi/data/outlets.tsv where it has one.
# SaudiNewsNet's codes (its README) first; hosts without "www.".
_CODES: dict[str, str] = {
    "was": "واس",
    "spa.gov.sa": "واس",
    "aawsat": "الشرق الأوسط",
    "aawsat.com": "الشرق الأوسط",
    "aleqtisadiya": "الاقتصادية",
    "aleqt.com": "الاقتصادية",
    "aljazirah": "الجزيرة (السعودية)",
    "al-jazirah.com": "الجزيرة (السعودية)",
    "almadina": "المدينة",
    "al-madina.com": "المدينة",
    "alriyadh": "الرياض",
    "alriyadh.com": "الرياض",
    "alwatan": "الوطن",
    "alwatan.com.sa": "الوطن",
    "alweeam": "الوئام",
    "alweeam.com.sa": "الوئام",
    "alyaum": "اليوم",
    "alyaum.com": "اليوم",
    "arreyadi": "الرياضي",
    "arreyadi.com.sa": "الرياضي",
    "arriyadiyah": "الرياضية",
    "arreyadiyah": "الرياضية",
    "arriyadiyah.com": "الرياضية",
    "okaz": "عكاظ",
    "okaz.com.sa": "عكاظ",
    "sabq": "سبق",
    "sabq.org": "سبق",
    "3alyoum": "عين اليوم",
    "3alyoum.com": "عين اليوم",
    "rt.com": "RT",
    "arabic.rt.com": "RT",
    "bbc.com": "بي بي سي",
    "aljazeera.net": "الجزيرة",
    "alarabiya.net": "العربية",
    "skynewsarabia.com": "سكاي نيوز عربية",
    "cnn.com": "سي إن إن",
    "arabic.cnn.com": "سي إن إن",
    "sana.sy": "سانا",
    "wam.ae": "وام",
    "kuna.net.kw": "كونا",
    "qna.org.qa": "قنا",
    "petra.gov.jo": "بترا",
    "aa.com.tr": "الأناضول",
}


@lru_cache(maxsize=4096)
def outlet_name(outlet: str | None) -> str | None:
    """The canonical name of a page's outlet (a source code, a host or a name), or the outlet as given."""
    if not outlet:
        return None
    key = outlet.strip().lower()
    key = key[4:] if key.startswith("www.") else key
    if key in _CODES:
        return _CODES[key]
    known = lookup_outlet(outlet)
    return known.canonical if known else outlet.strip()


@lru_cache(maxsize=4096)
def credit_name(name: str) -> str:
    """The canonical name of a credited or cited outlet ("وكالة الأنباء السعودية" -> "واس")."""
    known = lookup_outlet(name)
    if known:
        return known.canonical
    return outlet_name(name) or name


@lru_cache(maxsize=4096)
def is_agency(name: str) -> bool:
    known = lookup_outlet(name)
    return bool(known and known.kind == "agency")


def same_outlet(a: str | None, b: str | None) -> bool:
    """Whether two canonical names name one outlet (spelling variants folded)."""
    if not a or not b:
        return False
    return " ".join(match_form(a).split()) == " ".join(match_form(b).split())

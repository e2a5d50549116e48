"""Jinja2 set-up for the dashboard: autoescaping everywhere, and the few filters templates need.

Every string from a page is untrusted: templates only ever print it escaped, links are made only from
http(s) addresses, and `marked` builds <mark> around escaped text itself.
"""

from __future__ import annotations

from importlib import resources
from urllib.parse import quote, urlsplit

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from rawi.web import charts

LABELS = {"PER": "شخص", "ORG": "منظمة", "LOC": "مكان", "MISC": "أخرى"}
CREDIT_KINDS = {"source": "المصدر", "agency": "وكالة", "via": "عبر", "cited": "ذُكر في النص"}
OUTLET_KINDS = {"outlet": "وسيلة إعلام", "agency": "وكالة أنباء"}
REMOVED_KINDS = {
    "share_bar": "شريط المشاركة",
    "promo": "ترويج",
    "related_links": "روابط ذات صلة",
    "related_header": "عنوان روابط",
    "read_also": "اقرأ أيضا",
    "keywords": "كلمات دلالية",
    "credit": "سطر المصدر",
    "boilerplate": "نص متكرر",
}


def safe_href(url: str | None) -> str | None:
    """The address when it is a web address (http, https); None for anything else (javascript:, data:…)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def marked(text: str | None, spans: list[tuple[int, int]] | None) -> Markup:
    """`text` escaped, with <mark> around each [start, end) span."""
    if not text:
        return Markup("")
    parts, last = [], 0
    for start, end in sorted(spans or []):
        if start < last:
            continue
        parts += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def segment(value: str) -> str:
    """One path segment: everything quoted, slashes included."""
    return quote(str(value), safe="")


def day(value: str | None) -> str:
    return value[:10] if value else ""


def number(value: int) -> str:
    return f"{value:,}".replace(",", "٬")


def make_templates() -> Jinja2Templates:
    folder = resources.files("rawi.web") / "templates"
    templates = Jinja2Templates(directory=str(folder))
    env = templates.env
    env.autoescape = True  # every template, whatever its name
    env.auto_reload = False  # templates ship inside the package: no stat() of each one on every render
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters.update(safe_href=safe_href, marked=marked, segment=segment, day=day, number=number)
    env.globals.update(
        LABELS=LABELS,
        CREDIT_KINDS=CREDIT_KINDS,
        OUTLET_KINDS=OUTLET_KINDS,
        REMOVED_KINDS=REMOVED_KINDS,
        timeline_chart=charts.timeline,
        ranking_chart=charts.ranking,
        provenance_graph=charts.provenance,
    )
    return templates

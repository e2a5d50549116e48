"""Outlets and agencies: who a credit line names, and which outlets an article cites in its text.

The outlet list (rawi/data/outlets.tsv) is world knowledge: agencies and well-known outlets with their
Arabic and Latin spellings, folded to the matching form for lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rawi.model import Credit
from rawi.text import match_form


@dataclass(frozen=True, slots=True)
class Outlet:
    canonical: str
    kind: str  # agency | outlet


_SOURCE_IS_AGENCY_HEAD = re.compile(r"^وكاله\s")
_GENERIC_HEADS = ("وكاله الانباء", "وكاله انباء", "وكاله", "صحيفه", "جريده", "قناه", "موقع", "شبكه", "مجله", "اذاعه")


@lru_cache(maxsize=1)
def _aliases() -> dict[str, Outlet]:
    table: dict[str, Outlet] = {}
    text = resources.files("rawi.data").joinpath("outlets.tsv").read_text(encoding="utf-8")
    for row in text.splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        canonical, kind, aliases = row.split("\t")
        outlet = Outlet(canonical, kind)
        for alias in aliases.split("|"):  # the canonical name counts only when listed among the aliases
            table.setdefault(_key(alias), outlet)
    return table


def _key(name: str) -> str:
    return " ".join(match_form(name).replace(".", " ").split())


def lookup_outlet(name: str) -> Outlet | None:
    """The known outlet a name refers to, with or without a head word such as وكالة or صحيفة."""
    return _lookup_key(_key(name))


def _lookup_key(key: str) -> Outlet | None:
    table = _aliases()
    if key in table:
        return table[key]
    for head in _GENERIC_HEADS:
        if key.startswith(head + " ") and key[len(head) + 1 :] in table:
            return table[key[len(head) + 1 :]]
    return None


def make_credit(name: str, how: str) -> Credit:
    """A credit from a credit line. A lone "وكالة X" credits agency X; "المصدر: X" keeps X as written."""
    if how == "via":
        return Credit(name, "via")
    if how == "agency":
        return Credit(name, "agency")
    if how == "source" and _SOURCE_IS_AGENCY_HEAD.match(match_form(name)):
        return Credit(name, "agency")
    known = lookup_outlet(name)
    return Credit(name, "agency" if known and known.kind == "agency" else "source")


# "حسب وكالة …", "بحسب …", "وفقا لـ …", "نقلا عن …", "ذكرت صحيفة …", "أفادت وكالة …": the outlet follows.
_CITE_CUE = re.compile(
    r"(?:^|[\s،,(])[وف]?(?:ب?حسب(?:ما)?(?: ما (?:ذكرت|نقلت|افادت|اوردت))?|وفقا ل(?:ـ)?|طبقا ل(?:ـ)?|نقلا عن|نقل عن"
    r"|ذكرت|افادت|اوردت|نقلت|قالت|كشفت|اشارت)\s*(?:ـ\s*)?"
)
_MAX_NAME_WORDS = 4
_CITE_PRECHECK = re.compile(r"حسب|وفقا|طبقا|نقل|ذكرت|افادت|اوردت|قالت|كشفت|اشارت")


def cited_outlets(text: str, folded: bool = False) -> list[str]:
    """Known outlets the text cites after a citing cue, canonical names in order of first citation.
    `folded` says the text is already in matching form."""
    form = text if folded else match_form(text)
    found: list[str] = []
    if not _CITE_PRECHECK.search(form):
        return found
    for m in _CITE_CUE.finditer(form):
        outlet = _outlet_at(form, m.end())
        if outlet and outlet.canonical not in found:
            found.append(outlet.canonical)
    return found


def _outlet_at(form: str, pos: int) -> Outlet | None:
    """The longest known outlet name starting at `pos` (after an optional head word)."""
    words = re.findall(r"[^\s،,.:؛;()\"'«»]+", form[pos : pos + 120])
    if words and words[0] in {"ل", "لـ", "ـ"}:
        words = words[1:]
    for n in range(min(_MAX_NAME_WORDS + 2, len(words)), 0, -1):
        outlet = _lookup_key(" ".join(words[:n]))
        if outlet:
            # "الجزيرة العربية", "المرصد السوري": a one-word definite name followed by an adjective is a
            # different, longer name, not the outlet.
            if n == 1 and words[0].startswith("ال") and len(words) > 1 and words[1].startswith("ال"):
                return None
            return outlet
    return None

"""Names of outlets for provenance: page outlets (source codes, hosts) and credits as one canonical name.

A page's outlet comes as the corpus writes it (SaudiNewsNet's `was`, a host such as `arabic.rt.com`);
credits come as the text writes them ("واس", "وكالة الأنباء السعودية", "RT"). Both are mapped to the
canonical names of rawi/data/outlets.tsv (through `lookup_outlet`, the one list of outlets) where one is
known, so that a credit can be compared with the outlet of the article it credits.
"""

from __future__ import annotations

from functools import lru_cache

from rawi.segment.credits import lookup_outlet
from rawi.text import match_form


@lru_cache(maxsize=4096)
def outlet_name(outlet: str | None) -> str | None:
    """The canonical name of a page's outlet (a source code, a host or a name), or the outlet as given.
    A host is tried whole, without "www.", without its subdomains, then by its name ("arabic.rt.com" ->
    "rt.com" -> "rt" -> RT)."""
    if not outlet:
        return None
    outlet = outlet.strip()
    host = outlet.lower().removeprefix("www.")
    labels = host.split(".")
    tries = [outlet, host]
    if len(labels) > 2:
        tries.append(".".join(labels[-2:]))
    if len(labels) > 1:
        tries.append(labels[-2])
    for name in tries:
        known = lookup_outlet(name)
        if known:
            return known.canonical
    return outlet


@lru_cache(maxsize=4096)
def credit_name(name: str) -> str:
    """The canonical name of a credited or cited outlet ("وكالة الأنباء السعودية" -> "واس")."""
    known = lookup_outlet(name)
    return known.canonical if known else name


@lru_cache(maxsize=4096)
def is_agency(name: str) -> bool:
    known = lookup_outlet(name)
    return bool(known and known.kind == "agency")


def same_outlet(a: str | None, b: str | None) -> bool:
    """Whether two canonical names name one outlet (spelling variants folded)."""
    if not a or not b:
        return False
    return " ".join(match_form(a).split()) == " ".join(match_form(b).split())

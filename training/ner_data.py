"""Gazetteer entries for the NER model from ANERgazet and WikiFANE.

WikiFANE's 50 fine classes are grouped into coarse gazetteer classes rather than forced into
ANERcorp's four: ANERcorp tags buildings (البيت الأبيض) and books as MISC and canals as LOC, so the
CRF is left to learn what each class means for it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from rawi.annotate.entities import bio_to_spans, name_key
from rawi.text import match_form

WIKIFANE_CLASSES = {
    "wPER": "Politician Religious_PER Artist Other_PER Scientist Athlete Businessperson Engineer Lawyer Police",
    "wORG": "Government Non-Governmental Commercial Educational Media Religious_ORG Entertainment Medical-Science",
    "wSPORT": "Sports",
    "wGPE": "Nation Population-Center State-or-Province County-or-District GPE-Cluster Continent",
    "wGEO": "Water-Body Land-Region-Natural Path",
    "wFAC": "Building-Grounds Airport Subarea-Facility",
    "wART": "Book Movie Sound Software Hardware",
    "wGRP": "Group",
}
_FINE_TO_COARSE = {fine: coarse for coarse, fines in WIKIFANE_CLASSES.items() for fine in fines.split()}
_PROCLITICS = {"و", "ف"}  # WikiFANE writes these apart; ANERcorp (and the press) attach them


def anergazet_entries(folder: Path) -> list[tuple[str, str]]:
    out = []
    for cls, name in (("aPER", "pers.txt"), ("aLOC", "loc.txt"), ("aORG", "org.txt")):
        for line in (folder / name).read_text(encoding="utf-8-sig").splitlines():
            line = line.strip()
            if line and not line.startswith("="):
                out.append((cls, line))
    return out


def wikifane_entries(path: Path, min_count: int = 1) -> list[tuple[str, str]]:
    """(coarse class, name) for every WikiFANE entity mention mapped to a coarse class."""
    counts: dict[tuple[str, str], int] = {}
    cur_cls, cur = None, []

    def close() -> None:
        if cur_cls and cur:
            key = (cur_cls, " ".join(cur))
            counts[key] = counts.get(key, 0) + 1

    for line in path.read_text(encoding="utf-8-sig").splitlines():
        parts = line.replace("\u200e", "").replace("\r", "").split("\t")
        if len(parts) < 2 or not parts[0].strip():
            close()
            cur_cls, cur = None, []
            continue
        tok, tag = parts[0].strip(), parts[1].strip()
        if tag.startswith("I-") and cur_cls and _FINE_TO_COARSE.get(tag[2:]) == cur_cls:
            cur.append(tok)
            continue
        close()
        cur_cls, cur = None, []
        if tag.startswith(("B-", "I-")) and tag[2:] in _FINE_TO_COARSE and tok not in _PROCLITICS:
            cur_cls, cur = _FINE_TO_COARSE[tag[2:]], [tok]
    close()
    return [k for k, c in counts.items() if c >= min_count]


# WikiFANE fine classes as ANERcorp labels, for using WikiFANE as extra training text. Classes that
# ANERcorp leaves untagged (nationality groups, planets) become O.
WIKIFANE_TO_ANERCORP = {
    **{c: "PERS" for c in WIKIFANE_CLASSES["wPER"].split()},
    **{c: "ORG" for c in (WIKIFANE_CLASSES["wORG"] + " Sports").split()},
    **{c: "LOC" for c in (WIKIFANE_CLASSES["wGPE"] + " " + WIKIFANE_CLASSES["wGEO"] + " Airport").split()},
    **{c: "MISC" for c in [*WIKIFANE_CLASSES["wART"].split(), "Building-Grounds", "Drug", "Air", "Water", "Land"]},
}
_SUFFIXES = frozenset(["ه", "ها", "هم", "هما", "هن", "نا", "كم", "كما", "كن", "ي"])


def wikifane_sentences(path: Path) -> list[tuple[list[str], list[str]]]:
    """WikiFANE sentences re-tokenized like ANERcorp: WikiFANE writes و and the pronoun suffixes apart
    (و تعتبر، عاصمة ها), ANERcorp and the press attach them (وتعتبر، عاصمتها)."""
    out: list[tuple[list[str], list[str]]] = []
    toks: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if toks:
            out.append((toks.copy(), tags.copy()))
        toks.clear()
        tags.clear()

    pending_waw = False
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        parts = line.replace("\u200e", "").replace("\r", "").split("\t")
        if len(parts) < 2 or not parts[0].strip():
            flush()
            pending_waw = False
            continue
        tok, fine = parts[0].strip(), parts[1].strip()
        prefix, _, cls = fine.partition("-")
        label = WIKIFANE_TO_ANERCORP.get(cls) if prefix in ("B", "I") else None
        tag = f"{prefix}-{label}" if label else "O"
        if tok == "و" and tag == "O":
            pending_waw = True
            continue
        if tok in _SUFFIXES and tag == "O" and toks and toks[-1][-1:].isalpha():
            prev = toks[-1]
            toks[-1] = (prev[:-1] + "ت" if prev.endswith("ة") else prev) + tok
            continue
        if pending_waw:
            tok = "و" + tok
            pending_waw = False
        toks.append(tok)
        tags.append(tag)
    flush()
    return out


def known_names(
    sentences: Sequence[tuple[list[str], list[str]]], min_count: int = 2, min_share: float = 0.8, max_len: int = 6
) -> list[tuple[str, str]]:
    """(type, name key) for names the training sentences tag at least `min_count` times with one type, in
    at least `min_share` of all the places their words occur: the names that `rawi ner tag` may trust
    where the CRF missed them (entities.known_names). Thresholds chosen on the dev split."""
    typed: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    all_forms = [[match_form(t) for t in toks] for toks, _ in sentences]
    for forms, (_, tags) in zip(all_forms, sentences, strict=True):
        for a, b, typ in bio_to_spans(tags):
            if b - a <= max_len:
                typed[name_key(forms[a:b])][typ] += 1
    lengths: dict[str, set[int]] = defaultdict(set)
    for key in typed:
        lengths[key[0]].add(len(key))
    seen: Counter[tuple[str, ...]] = Counter()  # every occurrence of the words, tagged or not
    for forms in all_forms:
        for i in range(len(forms)):
            for n in lengths.get(name_key(forms[i : i + 1])[0], ()):
                key = name_key(forms[i : i + n])
                if len(key) == n and key in typed:
                    seen[key] += 1
    out = []
    for key, counts in typed.items():
        typ, m = counts.most_common(1)[0]
        if m >= min_count and m >= min_share * seen[key]:
            out.append((typ, " ".join(key)))
    return sorted(out)

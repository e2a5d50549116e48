"""Entity identity: which mentions name the same person, organization or place.

Inside an article, a surname resolves to the full name that carries it ("لافروف" → "سيرغي لافروف"), a
title in apposition binds to its person for the rest of the article ("وزير الخارجية الروسي سيرغي لافروف"
makes a later "الوزير الروسي" Lavrov), a definite head noun resolves to the last organization with that
head ("الوزارة" → "وزارة الخارجية الروسية"), and names the recognizer found are looked for again
where it missed them ("للافروف", "وروبيو"). Across articles, `EntityRegistry` merges orthographic and
transliteration variants (سيرغي/سيرجي, بوتين/بوتن, كيدا/كيديه) by comparing consonant skeletons and
edit distance, with guards that keep different people apart: two spellings that are both frequent
words of the news (محمد/محمود) are different names, not variants of one.
"""

from __future__ import annotations

import bisect
import gzip
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from rawi.annotate.ner_features import wordset
from rawi.model import stable_id
from rawi.text import first_token, match_form, tokenize
from rawi.text.normalize import word_form

# Consonants that transliterations of one foreign sound alternate between (Sergei: سيرغي/سيرجي).
_FOLD = str.maketrans({"ج": "غ", "ق": "غ", "ط": "ت", "ص": "س", "ض": "د", "ذ": "ز", "ظ": "ز", "ث": "ت"})
_VOWELS = frozenset("اوي")
_COMMON_RANK = 5000  # two different spellings that are both this frequent are two names
_VERY_COMMON_RANK = 2000  # a word this frequent has no transliteration variants
_RARE_RANK = 30000
_PROPAGATE_RANK = 1000  # a one-word name this frequent is a common word too: not spread by string match
_PRO1 = ("و", "ف")
_PRO2 = ("ب", "ل", "ك")

# Heads of titles that stand in apposition before a person's name.
TITLE_HEADS = wordset("""وزير وزيرة الوزير الوزيرة رئيس رئيسة الرئيس الرئيسة نائب النائب ملك الملك ملكة الملكة أمير
    الأمير ولي سفير السفير مستشار المستشار المستشارة المتحدث الناطق زعيم الزعيم قائد القائد مدير المدير
    الأمين أمين المبعوث مبعوث المندوب مندوب حاكم الحاكم محافظ المحافظ المرشد المفوض مفوض""")
# Heads whose definite form with the nationality alone names the same person: وزير الخارجية الروسي →
# الوزير الروسي. Not رئيس: رئيس الوزراء الفرنسي is not الرئيس الفرنسي.
_SHORTENABLE = wordset("وزير وزيرة سفير مستشار مبعوث مندوب")
# Heads of organization names that a definite noun refers back to: الوزارة → وزارة الخارجية.
ORG_HEADS = wordset("""وزارة هيئة منظمة وكالة شركة جامعة لجنة مؤسسة جمعية حركة محكمة سفارة قناة صحيفة
    جريدة مجلة""")
# Heads dropped when comparing organization names: "وكالة سبوتنيك" is "سبوتنيك".
MEDIA_HEADS = wordset("وكالة وكاله صحيفة جريدة مجلة قناة شركة موقع")


@cache
def word_ranks() -> dict[str, int]:
    """Frequency rank of each word of the news corpus (the NER clusters file is sorted by frequency)."""
    path = resources.files("rawi") / "models" / "ner_clusters.tsv.gz"
    if not path.is_file():
        return {}
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        return {line.split("\t", 1)[0]: i for i, line in enumerate(fh)}


def rank(word: str) -> int:
    """Frequency rank of a matching-form word in the news corpus; rare and unseen words rank high."""
    return word_ranks().get(word, 10**9)


_form = word_form  # shared with the other per-word callers


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """Consonant skeleton of a matching-form word: first letter kept, long vowels and a final ه dropped,
    transliteration-alternating consonants folded. بوتين/بوتن → بتن, كيدا/كيديه → كد."""
    w = word.translate(_FOLD)
    if len(w) > 2 and w.endswith("ه"):
        w = w[:-1]
    return w[:1] + "".join(c for c in w[1:] if c not in _VOWELS)


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def same_word(a: str, b: str) -> bool:
    """Two matching-form words are spellings of one name."""
    if a == b:
        return True
    sa = skeleton(a)
    if len(sa) < 2 or sa != skeleton(b):
        return False
    dist = edit_distance(a, b)
    ra, rb = rank(a), rank(b)
    if dist > 2 or min(ra, rb) < _VERY_COMMON_RANK:
        return False  # الثاني is a word, not a spelling of الثني
    if ra < _COMMON_RANK and rb < _COMMON_RANK:
        return False  # محمد/محمود, السلمي/السالم: two names the press writes often
    return dist == 1 or max(ra, rb) >= _RARE_RANK  # two edits only towards a rare spelling: كيدا/كيديه


def same_name(a: Sequence[str], b: Sequence[str]) -> bool:
    return len(a) == len(b) and all(same_word(x, y) for x, y in zip(a, b, strict=True))


def clitic_candidates(word: str) -> list[str]:
    """Forms of a matching-form word without its proclitics (و ف, then ب ل ك): والولايات → الولايات."""
    out = []
    w = word
    if len(w) > 3 and w[0] in _PRO1:
        w = w[1:]
        out.append(w)
    if len(w) > 3 and w[0] in _PRO2:
        if w.startswith("لل") and len(w) > 4:
            out.append("ال" + w[2:])
        out.append(w[1:])
    return out


@lru_cache(maxsize=100_000)
def _forms(word: str) -> tuple[str, ...]:
    """The word and its forms without proclitics (`clitic_candidates`), cached: each article asks for
    the forms of every one of its words in several passes."""
    return (word, *clitic_candidates(word))


def resolve_clitic(word: str, known: set[str] | frozenset[str] = frozenset()) -> str:
    """The word without a proclitic when the evidence says it has one: the bare form is a name known in
    this article, or a much more frequent word than the whole (وترامب → ترامب, but واشنطن stays)."""
    if word in known:
        return word
    cands = clitic_candidates(word)
    for c in cands:
        if c in known:
            return c
    best, best_rank = word, rank(word)
    for c in cands:
        r = rank(c)
        if r < best_rank and len(c) >= 3:
            best, best_rank = c, r
    return best


def display_form(surface: str, resolved_first: str) -> str:
    """The surface form without the proclitic that `resolve_clitic` took off its first word."""
    if not surface:
        return surface
    first = first_token(surface)
    if first is None:
        return surface
    mf = match_form(first.text)
    if mf == resolved_first:
        return surface
    if resolved_first.startswith("ال") and mf.startswith("لل") and mf[2:] == resolved_first[2:]:
        return "ال" + surface[first.start + 2 :]
    for cut in range(1, len(first.text)):
        if match_form(first.text[cut:]) == resolved_first:
            return surface[first.start + cut :]
    return surface


@dataclass
class Entity:
    id: str
    label: str
    names: list[tuple[str, ...]] = field(default_factory=list)  # matching-form names, clitics off
    full_forms: Counter[str] = field(default_factory=Counter)  # shown names, clitics off
    aliases: Counter[str] = field(default_factory=Counter)  # every surface form seen
    articles: int = 0

    @property
    def canonical(self) -> str:
        """The most frequent of the longest names (a person's full name over a surname alone)."""
        if not self.full_forms:
            return next(iter(self.aliases), "")
        longest = max(len(f.split()) for f in self.full_forms)
        top = [(c, f) for f, c in self.full_forms.items() if len(f.split()) == longest]
        # ties go to the usual spelling: the one whose words the press writes most (بوتين over بوتن)
        return max(top, key=lambda cf: (cf[0], -sum(map(rank, _words(cf[1]))), cf[1]))[1]

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "label": self.label,
            "canonical": self.canonical,
            "aliases": sorted(self.aliases),
            "mentions": sum(self.aliases.values()),
            "articles": self.articles,
        }


def _group(label: str) -> str:
    # Organizations and places trade labels by metonymy (واشنطن acts, الجزيرة reports); people do not.
    return "PER" if label == "PER" else "NAME"


def _key(name: Sequence[str]) -> str:
    return " ".join(skeleton(w) for w in name)


class EntityRegistry:
    """Entities across a corpus: a plain object that analyze builds over its inputs (the store persists
    it once that lands). Ids are stable hashes of a name's consonant skeleton, so two runs over the same
    inputs give the same ids, and spelling variants mostly get the same id even without a registry."""

    def __init__(self) -> None:
        self._by_id: dict[str, Entity] = {}
        self._by_key: dict[tuple[str, str], str] = {}
        self._by_last: dict[tuple[str, str], list[str]] = {}  # surname skeleton → person ids

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self):
        return iter(self._by_id.values())

    def get(self, entity_id: str) -> Entity | None:
        return self._by_id.get(entity_id)

    def find(self, label: str, names: Sequence[tuple[str, ...]]) -> str | None:
        group = _group(label)
        longest = max((len(n) for n in names), default=0)
        for name in sorted(names, key=len, reverse=True):
            hit = self._by_key.get((group, _key(name)))
            if hit and (len(name) > 1 or longest == 1) and any(same_name(name, o) for o in self._by_id[hit].names):
                return hit
        for name in names:
            if len(name) < 2 and longest > 1:
                continue
            for eid in self._by_last.get((group, skeleton(name[-1])), ()):
                if any(same_name(name, other) for other in self._by_id[eid].names):
                    return eid
        if longest > 1 and group == "PER":
            # A full name whose surname the corpus has only seen alone so far: that person, if only one.
            cands = {
                eid
                for n in names
                if len(n) > 1
                for eid in self._by_last.get((group, skeleton(n[-1])), ())
                if all(len(o) == 1 for o in self._by_id[eid].names)
                and any(same_word(n[-1], o[-1]) for o in self._by_id[eid].names)
            }
            if len(cands) == 1:
                return cands.pop()
        if longest == 1 and group == "PER":
            # A surname alone: the one person the corpus knows with that surname, if only one.
            cands = {
                eid
                for n in names
                for eid in self._by_last.get((group, skeleton(n[-1])), ())
                if any(same_word(n[-1], o[-1]) for o in self._by_id[eid].names)
            }
            if len(cands) == 1:
                return cands.pop()
        return None

    def link(
        self, label: str, names: Sequence[tuple[str, ...]], full_forms: Sequence[str], surfaces: Sequence[str]
    ) -> Entity:
        """The entity these names denote, created when new; records the forms seen."""
        names = [n for n in names if n]
        eid = self.find(label, names) if names else None
        if eid is None:
            basis = max(names, key=len) if names else tuple(match_form(s) for s in surfaces[:1])
            eid = stable_id("entity", _group(label), _key(basis))
            while eid in self._by_id:  # same skeleton, another name (محمد/محمود عباس)
                eid = stable_id(eid, "next")
            self._by_id[eid] = Entity(eid, label)
        ent = self._by_id[eid]
        ent.articles += 1
        group = _group(label)
        for n in names:
            if n not in ent.names:
                ent.names.append(n)
                self._by_key.setdefault((group, _key(n)), eid)
                ids = self._by_last.setdefault((group, skeleton(n[-1])), [])
                if eid not in ids:
                    ids.append(eid)
        ent.full_forms.update(full_forms)
        ent.aliases.update(surfaces)
        return ent

    def to_json(self) -> list[dict[str, object]]:
        return [e.to_json() for e in self._by_id.values()]


# --------------------------------------------------------------------------- inside one article


@dataclass
class _Mention:
    start: int
    end: int
    label: str
    text: str
    kind: str = "name"  # name | title | anaphor
    words: tuple[str, ...] = ()  # matching form, first word's clitic resolved
    cluster: int = -1
    ref: _Mention | None = None  # what a title or an anaphor refers to


def _words(text: str) -> list[str]:
    return list(_word_tuple(text))


@lru_cache(maxsize=50_000)
def _word_tuple(text: str) -> tuple[str, ...]:
    # names recur across mentions and articles: tokenized once
    return tuple(match_form(t.text) for t in tokenize(text) if t.is_word)


def is_nisba(word: str) -> bool:
    # الروسي، الفرنسية، الأمريكي: a definite adjective of origin
    return word.startswith("ال") and len(word) >= 5 and (word.endswith("ي") or word.endswith("يه"))


@lru_cache(maxsize=100_000)
def _definite(word: str) -> bool:
    return word.startswith("ال") or any(c.startswith("ال") for c in clitic_candidates(word))


def resolve_article(text: str, found: Sequence[object], registry: EntityRegistry) -> list[dict[str, object]]:
    """Group the recognizer's mentions of one article into entities, add the mentions it implies
    (titles, anaphors, missed repeats) and link each entity to the registry. Output schema dicts."""
    toks = [t for t in tokenize(text) if t.text[0].isalnum() or t.text in "،,:"]
    tok_mf = [_form(t.text) for t in toks]
    is_word = [t.text[0].isalnum() for t in toks]  # Token.is_word, once per token for the passes below
    ments = [_Mention(m.start, m.end, m.label, m.text) for m in found]  # type: ignore[attr-defined]
    if not ments:
        return []
    taken = [False] * len(toks)
    starts = {t.start: i for i, t in enumerate(toks)}

    def tok_range(m: _Mention) -> range:
        i = starts.get(m.start)
        if i is None:
            return range(0)
        j = i
        while j < len(toks) and toks[j].end <= m.end:
            j += 1
        return range(i, j)

    for m in ments:
        for i in tok_range(m):
            taken[i] = True

    # Clitics: a first word loses its و/ب/ل... when the bare form is known here or much more frequent.
    known = {w for m in ments for w in _words(m.text)[1:]} | {
        ws[0] for m in ments if (ws := _words(m.text)) and not clitic_candidates(ws[0])
    }
    for m in ments:
        ws = _words(m.text)
        if ws:
            ws[0] = resolve_clitic(ws[0], known - {ws[0]} if ws[0] not in known else known)
        m.words = tuple(ws)

    _propagate(text, ments, toks, tok_mf, is_word, taken)
    titles = _titles(ments, toks, tok_mf, is_word, taken)
    anaphors = _org_anaphors(ments, toks, tok_mf, is_word, taken)
    clusters = _cluster(ments)
    for m in titles + anaphors:
        if m.ref is not None:
            m.cluster = m.ref.cluster

    out_ments = ments + titles + anaphors
    # Link each cluster to the corpus registry; its label is the majority of its names' labels.
    result: dict[int, tuple[str, str, str]] = {}
    surfaces_of: dict[int, list[str]] = {}
    for m in out_ments:
        surfaces_of.setdefault(m.cluster, []).append(text[m.start : m.end])
    for cid, members in clusters.items():
        votes = Counter(m.label for m in members)
        label = max(votes.items(), key=lambda kv: (kv[1], kv[0] == "PER", kv[0]))[0]
        names = list(dict.fromkeys(_id_name(m.words, label) for m in members))
        full_forms = [display_form(m.text, m.words[0]) for m in members if m.words]
        ent = registry.link(label, names, full_forms, surfaces_of.get(cid, []))
        result[cid] = (ent.id, label, ent.canonical)

    items = []
    for m in sorted(out_ments, key=lambda m: (m.start, m.end)):
        if m.cluster not in result:
            continue
        eid, label, canonical = result[m.cluster]
        items.append(
            {
                "start": m.start,
                "end": m.end,
                "text": text[m.start : m.end],
                "label": label,
                "entity_id": eid,
                "canonical": canonical,
            }
        )
    return items


def _id_name(words: tuple[str, ...], label: str) -> tuple[str, ...]:
    """The name as compared across articles: organizations lose a media head (وكالة سبوتنيك → سبوتنيك)."""
    if label != "PER" and len(words) > 1 and words[0] in MEDIA_HEADS:
        return words[1:]
    return words


def _propagate(
    text: str, ments: list[_Mention], toks, tok_mf: list[str], is_word: list[bool], taken: list[bool]
) -> None:
    """Find again, where the recognizer missed them, the names it found elsewhere in the article."""
    patterns: dict[tuple[str, ...], str] = {}
    for m in ments:
        if not m.words:
            continue
        if len(m.words) > 1 or rank(m.words[0]) >= _PROPAGATE_RANK:
            patterns.setdefault(m.words, m.label)
        if m.label == "PER" and len(m.words) > 1 and rank(m.words[-1]) >= _PROPAGATE_RANK:
            patterns.setdefault((m.words[-1],), "PER")
    if not patterns:
        return
    surnames: dict[str, list[str]] = {}  # skeleton → one-word person names, for spelling variants
    for p, lab in patterns.items():
        if len(p) == 1 and lab == "PER":
            surnames.setdefault(skeleton(p[0]), []).append(p[0])
    longest = max(len(p) for p in patterns)
    sizes: dict[str, set[int]] = {}  # first word → lengths of the patterns it begins: most words begin none
    for p in patterns:
        sizes.setdefault(p[0], set()).add(len(p))
    # word → its forms, the lengths worth trying, and whether each form spells a surname of the article;
    # None for a word that can begin no pattern (most words: the loop moves on after one look-up)
    plans: dict[str, tuple[tuple[str, ...], list[int], tuple[bool, ...]] | None] = {}
    firsts, skeletons = sizes.keys(), surnames.keys()
    free = [0] * (len(toks) + 1)  # free[i]: how many tokens from i on are not taken
    for i in range(len(toks) - 1, -1, -1):
        free[i] = 0 if taken[i] else free[i + 1] + 1
    i = 0
    while i < len(toks):
        if taken[i] or not is_word[i]:
            i += 1
            continue
        hit = 0
        w = tok_mf[i]
        if w in plans:
            plan = plans[w]
        elif firsts.isdisjoint(_forms(w)) and (not surnames or skeletons.isdisjoint(_form_skeletons(w))):
            plan = plans[w] = None  # no form begins a pattern or spells a surname: most words, in C calls
        else:
            plan = plans[w] = _plan(w, sizes, surnames)
        if plan is None:
            i += 1
            continue
        cands, tried, fuzzy = plan
        bound = min(longest, len(toks) - i, free[i])
        for n in tried:
            if n > bound:
                continue
            rest = tuple(tok_mf[i + 1 : i + n])
            for c, spells in zip(cands, fuzzy, strict=True):
                lab = patterns.get((c, *rest))
                if lab is None and n == 1 and spells:
                    lab = "PER"
                if lab is not None:
                    start, end = toks[i].start, toks[i + n - 1].end
                    ments.append(_Mention(start, end, lab, text[start:end], words=(c, *rest)))
                    hit = n
                    break
            if hit:
                break
        if hit:
            for j in range(i, i + hit):
                taken[j] = True
            i += hit
        else:
            i += 1


def _plan(
    word: str, sizes: dict[str, set[int]], surnames: dict[str, list[str]]
) -> tuple[tuple[str, ...], list[int], tuple[bool, ...]] | None:
    """What `_propagate` tries at a word: its forms, the pattern lengths they begin (longest first) and
    whether each form spells a surname of the article; None when there is nothing to try."""
    cands = _forms(word)
    tried: set[int] = set()
    for c in cands:
        lengths = sizes.get(c)
        if lengths:
            tried |= lengths
    skeletons = _form_skeletons(word)
    if surnames and not surnames.keys().isdisjoint(skeletons):
        pairs = zip(cands, skeletons, strict=True)
        fuzzy = tuple([any(_fuzzy_single(c, w) for w in surnames.get(k, ())) for c, k in pairs])
        if any(fuzzy):
            tried.add(1)  # a spelling variant of a surname is matched alone
    else:
        fuzzy = (False,) * len(cands)
    if not tried:
        return None
    return cands, sorted(tried, reverse=True), fuzzy


@lru_cache(maxsize=100_000)
def _form_skeletons(word: str) -> tuple[str, ...]:
    return tuple(skeleton(c) for c in _forms(word))


def _fuzzy_single(word: str, name: str) -> bool:
    # A rare word that is a spelling variant of a surname in this article (كيديه for كيدا).
    return len(word) >= 4 and rank(word) >= _COMMON_RANK * 4 and same_word(word, name)


def _titles(ments: list[_Mention], toks, tok_mf: list[str], is_word: list[bool], taken: list[bool]) -> list[_Mention]:
    """Titles in apposition before a person's name, and later uses of those titles."""
    by_start = {m.start: m for m in ments if m.label == "PER" and m.words}
    tok_index = {t.start: i for i, t in enumerate(toks)}
    bindings: list[tuple[int, tuple[str, ...], _Mention]] = []  # (token index, form, person mention)
    spans: list[tuple[int, int, _Mention]] = []
    for start, person in sorted(by_start.items()):
        i = tok_index.get(start)
        if i is None:
            continue
        j = i - 1
        if j >= 0 and tok_mf[j] in "،,":
            j -= 1
        phrase: list[int] = []
        while j >= 0 and len(phrase) < 5 and not taken[j] and is_word[j]:
            w = tok_mf[j]
            head = next((h for h in _forms(w) if h in TITLE_HEADS), None)
            if head is not None:
                phrase.insert(0, j)
                break
            if not _definite(w):
                phrase = []
                break
            phrase.insert(0, j)
            j -= 1
        if not phrase or not any(h in TITLE_HEADS for h in _forms(tok_mf[phrase[0]])):
            continue
        head_raw = tok_mf[phrase[0]]
        head = head_raw if head_raw in TITLE_HEADS else next(c for c in clitic_candidates(head_raw) if c in TITLE_HEADS)
        rest = tuple(tok_mf[k] for k in phrase[1:])
        if not rest:
            continue  # a bare "الرئيس" binds nothing: too many people hold it
        forms = {(head, *rest)}
        if len(rest) >= 2 and is_nisba(rest[-1]):
            forms.add((head, *rest[:-1]))  # وزير الخارجية (الروسي)
            bare = head[2:] if head.startswith("ال") else head
            if bare in _SHORTENABLE:
                forms.add(("ال" + bare, rest[-1]))  # الوزير الروسي
        spans.append((phrase[0], phrase[-1] + 1, person))
        for f in forms:
            bindings.append((phrase[0], f, person))
    out: list[_Mention] = []
    for a, b, person in spans:
        if not any(taken[a:b]):
            out.append(_Mention(toks[a].start, toks[b - 1].end, "PER", "", "title", words=person.words, ref=person))
            for k in range(a, b):
                taken[k] = True
    if not bindings:
        return out
    bindings.sort(key=lambda x: x[0])
    longest = max(len(f) for _, f, _ in bindings)
    firsts = {f[0] for _, f, _ in bindings}  # a later use starts with one of these: other words are skipped
    active: dict[tuple[str, ...], _Mention] = {}  # the bindings made before token i
    nb = 0
    i = 0
    while i < len(toks):
        while nb < len(bindings) and bindings[nb][0] < i:
            active[bindings[nb][1]] = bindings[nb][2]
            nb += 1
        if taken[i] or not is_word[i] or firsts.isdisjoint(_forms(tok_mf[i])):
            i += 1
            continue
        hit = 0
        for n in range(min(longest, len(toks) - i), 1, -1):
            if any(taken[i : i + n]):
                continue
            first = _forms(tok_mf[i])
            rest = tuple(tok_mf[i + 1 : i + n])
            person = next((active[(c, *rest)] for c in first if (c, *rest) in active), None)
            if person is None:
                continue
            nxt = tok_mf[i + n] if i + n < len(toks) else ""
            if is_nisba(nxt):
                break  # وزير الخارجية الأمريكي: another minister
            out.append(_Mention(toks[i].start, toks[i + n - 1].end, "PER", "", "title", words=person.words, ref=person))
            hit = n
            break
        if hit:
            for k in range(i, i + hit):
                taken[k] = True
            i += hit
        else:
            i += 1
    return out


def _org_anaphors(
    ments: list[_Mention], toks, tok_mf: list[str], is_word: list[bool], taken: list[bool]
) -> list[_Mention]:
    """A definite head noun alone (الوزارة) refers to the last organization named with that head."""
    orgs = sorted((m for m in ments if m.label == "ORG" and m.words and m.words[0] in ORG_HEADS), key=lambda m: m.start)
    out: list[_Mention] = []
    if not orgs:
        return out
    last: dict[str, _Mention] = {}  # head → the last organization named with it before token i
    k = 0
    for i, t in enumerate(toks):
        while k < len(orgs) and orgs[k].end <= t.start:
            last[orgs[k].words[0]] = orgs[k]
            k += 1
        if taken[i] or not is_word[i]:
            continue
        bare = _anaphor_head(tok_mf[i])
        if bare is None:
            continue
        nxt = tok_mf[i + 1] if i + 1 < len(toks) else ""
        if _definite(nxt) or nxt in ORG_HEADS:
            continue  # الوزارة الأمريكية, الوكالة الدولية: a different body, named
        ref = last.get(bare)
        if ref is None:
            continue
        out.append(_Mention(t.start, t.end, "ORG", "", "anaphor", words=ref.words, ref=ref))
        taken[i] = True
    return out


@lru_cache(maxsize=100_000)
def _anaphor_head(word: str) -> str | None:
    """The organization head a definite noun names (الوزارة, والوزارة → وزارة), else None."""
    return next((c[2:] for c in _forms(word) if c.startswith("ال") and c[2:] in ORG_HEADS), None)


def _cluster(ments: list[_Mention]) -> dict[int, list[_Mention]]:
    """Names of one article grouped into entities (titles and anaphors follow their referent later).

    Full names are grouped first; a one-word name then joins the group whose full name it ends, or a
    group of the same one-word name. Comparisons run over distinct names, so a long article with
    thousands of mentions of a few people stays linear."""
    names = sorted((m for m in ments if m.kind == "name" and m.words), key=lambda m: m.start)
    groups: list[list[_Mention]] = []
    distinct: list[set[tuple[str, ...]]] = []  # per group: its distinct names
    starts: list[list[int]] = []  # per group: sorted starts of its mentions
    fulls: list[int] = []  # per group: how many mentions give a full name
    full_index: dict[tuple[str, tuple[str, ...]], int] = {}

    def put(m: _Mention, g: int | None) -> None:
        if g is None:
            g = len(groups)
            groups.append([])
            distinct.append(set())
            starts.append([])
            fulls.append(0)
        m.cluster = g
        groups[g].append(m)
        distinct[g].add(_id_name(m.words, m.label))
        bisect.insort(starts[g], m.start)
        fulls[g] += len(m.words) > 1

    for m in names:
        if len(m.words) < 2:
            continue
        idn, grp = _id_name(m.words, m.label), _group(m.label)
        g = full_index.get((grp, idn))
        if g is None:
            g = next(
                (
                    k
                    for k, d in enumerate(distinct)
                    if _group(groups[k][0].label) == grp and any(same_name(idn, o) for o in d)
                ),
                None,
            )
        put(m, g)
        full_index[(grp, idn)] = m.cluster

    memo: dict[tuple[str, str], list[int]] = {}
    for m in names:
        if len(m.words) != 1:
            continue
        w, grp = m.words[0], _group(m.label)
        cands = memo.get((w, grp))
        if cands is None:
            cands = []
            for k, d in enumerate(distinct):
                same_group = _group(groups[k][0].label) == grp
                for o in d:
                    if groups[k][0].label == "PER" and len(o) > 1:
                        # a surname; across labels only spelled alike (the CRF may call it a place)
                        ok = any((same_word if same_group else str.__eq__)(w, x) for x in o[1:])
                    else:
                        ok = same_group and same_name((w,), o)
                    if ok:
                        cands.append(k)
                        break
            memo[(w, grp)] = cands
        best, best_score = None, None
        for k in cands:
            # the full name used most wins; then the nearest bearer before, else the first after
            st = starts[k]
            j = bisect.bisect_right(st, m.start) - 1
            score = (fulls[k], j >= 0, st[j] if j >= 0 else -st[0])
            if best_score is None or score > best_score:
                best, best_score = k, score
        put(m, best)
        if best is None:
            memo[(w, grp)] = [m.cluster]
    return dict(enumerate(groups))

"""Who is speaking: the subject of a reporting cue, as the canonical entity when the entities stage ran.

The subject stands after the verb (وأضاف لافروف), before it (لافروف شدد), in apposition (وزير الخارجية
الروسي، سيرغي لافروف،), as a title or a definite head that refers back (الوزير الروسي، الوزارة), or is hidden
in the verb or a pronoun (وأضاف، لكنه أكد) and then is the last speaker of the article whose gender agrees.

With `Article.entities` the speaker is the entity mention inside the subject phrase (canonical name and
id). Without them the phrase itself decides: titles and honorifics are set apart from the name, a surname
takes the longest full name the article gives it, and a title alone takes the earlier speaker who held it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rawi.annotate.quote_cues import cue_forms
from rawi.annotate.quote_text import QUOTE_MARKS, ArticleView, Tok
from rawi.annotate.quote_words import (
    ADVERBS,
    COMPLEMENTIZERS,
    COMPLEMENTIZERS_PRONOUN,
    FUNCTION,
    HONORIFIC_PRONOUNS,
    HONORIFICS,
    MEDIA_HEADS,
    NON_AGENTS,
    OCCASION_NOUNS,
    ORG_HEADS,
    ORG_HEADS_DEFINITE,
    PREPOSITIONS,
    SPEECH_NOUNS,
    TIME_WORDS,
    TITLE_MODIFIERS,
    TITLES,
    vocabulary,
)
from rawi.text import match_form

_MAX_SUBJECT = 14  # tokens of a subject phrase, apposition included
_NAME_LABELS = ("PER", "ORG", "LOC", "MISC")


@dataclass(slots=True)
class Speaker:
    name: str
    entity_id: str | None = None
    label: str | None = None
    start: int | None = None  # text offsets of the mention that names the speaker here
    end: int | None = None
    gender: str = ""  # from the verb that agreed with it: m | f | ""
    keys: frozenset[str] = frozenset()  # matching-form words of its titles and name, to resolve titles


@dataclass(slots=True)
class Mention:
    start: int  # view offsets
    end: int
    label: str
    canonical: str
    entity_id: str | None
    text_start: int  # text offsets, as the entities stage gave them
    text_end: int


class EntityIndex:
    """The entities stage's mentions of one article, by view offsets."""

    def __init__(self, view: ArticleView, entities: list[dict[str, Any]]) -> None:
        items = []
        for e in entities:
            try:
                s, t = int(e["start"]), int(e["end"])
            except (KeyError, TypeError, ValueError):
                continue
            label = str(e.get("label") or "")
            canonical = str(e.get("canonical") or e.get("text") or view.text[s:t])
            items.append(Mention(view.view_pos(s), view.view_pos(t), label, canonical, e.get("entity_id"), s, t))
        items.sort(key=lambda m: (m.start, -m.end))
        self.items = items
        self._starts = [m.start for m in items]

    def __bool__(self) -> bool:
        return bool(self.items)

    def within(self, start: int, end: int) -> list[Mention]:
        """Mentions that start inside [start, end)."""
        i = bisect_left(self._starts, start)
        out = []
        while i < len(self.items) and self.items[i].start < end:
            out.append(self.items[i])
            i += 1
        return out

    def covering(self, pos: int) -> Mention | None:
        """The mention that holds view position `pos`, if any."""
        i = bisect_right(self._starts, pos) - 1
        for k in range(i, max(-1, i - 4), -1):
            m = self.items[k]
            if m.start <= pos < m.end:
                return m
        return None

    def before(self, pos: int, lo: int) -> list[Mention]:
        """Mentions that end at or before `pos` and start at or after `lo`, nearest last."""
        i = bisect_left(self._starts, pos)
        return [m for m in self.items[max(0, i - 40) : i] if m.end <= pos and m.start >= lo]


@dataclass(slots=True)
class Subject:
    """The subject phrase after a cue: tokens [first, last) of the window, or hidden."""

    first: int
    last: int
    hidden: bool
    gender: str = ""  # a pronoun's gender, when a pronoun holds the subject
    addressee: tuple[int, int] | None = None  # token range of "لـ X" after the cue or the speaker


def strip_proclitic(word: str, vocab: frozenset[str] | set[str] = frozenset()) -> str:
    """The word without its و/ف when the rest is in `vocab` (or, with no vocab, when the rest is definite)."""
    if len(word) < 4 or word[0] not in "وف" or word in vocab:
        return word
    rest = word[1:]
    if rest in vocab or (not vocab and rest[:2] in ("ال", "لل")):
        return rest
    return word


def in_vocab(word: str, vocab: frozenset[str] | set[str]) -> bool:
    return word in vocab or (len(word) > 3 and word[0] in "وف" and word[1:] in vocab)


# The word tests below are pure functions of one word, asked thousands of times per article: memoized.
@lru_cache(maxsize=1 << 16)
def is_definite(word: str) -> bool:
    w = strip_proclitic(word)
    return w.startswith("ال") or (w.startswith("لل") and len(w) > 3) or (w[:3] in ("بال", "كال") and len(w) > 4)


_TITLEISH = TITLES | HONORIFICS | ORG_HEADS | ORG_HEADS_DEFINITE
_PREPOSITION_STEMS = vocabulary("خلال في عن من مع لدي امام بين حول عند علي الي ل ب من")
_CONSTRUCT_HEADS = (TITLES | ORG_HEADS) - HONORIFICS  # heads a genitive follows: رئيس لجنة، مدير فرع
# Words after a title that are no name: مدير عام، شهود عيان، النائب الأول
_NOT_NAMES = TITLE_MODIFIERS | frozenset(("مساعد", "تنفيذي"))


@lru_cache(maxsize=1 << 16)
def is_titleish(word: str) -> bool:
    return in_vocab(word, _TITLEISH)


def _stops_subject(tok: Tok) -> bool:
    return _stop_word(tok.text)


@lru_cache(maxsize=1 << 16)
def _stop_word(w: str) -> bool:
    if not w[0].isalpha():
        return True
    for suffix in ("هما", "هم", "ها", "ه", "هن"):
        if w.endswith(suffix) and w[: -len(suffix)] in _PREPOSITION_STEMS:
            return True  # عنها، فيه، عليهم: a preposition with its pronoun
    return (
        w in COMPLEMENTIZERS
        or w in COMPLEMENTIZERS_PRONOUN
        or w in PREPOSITIONS
        or w in TIME_WORDS
        or w in ADVERBS
        or w in FUNCTION
        or w in SPEECH_NOUNS
        or w in cue_forms()
    )


def _is_addressee_word(w: str) -> bool:
    # لـ«عكاظ» (ل then a mark), للصحفيين، لوكالة، له: a preposition ل fused to its object
    if w == "ل":
        return True
    return w.startswith("ل") and len(w) > 2 and w not in FUNCTION and w not in PREPOSITIONS and not w.startswith("لا")


def parse_subject(
    toks: list[Tok],
    ents: EntityIndex,
    names: ArticleNames,
    prep_l: bool = False,
    objects: bool = True,
    preps: tuple[str, ...] = (),
) -> Subject:
    """The subject phrase at the start of `toks` (the tokens right after a cue). `prep_l`: the cue takes a
    ل phrase as what was said (دعا لرفع), so a ل word after it is no addressee; `objects`: the cue takes a
    direct object, so a definite noun right after it is more likely what was said than who said it."""
    i = 0
    addressee = None
    if toks and _opens_addressee(toks, 0, prep_l) and not ents.covering(toks[0].start):
        j = _skip_addressee(toks, 0)
        if j > 0:
            addressee, i = (0, j), j
    if i >= len(toks):
        return Subject(i, i, True, addressee=addressee)
    first = toks[i]
    if first.text in HONORIFIC_PRONOUNS:
        return Subject(i + 1, i + 1, True, addressee=addressee)
    fused = first.text[0] in preps and len(first.text) > 3 and not is_definite(first.text)
    if fused and not ents.covering(first.start) and not names.is_surname(first.text):
        return Subject(i, i, True, addressee=addressee)  # ويطالبون بتحديد، ودعا لعدم: what was said, no subject
    if first.text in QUOTE_MARKS:
        k = _quoted_name_end(toks, i)
        if k is not None:  # وشدد "عسيري" على أن: a name in quote marks
            return Subject(i, k, False, addressee=addressee)
    mention = ents.covering(first.start) if first.is_word else None
    kunya = first.text in ("ام", "ابو") and i + 1 < len(toks) and name_word(toks[i + 1].text)
    if mention is None and not kunya and (_stops_subject(first) or not _may_start_subject(toks, i, names, objects)):
        return Subject(i, i, True, addressee=addressee)
    j = _subject_end(toks, i, ents, names, objects, preps)
    sub = Subject(i, j, False, addressee=addressee)
    if j < len(toks) and sub.addressee is None and _opens_addressee(toks, j, prep_l):
        k = _skip_addressee(toks, j)
        if k > j:
            sub.addressee = (j, k)
    return sub


def _opens_addressee(toks: list[Tok], i: int, prep_l: bool) -> bool:
    """لـ«عكاظ»، للصحفيين، لوكالة الأنباء، له: a ل phrase of whom the words were said to. A name that merely
    starts with ل (ليديكي، لافروف) is no addressee when the complement follows it at once."""
    w = toks[i].text
    if w == "ل" or w in ("له", "لها", "لهم", "لنا"):
        return True
    if not _is_addressee_word(w) or prep_l:
        return False
    nxt = toks[i + 1].text if i + 1 < len(toks) else ""
    if w.startswith("لل") or w[1:] in MEDIA_HEADS or w[1:] in ORG_HEADS:
        return True
    return (i > 0 and nxt in ":،,") or (i == 0 and bool(nxt) and is_titleish(nxt))


def _skip_addressee(toks: list[Tok], i: int) -> int:
    """End of an addressee phrase starting at token i: لـ«X»، لـ X Y، للصحفيين، له."""
    w = toks[i].text
    j = i + 1
    if w == "ل":
        if j < len(toks) and toks[j].text in QUOTE_MARKS:
            k = j + 1
            while k < len(toks) and k < j + 6 and toks[k].text not in QUOTE_MARKS:
                k += 1
            return k + 1 if k < len(toks) else i
        while j < len(toks) and j < i + 4 and toks[j].is_word and not _stops_subject(toks[j]):
            j += 1
        return j
    if w in ("له", "لها", "لهم", "لنا", "لي"):
        return j
    while j < len(toks) and j < i + 3 and toks[j].is_word and not _stops_subject(toks[j]):
        if not is_definite(toks[j].text) and is_definite(w):
            break
        j += 1
    return j


def _may_start_subject(toks: list[Tok], i: int, names: ArticleNames, objects: bool = True) -> bool:
    """Whether the word at i begins a subject, not an object (أكد دعم المملكة) or a hidden subject's complement.
    A surname the article gives in full (الجدعان after محمد الجدعان) always does."""
    w = toks[i].text
    if is_titleish(w) or in_vocab(w, NON_AGENTS):
        return True  # (a non-agent subject makes the caller drop the cue)
    return _looks_like_subject(toks, i, w, objects) or names.is_surname(strip_proclitic(w))


def _looks_like_subject(toks: list[Tok], i: int, w: str, objects: bool) -> bool:
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    nt = nxt.text if nxt is not None else ""
    before_complement = nxt is None or nt in COMPLEMENTIZERS or nt in COMPLEMENTIZERS_PRONOUN or nt in ":،,"
    if before_complement or nt in QUOTE_MARKS:
        return not _pronoun_suffixed(w) and w not in FUNCTION and not w.endswith("ة")
    if _pronoun_suffixed(w):
        return False  # عزمها، حالته: a noun with a pronoun is what was said, not who said it
    occasion = nt in ("في", "خلال", "ل", "امس", "اليوم", "عبر", "امام", "لدى") or (nt.startswith("لل") and len(nt) > 3)
    if is_definite(w):
        # وقال القحطاني في حديثه: a definite surname; أكد الالتزام بـ، واختتم التدريب بتمارين: objects
        if occasion or (not objects and is_definite(nt) and not _stops_subject(nxt)):
            return True
        return w.endswith("ي") and nxt is not None and nxt.is_word and not is_definite(nt) and not _stops_subject(nxt)
    if w in ("ام", "ابو") and nxt is not None and name_word(nt):
        return True  # أم أحمد، أبو محمد
    if w.endswith(("ه", "ة")) or w in FUNCTION:
        return False  # verbal nouns (أهمية، ضرورة) and pronoun-suffixed words are objects
    if occasion:
        return True  # a one-word name before the occasion (وأضاف لافروف في بيان)
    if nxt is None or not nxt.is_word or nt in PREPOSITIONS or nt in FUNCTION:
        return False  # أقر عددًا من العقوبات: an object before its preposition
    after = toks[i + 2].text if i + 2 < len(toks) else ""
    if nt.startswith("ل") and (after == ":" or after in COMPLEMENTIZERS or after in QUOTE_MARKS):
        return True  # a name, then whom it was said to (وأضاف لافروف لكيديه:)
    # two undefined words in a row: a first name and a surname (سيرغي لافروف), or a name and its nisba
    return nxt.is_word and not nt.endswith(("ه", "ة")) and (not nt.startswith("ل") or not is_definite(nt))


_PRONOUNS = ("ها", "هم", "هما", "هن", "كم", "نا")


def _pronoun_suffixed(w: str) -> bool:
    """A word that ends in an attached pronoun (عزمها، لاعبيه، حالته): no part of a name."""
    if w.endswith("الله"):
        return False
    return (w.endswith(_PRONOUNS) and len(w) > 4) or (w.endswith("ه") and len(w) > 3)


def _quoted_name_end(toks: list[Tok], j: int) -> int | None:
    """After a title, a short name in quote marks (قائد الفرقة "محمد بالطيور":) ends at the returned index."""
    k = j + 1
    while k < len(toks) and k <= j + 4 and toks[k].is_word:
        k += 1
    if k == j + 1 or k >= len(toks) or toks[k].text not in QUOTE_MARKS:
        return None
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    if nxt is not None and not (_stops_subject(nxt) or nxt.text in "،,:" or is_definite(nxt.text)):
        return None  # (صحيفة "صن" البريطانية: an adjective may follow the quoted name)
    return k + 1


def _subject_end(
    toks: list[Tok], i: int, ents: EntityIndex, names: ArticleNames, objects: bool = True, preps: tuple[str, ...] = ()
) -> int:
    """End (exclusive token index) of the subject phrase starting at i: titles, then a name, then titles.

    States: "title" (a title and its complements: وزير الخارجية الروسي، مدير فرع الجمعية), "name" (a name
    read from the surface), "after_name" (an entity mention), "title_after" (a title after the name)."""
    j = i
    state = "title" if is_titleish(toks[i].text) else "name"
    named = False
    last: Mention | None = None  # the last entity mention read
    name_len = 0  # words of a surface name read so far
    limit = min(len(toks), i + _MAX_SUBJECT)
    while j < limit:
        tok = toks[j]
        w = tok.text
        m = ents.covering(tok.start) if tok.is_word else None
        if m is not None and m.label == "PER":
            # A person's name read as one unit; a title the entities stage bound to a person (وزير
            # الخارجية الروسي) stays a title. Organizations and places are read by the grammar below.
            title = is_titleish(w)
            linked = j > i and toks[j - 1].text in _NAME_LINKS  # أبو | سلمية
            # سيرغي | لافروف: the mention goes on with the name being read; لكيديه (ل + the mention's own
            # name) is whom it was said to
            to_whom = w.startswith("ل") and _spells(w[1:], m.canonical)
            going = state == "name" and name_len > 0 and not to_whom
            if named and not title and not linked and not going and (state != "title_after" or w.startswith("ل")):
                break  # a second name right after the speaker: an object or an addressee (لكيديه)
            k = j
            while k < limit and toks[k].start < m.end and (k == j or not _ends_name(toks[k])):
                k += 1
            if title:
                j, state, last = k, ("title" if not named else "title_after"), m
                continue
            j, named, state, last = k, True, "after_name", m
            if toks[j - 1].text in _NAME_LINKS:
                state, name_len = "name", 1  # محمد أبو | سلمية: the mention stopped inside the name
            continue
        if w in "،,":
            k = _apposition_end(toks, j + 1, ents, named, last)
            if k is not None:
                j = k
            break
        if w in QUOTE_MARKS and state == "title" and not named:
            k = _quoted_name_end(toks, j)
            if k is None:
                break
            j, named, state = k, True, "after_name"
            continue
        if w == "." and j > i and len(toks[j - 1].text) == 1 and toks[j - 1].is_word:
            j += 1  # د. محمد، م. جديع: the period of an abbreviated title
            continue
        if w == "(":
            k = j + 1
            while k < limit and toks[k].text != ")":
                k += 1
            if k >= limit:
                break
            j = k + 1
            continue
        if w in ("في", "على", "داخل") and state == "title" and not named:
            if not _title_goes_on(toks, j):
                break
            j += 2  # the preposition and its noun belong to the title (الصحافي في تعز، مصدر في الوزارة)
            continue
        if w == "باسم" and (j == i or any(t.text in _SPOKESMEN for t in toks[max(i, j - 2) : j])):
            j, state = j + 1, "title"  # المتحدث باسم الوزارة (but باسم العوادي is a name)
            continue
        if w in ("ام", "ابو") and j + 1 < len(toks) and name_word(toks[j + 1].text) and state != "after_name":
            j, state, named = j + 1, "name", True  # أم أحمد: a kunya opens a name
            continue
        if w == "ل" or _stops_subject(tok):
            break
        if j > i and w[0] in preps and len(w) > 3 and not is_definite(w) and not ents.covering(tok.start):
            break  # طالب الوزير بتحديد: the preposition of what was said ends the subject
        if state in ("after_name", "name") and is_titleish(w):
            j, state = j + 1, "title_after"
            continue
        if state == "after_name":
            surname = (name_word(w) or is_definite(w)) and w[0] != "ل" and w[:3] != "بال"
            if not objects and j + 1 < len(toks) and _stops_subject(toks[j + 1]) and surname:
                j += 1  # عبدالله | المغلوث إن: a surname the recognizer left out, where no object can stand
                continue
            if ents or is_definite(w) or w.startswith("ل"):
                break
            j += 1  # a name part the recognizer left out
            continue
        if state in ("title", "title_after"):
            prev = toks[j - 1].text if j > i else ""
            if in_vocab(w, ORG_HEADS) and prev and is_definite(prev) and not is_titleish(prev):
                break  # البيت الأبيض حزبَ العمال: a second organization after a complete name is the object
            if objects and is_definite(w) and _object_after_org(w, prev):
                break  # دعت منظمة العفو الدولية السلطاتِ إلى: a new noun after the name's adjective
            if is_titleish(w) or is_definite(w) or _linked_noun(w) or (w.endswith("ة") and not named):
                j += 1  # a title's complements: الخارجية الروسي، بشرطة منطقة مكة، لمجلس التعاون
                continue
            if w in TITLE_MODIFIERS:
                j += 1  # الفريق أول ركن، مدير عام
                continue
            if prev and in_vocab(prev, _CONSTRUCT_HEADS) and not is_definite(prev):
                j += 1  # the construct after a title: مدير فرع الجمعية، رئيس لجنة، محلل أسواق
                continue
            if state == "title_after" or named or (w.endswith("ه") and not w.endswith("الله")):
                break  # (نظيره: a pronoun-suffixed noun is no part of the speaker)
            if objects and not _name_goes_on(toks, j):
                break  # أكدت مصادر في الحزب مصرعَ ستة: an object, not a name
            state = "name"
        # state == "name": words of a name the entities stage did not give
        if w.startswith("لل") and name_len:
            break  # ستيفان دوجاريك للصحفيين: whom it was said to
        link = j > i and toks[j - 1].text in _NAME_LINKS  # after بن، أبو، عبد any word is a name (أبو سلمية)
        before_stop = j + 1 < len(toks) and _stops_subject(toks[j + 1])
        surname = (
            name_len == 1 and w[0] != "ل" and before_stop and (w.endswith("ة") or (not objects and w.endswith("ه")))
        )  # بدر باسلمة أن، بيجن زنغنه في: a surname in ة or ه right before the complement
        if name_len and not is_definite(w) and not name_word(w) and not link and not surname:
            break  # بضرورة، رفضه: what was said begins (but بيجن زنغنه في: a surname in ه)
        if is_definite(w) and j > i and names.is_surname(toks[j - 1].text) and not names.is_surname(w):
            break  # وصف لافروف اللقاء: after a known surname, a definite word is the object
        if w.startswith("ل") and name_len and not link and _addressee_after_name(toks, j, name_len, names):
            break  # وأضاف لافروف لكيديه: after a full name, a ل word is the addressee
        if objects and name_len >= 2 and toks[j - 1].text not in _NAME_LINKS and _object_starts(toks, j):
            break  # أكد سامح شكري رفضَ بلاده: the object begins
        named = True
        name_len += 0 if w in _NAME_LINKS or link else 1
        j += 1
    return max(j, i + 1)


def _addressee_after_name(toks: list[Tok], j: int, name_len: int, names: ArticleNames) -> bool:
    """لكيديه after "وأضاف لافروف": a ل word right before the complement, after a name already whole."""
    nxt = toks[j + 1].text if j + 1 < len(toks) else ""
    if nxt not in ":" and nxt not in COMPLEMENTIZERS and nxt not in COMPLEMENTIZERS_PRONOUN and nxt not in QUOTE_MARKS:
        return False
    return name_len >= 2 or names.is_surname(toks[j - 1].text)


def _object_after_org(w: str, prev: str) -> bool:
    """After a definite adjective of origin (الدولية، الروسي), a definite noun that is no such adjective
    starts a new phrase: the verb's object."""
    nisba = ("ي", "ية", "يه", "يون", "يين")
    w = strip_proclitic(w)
    ok = w.startswith("ال") and is_definite(prev) and prev.endswith(nisba) and not is_titleish(prev)
    return ok and not w.endswith(nisba) and not is_titleish(w)


_SPOKESMEN = vocabulary("المتحدث المتحدثه الناطق الناطقه متحدث متحدثه ناطق ناطقه المتحدثون")
_NAME_LINKS = frozenset(["بن", "ابن", "بنت", "ابو", "ام", "عبد", "ال"])  # words inside a name that link its parts


def _name_goes_on(toks: list[Tok], j: int) -> bool:
    """After a title, whether the word at j opens a name: the next word continues it or the phrase ends."""
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    if nxt is None or not nxt.is_word or _stops_subject(nxt):
        return True
    w = nxt.text
    return name_word(w) or w in _NAME_LINKS or (is_definite(w) and not is_titleish(w) and w[:3] != "بال")


def _object_starts(toks: list[Tok], j: int) -> bool:
    """A verbal noun and its complement after a full name (رفض بلاده، دعم المملكة، تقدير الجهود)."""
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    if nxt is None or not nxt.is_word:
        return False
    w = nxt.text
    return is_definite(w) or (w.endswith(("ه", "ها", "هم")) and len(w) > 3) or w in ("اي", "كل", "جميع")


def _spells(word: str, canonical: str) -> bool:
    """Whether `word` spells the last word of `canonical` (كيديه of إيمانويل كيدا): same first letter, at
    most two letters apart."""
    last = match_form(canonical.split()[-1]) if canonical.split() else ""
    w = match_form(word)
    if not last or not w or last[0] != w[0] or abs(len(last) - len(w)) > 2:
        return False
    prev = list(range(len(w) + 1))
    for i, ca in enumerate(last, 1):
        cur = [i]
        for j, cb in enumerate(w, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= 2


def _ends_name(tok: Tok) -> bool:
    """A token that a recognizer's mention should not have taken in (هاريس للصحفيين، زكي في)."""
    w = tok.text
    return _stops_subject(tok) or w == "ل" or (w.startswith("لل") and len(w) > 3) or w in QUOTE_MARKS


def _linked_noun(w: str) -> bool:
    """بشرطة، لوزارة، لمجلس: a noun joined to a title by ب or ل (not a name that starts with those letters)."""
    if len(w) < 4 or w[0] not in "لب" or _pronoun_suffixed(w):
        return False
    rest = w[1:]
    return w[0] == "ل" or rest in ORG_HEADS or rest in TITLES or rest.endswith("ة")


def _title_goes_on(toks: list[Tok], j: int) -> bool:
    """ "مصدر مسؤول في وزارة الصحة"، "المشرف على البرنامج عبدالرحمن": a في/على inside a title, not the
    occasion (في بيان) nor what was said (شدد على أهمية)."""
    nxt = toks[j + 1].text if j + 1 < len(toks) else ""
    if not nxt or in_vocab(nxt, OCCASION_NOUNS) or nxt in TIME_WORDS or nxt in SPEECH_NOUNS or not toks[j + 1].is_word:
        return False
    if toks[j].text in ("في", "داخل"):
        return True
    # على: only when a name follows the definite phrase it governs
    k = j + 1
    while k < len(toks) and k < j + 5 and toks[k].is_word and is_definite(toks[k].text):
        k += 1
    return (
        k > j + 1
        and k < len(toks)
        and toks[k].is_word
        and not is_definite(toks[k].text)
        and not _stops_subject(toks[k])
    )


def _apposition_end(toks: list[Tok], k: int, ents: EntityIndex, named: bool, last: Mention | None = None) -> int | None:
    """After a comma in a subject: the end (past its closing comma) of a name or title in apposition.
    `last`: the entity mention read before the comma; the same entity after it is its apposition."""
    j = k
    while j < len(toks) and j < k + 8 and toks[j].is_word and not _stops_subject(toks[j]):
        j += 1
    if j == k or j >= len(toks):
        return None
    closer = toks[j].text
    words = [t.text for t in toks[k:j]]
    same = last is not None and any(
        m.entity_id == last.entity_id for m in ents.within(toks[k].start, toks[j - 1].end) if m.entity_id
    )
    if named and not same:
        # after a name only a title stands in apposition, closed by a comma (لافروف، وزير الخارجية،)
        return j + 1 if closer in "،," and is_titleish(words[0]) else None
    has_name = bool(ents.within(toks[k].start, toks[j - 1].end)) or any(
        not is_definite(w) and not is_titleish(w) for w in words
    )
    if not has_name:
        return None
    if closer in "،,":
        return j + 1
    return j if closer in COMPLEMENTIZERS or closer in COMPLEMENTIZERS_PRONOUN or closer == ":" else None


class ArticleNames:
    """What the article itself says about names, for the surface path without the entities stage: the full
    names (two to four name words after a title, a nisba, a comma or a colon) that end with a given surname.
    Looked up on demand and cached, so an article pays only for the words it asks about."""

    def __init__(self, view: ArticleView) -> None:
        self.view = view
        self._full: dict[str, list[tuple[tuple[str, ...], str]]] = {}

    def full_names(self, surname: str) -> list[tuple[tuple[str, ...], str]]:
        """Names of two words or more ending with `surname`, as (matching-form words, shown text)."""
        cached = self._full.get(surname)
        if cached is not None:
            return cached
        out: list[tuple[tuple[str, ...], str]] = []
        norm = self.view.norm
        n = len(surname)
        i = norm.find(surname) if len(surname) > 2 else -1
        while i >= 0:
            if (i == 0 or not _letter(norm[i - 1])) and (i + n >= len(norm) or not _letter(norm[i + n])):
                name = self._name_before(i, i + n)
                if name is not None and name not in out:
                    out.append(name)
            i = norm.find(surname, i + n)
        self._full[surname] = out
        return out

    def _name_before(self, start: int, end: int) -> tuple[tuple[str, ...], str] | None:
        norm = self.view.norm
        lo = max(0, start - 70)
        before = _WORDS.findall(norm, lo, start)
        k = len(before)
        while k > 0 and len(before) - k < 4:
            w = before[k - 1]
            linked = k > 1 and before[k - 2] in _NAME_LINKS and is_definite(w)  # عبد الوافي، أبو الفتوح
            if not (name_word(w) or linked):
                break
            k -= 1
        if k == len(before) or (k > 0 and not _name_context(before[k - 1], before[k - 2] if k > 1 else "")):
            return None
        words = (*before[k:], norm[start:end])
        first = norm.rfind(words[0], lo, start)
        view = self.view
        return words, view.text[view.orig(first) : view.orig_end(end)]

    def is_surname(self, word: str) -> bool:
        """A word the article gives as the last word of a full name (لافروف، الجدعان)."""
        ok = name_word(word) or (is_definite(word) and not is_titleish(word) and word not in FUNCTION)
        return ok and bool(self.full_names(word))

    def canonical(self, words: tuple[str, ...], shown: str) -> tuple[tuple[str, ...], str]:
        """The longest full name of the article that ends with the same surname and holds every word."""
        best = (words, shown)
        for name, display in self.full_names(words[-1]):
            if set(words) <= set(name) and len(name) > len(best[0]):
                best = (name, display)
        return best


_WORDS = re.compile(r"[^\W\d_]+|[^\w\s]")


def _letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a"


@lru_cache(maxsize=1 << 16)
def name_word(w: str) -> bool:
    """A word that can be part of a person's name (not a title, an article-bearing noun or a function word)."""
    return (
        len(w) > 1
        and w[0].isalpha()
        and not is_definite(w)
        and not is_titleish(w)
        and (not w.endswith(("ه", "ة")) or w.endswith("الله"))
        and not (w.endswith(("ها", "هم", "هما", "هن")) and len(w) > 4)
        and w not in FUNCTION
        and w not in PREPOSITIONS
        and w not in TIME_WORDS
        and w not in COMPLEMENTIZERS
        and w not in COMPLEMENTIZERS_PRONOUN
        and w not in cue_forms()
    )


def _name_context(prev: str, prev2: str) -> bool:
    """What stands before a full name: a title or honorific (or a title and its genitive: محافظ الطائف), a
    nisba (الروسي), a comma or a colon."""
    if is_titleish(prev):
        return True
    if prev in "،,":  # an apposition to a title: وزير الخارجية الروسي، سيرغي لافروف
        return is_definite(prev2) or is_titleish(prev2)
    # a nisba (الروسي) or a title's genitive (مدرب الهلال رامون دياز)
    return is_definite(prev) and (prev.endswith(("ي", "ية")) or is_titleish(prev2))


def split_title(words: list[str], appositions: frozenset[int] = frozenset()) -> tuple[int, int]:
    """Token range of the name inside a subject phrase of matching-form words; (0, 0) when only titles.

    The name follows the last honorific (اللواء منصور التركي), else it is the last run of name words that
    follows a definite word (وزير الخارجية الروسي سيرغي لافروف), or opens the phrase (اشرف العربي وزير…).
    A phrase that opens with an organization's head (شركة أرامكو، وزارة الصحة) names that organization.
    `appositions`: indices of words right after a comma (الصحافي في تعز، فؤاد المسلمي،), where a name may open."""
    n = len(words)
    if n and in_vocab(words[0], ORG_HEADS):
        return (0, 0)
    last_hon = -1
    for k, w in enumerate(words):
        if in_vocab(w, HONORIFICS):
            last_hon = k
    start = None
    if 0 <= last_hon < n - 1:
        after = words[last_hon + 1]
        follow = words[last_hon + 2] if last_hon + 2 < n else ""
        # after an honorific a name may end in ة (الوزيرة هالة السعيد) or take the article (الأمير الحسين بن
        # عبدالله) when more of the name follows
        named_next = bool(follow) and (name_word(follow) or follow in _NAME_LINKS or is_definite(follow))
        feminine = after.endswith("ة") and not is_definite(after)
        article = is_definite(after) and not after.endswith(("ي", "ية", "ة")) and not is_titleish(after)
        if name_word(after) or (named_next and (feminine or article)):
            start = last_hon + 1
    if start is None:
        starts = [k for k in range(n) if _name_like(words, k) or (k in appositions and name_word(words[k]))]
        start = starts[-1] if starts else None
        if start is None and n >= 2 and words[-2] == "امين" and is_definite(words[-1]):
            start = n - 2  # أمين الناصر: the first name that is also a title
    if start is None:
        return (0, 0)
    end = start + 1
    while end < n and not is_titleish(words[end]) and end - start < 5:
        end += 1
    return (start, end)


def _name_like(words: list[str], k: int) -> bool:
    """Whether a name starts at word k: a name word after a definite word or an honorific."""
    w = strip_proclitic(words[k], _TITLEISH) if k == 0 else words[k]
    if not name_word(w) or w in _NOT_NAMES or len(w) < 2 or _linked_noun(w):
        return False
    if k == 0:
        return True
    prev = words[k - 1]
    if in_vocab(prev, HONORIFICS) or prev == "باسم":
        return True
    if not is_definite(prev) or prev in _NOT_NAMES:
        return False
    # a lone last word that starts like a preposition is a place (أحد سكان حي الربوة بتيماء)
    return not (k == len(words) - 1 and w[0] in "بل")


def title_keys(words: list[str]) -> frozenset[str]:
    """Title words without the article: وزير الخارجية الروسي → {وزير، خارجيه، روسي}."""
    out = set()
    for w in words:
        w = strip_proclitic(w, _TITLEISH)
        out.add(w[2:] if w.startswith("ال") and len(w) > 3 else w)
    return frozenset(out)


def resolve_title(words: list[str], history: list[Speaker]) -> Speaker | None:
    """A title without a name (الوزير الروسي، رئيس الوزراء، الوزارة) → the latest speaker who held it."""
    keys = title_keys(words)
    for sp in reversed(history):
        if keys <= sp.keys:
            return sp
    return None


def non_agent(words: list[str]) -> bool:
    return bool(words) and in_vocab(words[0], NON_AGENTS)

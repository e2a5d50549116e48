"""Reporting cues: the words that introduce what someone said, in all the forms the press writes them.

The lexicon is written once per verb (its past, present and active participle in matching form) with the
complements it takes; `cue_forms()` generates every inflection with its و/ف proclitic and object pronouns,
so a word of the text is a cue by one set lookup. Kinds of cue:

- `past` / `present` verbs (قال، تؤكد), whose subject is the speaker, after the verb, before it, or hidden;
- `participle` continuations (مؤكدًا، مشيرةً) whose speaker is the subject of the sentence they close;
- `nominal` cues (قوله "نقل عن فلان قوله") that carry the speaker in a phrase before them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rawi.annotate.quote_text import ArticleView
from rawi.annotate.quote_words import spellings

# Complement flags: O = a direct object can be what was said (أكد دعم المملكة); F = the object comes first
# and a ب phrase says what it is (وصف اللقاء بأنه); D = only direct speech follows (colon or quote marks);
# B = the bare form is also a common non-verb (بين between, عبر via, طالب student): it needs و/ف or a
# complementizer right after it; A = an addressee may stand between speaker and complement (أبلغ نظيره أن);
# N = its negation is still a statement (لم يستبعد أن).
# Columns: past | present | participle (- when none, or when it is mostly an adjective) | prepositions that
# introduce a reported noun phrase | flags.
_LEXICON = """
قال|يقول|قايلا||
اكد|يوكد|موكدا|علي|O
اوضح|يوضح|موضحا||
اضاف|يضيف|مضيفا||
اشار|يشير|مشيرا|الي|
شدد|يشدد|مشددا|علي|
صرح|يصرح|مصرحا||
اعلن|يعلن|معلنا|عن|O
دعا|يدعو|داعيا|الي ل|O
لفت|يلفت|لافتا|الي|
اعتبر|يعتبر|معتبرا||O
وصف|يصف|واصفا||F
تابع|يتابع|-||B
ختم|يختم|-||
اختتم|يختتم|مختتما||
اشتكي|يشتكي|مشتكيا|من|
نفي|ينفي|نافيا||OB
حذر|يحذر|محذرا|من|O
كشف|يكشف|كاشفا|عن|
بين|يبين|مبينا||B
ابان|-|-||
ذكر|يذكر|ذاكرا||
افاد|يفيد|-||
نوه|ينوه|منوها||
اعرب|يعرب|معربا|عن|
عبر|يعبر|معبرا|عن|B
طالب|يطالب|مطالبا|ب|OB
حث|يحث|حاثا|علي|O
ناشد|يناشد|مناشدا||O
تعهد|يتعهد|متعهدا|ب|
اتهم|يتهم|متهما||O
هدد|يهدد|مهددا|ب|
اعترف|يعترف|معترفا|ب|
اقر|يقر|مقرا||
زعم|يزعم|زاعما||
ادعي|يدعي|مدعيا||
توقع|يتوقع|متوقعا||
رجح|يرجح|مرجحا||
استبعد|يستبعد|مستبعدا||N
-|يعتقد|معتقدا||
راي|يري|-||B
ابلغ|يبلغ|-||A
اخبر|يخبر|-||A
اورد|يورد|-||
اظهر|-|-||
المح|يلمح|ملمحا|الي|
اردف|يردف|مردفا||
استطرد|يستطرد|مستطردا||
كتب|يكتب|-||D
غرد|يغرد|مغردا||D
علق|يعلق|معلقا||D
اجاب|يجيب|مجيبا||D
تسال|يتسال|متسايلا||D
جدد|يجدد|-||O
استهل|يستهل|مستهلا||
افصح|يفصح|مفصحا|عن|
نبه|ينبه|منبها|الي|
زاد|-|-||DB
نقل|ينقل|-||B
"""

# Nominal cues: the speaker stands in "عن فلان" before them (نُقل عن فلان قوله: …), or is the sentence's.
_NOMINAL = {"قوله": "m", "قولها": "f", "قولهم": "m", "بقوله": "m", "بقولها": "f", "بالقول": "", "قايلين": "m"}

_PROCLITICS = ("و", "ف")
_OBJECT_SUFFIXES = ("ه", "ها", "هم", "هما")


@dataclass(slots=True, frozen=True)
class Verb:
    lemma: str  # the past form, matching form
    preps: tuple[str, ...]
    flags: str

    def has(self, flag: str) -> bool:
        return flag in self.flags


@dataclass(slots=True, frozen=True)
class CueForm:
    verb: Verb | None  # None for nominal cues
    tense: str  # past | present | participle | nominal
    gender: str  # m | f | "" (unknown)
    plural: bool
    proclitic: int  # length of a و/ف prefix
    suffix: str  # attached object pronoun


@dataclass(slots=True)
class CueHit:
    start: int  # view offsets of the whole word, proclitic included
    end: int
    form: CueForm

    @property
    def word_start(self) -> int:
        return self.start + self.form.proclitic


def _past_forms(past: str) -> list[tuple[str, str, bool]]:
    stem = past[:-1] if past[-1] in "اي" else past
    out = [(past, "m", False), (stem + "ت", "f", False), (stem + "وا", "m", True)]
    return out


def _present_forms(present: str) -> list[tuple[str, str, bool]]:
    rest = present[1:]
    out = [(present, "m", False), ("ت" + rest, "f", False), (present + "ون", "m", True)]
    if present[-1] in "وي":
        out.append((present[:-1] + "ون", "m", True))
    return out


def _participle_forms(part: str) -> list[tuple[str, str, bool]]:
    stem = part[:-1]
    out = [(part, "m", False), (stem + "ة", "f", False), (stem + "ه", "f", False), (stem + "ين", "m", True)]
    out.append((stem + "ون", "m", True))
    if stem.endswith("ي"):
        out.append((stem[:-1] + "ين", "m", True))
    return out


@cache
def cue_forms() -> dict[str, CueForm]:
    """Every written form of every cue (matching form) → what it is."""
    forms: dict[str, CueForm] = {}

    def add(word: str, form: CueForm) -> None:
        forms.setdefault(word, form)

    bases: list[tuple[str, CueForm]] = []
    for line in _LEXICON.strip().splitlines():
        past, present, participle, preps, flags = line.split("|")
        verb = Verb(past if past != "-" else present, tuple(v for p in preps.split() for v in spellings(p)), flags)
        # (no past form where it is mostly something else: اعتقد is the first person "I think" in quotes)
        for word, gender, plural in _past_forms(past) if past != "-" else []:
            bases.append((word, CueForm(verb, "past", gender, plural, 0, "")))
            if not plural:
                # object pronouns only where the verb takes an object (إشارة is no أشاره)
                takes_object = any(f in verb.flags for f in "OFA") and not verb.has("B")
                for suf in _OBJECT_SUFFIXES if takes_object else ():
                    bases.append((word + suf, CueForm(verb, "past", gender, plural, 0, suf)))
        if present != "-":
            for word, gender, plural in _present_forms(present):
                bases.append((word, CueForm(verb, "present", gender, plural, 0, "")))
        if participle != "-":
            for word, gender, plural in _participle_forms(participle):
                bases.append((word, CueForm(verb, "participle", gender, plural, 0, "")))
    for word, gender in _NOMINAL.items():
        bases.append((word, CueForm(None, "nominal", gender, False, 0, "")))
    # the view keeps final ى (نفى، اشتكى، رأى): each form ending in ي is also listed with ى
    bases = [(v, form) for word, form in bases for v in spellings(word) if not v.endswith("ة") or word == v]
    for word, form in bases:  # bare forms first: they win over a prefixed form that spells the same
        add(word, form)
    for word, form in bases:
        for p in _PROCLITICS:
            add(p + word, CueForm(form.verb, form.tense, form.gender, form.plural, len(p), form.suffix))
    return forms


@cache
def _lookup() -> tuple[frozenset[str], dict[str, str]]:
    """Cue forms as `str.split` meets them: bare, or with the punctuation the press glues to them."""
    glued = {}
    for word in cue_forms():
        glued[word] = word
        for p in ":،,.؛":
            glued[word + p] = word
        glued["(" + word] = word
    return frozenset(glued), glued


def find_cues(view: ArticleView) -> list[CueHit]:
    """Every cue word of the view, in text order."""
    forms = cue_forms()
    keys, base = _lookup()
    norm = view.norm
    present = {base[w] for w in keys.intersection(norm.split())}
    hits: list[CueHit] = []
    for word in present:
        form = forms[word]
        n = len(word)
        ambiguous = form.verb is not None and form.verb.has("B") and not form.proclitic
        i = norm.find(word)
        while i >= 0:
            whole = (i == 0 or not _is_letter(norm[i - 1])) and (i + n >= len(norm) or not _is_letter(norm[i + n]))
            if whole and (not ambiguous or _opens_clause(norm, i)):
                hits.append(CueHit(i, i + n, form))
            i = norm.find(word, i + n)
    hits.sort(key=lambda h: h.start)
    return hits


def _opens_clause(norm: str, i: int) -> bool:
    """بين، عبر، طالب without و: a verb only where a clause opens (after punctuation or at the start)."""
    k = i - 1
    while k >= 0 and norm[k] == " ":
        k -= 1
    return k < 0 or norm[k] in '.،,:؛!?؟\n"«»“”()-–'


def _is_letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a"

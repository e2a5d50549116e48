"""Quotations: who said what, with the reporting word and whether it is direct or indirect.

`annotate_quotes(article)` fills `Article.quotes` with dicts of the output schema (DESIGN.md):
`{start, end, text, kind, cue, cue_start, cue_end, speaker, speaker_id, speaker_start, speaker_end,
addressee}`, offsets into `article.text` and `text == article.text[start:end]`.

How a quote is found, for each reporting cue of the article (annotate/quote_cues.py), in text order:
1. the subject after the cue, else before it, else the hidden subject (annotate/quote_speakers.py);
2. the complement after the subject and the occasion words (في بيان، يوم الأحد، لـ«الرياض»): a colon or
   quote marks (direct), a that-clause أن/إن/بأن/إلى أن (indirect), or a reported noun phrase for the
   verbs that take one (دعا إلى، شدد على، أكد دعم) (indirect);
3. its span: a direct quote runs to its closing mark, across paragraphs when long; an indirect one to the
   end of the reported clause (sentence end, or a comma before a new cue, a source (بحسب) or a contrast);
4. the journalist's own reading is not a quote: non-agent subjects (تصريحات لافروف تشير إلى أن),
   impersonal and passive forms (يُذكر أن، نُقل عن), present-tense stances of places (ترى موسكو أن),
   negated cues, and cues inside a quote already found (its nested statements).
A trailing or leading source (قُتل خمسة، بحسب مصدر أمني) makes its clause a quote of that source.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from rawi.annotate.quote_cues import CueForm, CueHit, Verb, find_cues
from rawi.annotate.quote_speakers import (
    _PREPOSITION_STEMS,
    ArticleNames,
    EntityIndex,
    Mention,
    Speaker,
    Subject,
    _name_like,
    in_vocab,
    is_definite,
    is_titleish,
    name_word,
    non_agent,
    parse_subject,
    resolve_title,
    split_title,
    strip_proclitic,
    title_keys,
)
from rawi.annotate.quote_text import OPEN_QUOTES, QUOTE_MARKS, SENTENCE_END, ArticleView, Tok
from rawi.annotate.quote_words import (
    ATTRIBUTION_WORDS,
    COMPLEMENTIZERS,
    COMPLEMENTIZERS_PRONOUN,
    FUNCTION,
    MEDIA_HEADS,
    NEGATIONS,
    OCCASION_NOUNS,
    ORG_HEADS,
    PREPOSITIONS,
    PRONOUN_SUBJECTS,
    RELATIVES,
    SOURCE_HEADS,
    SPEECH_NOUNS,
    STATEMENT_NOUNS,
    TIME_WORDS,
    TITLES,
    vocabulary,
)
from rawi.model import Article
from rawi.text import match_form

_WINDOW = 48  # tokens read after a cue: subject, occasion and the start of the complement
_SHORT_WINDOW = 10  # read first; the long window only when the short one ran out
_SCAN = 24  # tokens of occasion words allowed between the subject and the complement
# Words before أن that make it no complement of the cue: قبل أن، إلا أن، يمكن أن
_NOT_REPORTING = vocabulary("قبل بعد دون الا غير يمكن يجب ينبغي لابد بد رغم حتي منذ مجرد بمجرد شريطه شرط يستطيع تستطيع")
_MIN_DIRECT_WORDS = 3  # shorter quoted runs are names or scare quotes, not speech
_DAMMA = "\u064f"
_CONTRAST = re.compile(
    r"[،,]\s*(?:و?ب?حسب|حسبما|بحسبما|وفق|وفقا|طبقا|نقلا|على حد|بينما|وبينما|فيما|وفيما|في حين|في الوقت الذي|"
    r"الا ان|غير ان|وذلك وفق|كما)(?![\u0621-\u064a])"
)
_ATTRIBUTION = re.compile(r"(?<![\u0621-\u064a])(?:و?ب?حسب(?:ما)?|وفقا|وفق|طبقا|نقلا)(?![\u0621-\u064a])")
_OCCASION_OPENERS = frozenset({"في", "خلال", "عبر", "امام", "عقب", "بعد", "اثناء", "لدى", "ضمن", "من", "عن"})
_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")
_SOON_WORDS = COMPLEMENTIZERS | COMPLEMENTIZERS_PRONOUN | {"عن", "الى", "الي", "على"}
_QUOTE_CHAR = re.compile('[«»“”"„]')
_SENTENCE_STOP = re.compile(r"[!?؟\n]|(?<!\s[\u0621-\u064a])\.(?!\d)")
_MARKER = re.compile(
    r"[:«“\"]|(?<![\u0621-\u064a])(?:[بو]?ان|[بو]?انه|[بو]?انها|[بو]?انهم|اننا|انني)(?![\u0621-\u064a])"
)
_OCCASION_RE = re.compile(r"(?<![\u0621-\u064a])(?:تصريح|حديث|مقابل[هة]|حوار|تعليق|لقاء|بيان)")


@dataclass(slots=True)
class _Quote:
    start: int  # view offsets
    end: int
    kind: str
    cue_start: int
    cue_end: int
    speaker: Speaker
    addressee: str | None

    def to_json(self, view: ArticleView) -> dict[str, Any]:
        text = view.text
        start, end = view.orig(self.start), view.orig_end(self.end)
        cue_start, cue_end = view.orig(self.cue_start), view.orig_end(self.cue_end)
        sp = self.speaker
        return {
            "start": start,
            "end": end,
            "text": text[start:end],
            "kind": self.kind,
            "cue": text[cue_start:cue_end],
            "cue_start": cue_start,
            "cue_end": cue_end,
            "speaker": sp.name,
            "speaker_id": sp.entity_id,
            "speaker_start": sp.start,
            "speaker_end": sp.end,
            "addressee": self.addressee,
        }


@dataclass(slots=True)
class _Complement:
    kind: str  # direct | indirect
    start: int  # view offset where the quote starts
    mode: str  # quote (marks) | colon | that | noun
    mark: str = ""  # the opening quote mark for mode quote
    at: int = -1  # token index of the marker, when found past the subject


def annotate_quotes(article: Article) -> Article:
    """A copy of `article` with `quotes` filled (see the module doc for the schema)."""
    return dataclasses.replace(article, quotes=find_quotes(article.text, article.entities))


def find_quotes(text: str, entities: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The quotations of one article text, given the entity mentions of that text when there are any."""
    if not text:
        return []
    view = ArticleView(text)
    hits = find_cues(view)
    norm = view.norm
    has_attribution = any(w in norm for w in ("حسب", "وفق", "طبقا", "نقلا")) and _ATTRIBUTION.search(norm) is not None
    if not hits and not has_attribution:
        return []
    finder = _Finder(view, hits, EntityIndex(view, entities or []))
    for hit in hits:
        finder.consider(hit)
    if has_attribution:
        finder.attributions()
    finder.quotes.sort(key=lambda q: q.start)
    return [q.to_json(view) for q in finder.quotes]


class _Finder:
    """The state of one article: its quotes so far and the speakers they named, in order."""

    def __init__(self, view: ArticleView, hits: list[CueHit], ents: EntityIndex) -> None:
        self.view = view
        self.hits = hits
        self.ents = ents
        self.quotes: list[_Quote] = []
        self.history: list[Speaker] = []
        self.names = ArticleNames(view)
        self._hit_at = {h.start: h for h in hits}

    # ------------------------------------------------------------------ one cue

    def consider(self, hit: CueHit) -> None:
        if self.quotes and self._inside_quote(hit.start):
            return  # a statement nested in a quote belongs to that quote
        form = hit.form
        if form.tense == "nominal":
            self._nominal(hit)
            return
        verb = form.verb
        assert verb is not None
        norm = self.view.norm
        prev = _prev_words(norm, hit.start)
        if not self._cue_allowed(hit, verb, prev):
            return
        if verb.has("B") and not verb.has("O") and not _soon_complement(norm, hit.end, verb):
            return  # بين، عبر، طالب: mostly not verbs; only with a complement close after them
        if verb.has("B") and not form.proclitic and not _clause_initial(prev) and not _that_follows(norm, hit.end):
            return
        if not (verb.has("O") or verb.has("F")) and _marker_ahead(norm, hit.end, verb) < 0:
            return  # nothing in the sentence can open what was said: no colon, no marks, no أن
        for window in (_SHORT_WINDOW, _WINDOW):
            toks = self.view.tokens(hit.end, self.view.paragraph_end(hit.end), limit=window)
            more = len(toks) == window  # the window may have cut the subject or the occasion words short
            toks = _cut_at_sentence_end(toks)
            more = more and len(toks) == window
            subject = self._subject(toks, verb, form)
            if verb.lemma == "نقل":
                if not more or window == _WINDOW:
                    self._relayed(hit, toks, subject)
                    return
                continue
            comp = self._complement(toks, subject.last, verb, form, explicit=not subject.hidden)
            if comp is not None or not more:
                break
            # read further only for a subject cut short, or a complement marker past the window's end
            if subject.last < len(toks) - 1 and _marker_ahead(norm, toks[-2].start, verb) < 0:
                break
        if comp is None or (subject.hidden and verb.has("B") and comp.mode == "noun"):
            return
        speaker = self._speaker(hit, form, subject, toks, prev, comp)
        if speaker is None:
            return
        self._emit(hit, comp, speaker, self._addressee(hit, toks, subject))

    def _subject(self, toks: list[Tok], verb: Verb, form: CueForm) -> Subject:
        if form.tense != "participle":
            objects = verb.has("O") or verb.has("F") or verb.has("A")
            fused = tuple(p for p in verb.preps if len(p) == 1)  # ب، ل written onto their noun
            return parse_subject(toks, self.ents, self.names, "ل" in verb.preps, objects, fused)
        # a participle's subject is the sentence's; only an addressee may follow it (قائلًا لـ«عكاظ»:)
        if toks and _addressee_start(toks[0].text):
            sub = parse_subject(toks, self.ents, self.names, prep_l="ل" in verb.preps)
            return Subject(sub.first, sub.first, True, addressee=sub.addressee)
        return Subject(0, 0, True)

    def _cue_allowed(self, hit: CueHit, verb: Verb, prev: list[str]) -> bool:
        p1 = prev[-1] if prev else ""
        if p1 in NEGATIONS and not verb.has("N"):
            return False  # لم يؤكد، لا يرى: not a statement
        if p1 in ("قد", "وقد", "فقد", "لقد") and len(prev) > 1 and prev[-2] in NEGATIONS:
            return False
        if p1 in RELATIVES and p1 not in ("الذي", "التي", "الذين"):
            return False  # وهو ما أكده: refers back to a statement already told
        if p1 in ATTRIBUTION_WORDS:
            return False  # حسبما أفادت: a source of the next clause (see attributions)
        if hit.form.tense == "present" and hit.form.proclitic == 0 and p1 in ("ل", "كي", "لكي", "حتى", "حتي"):
            return False
        return not (hit.form.tense == "past" and self._passive(hit))  # أُعلن، نُقل، ذُكر: nobody to name

    def _passive(self, hit: CueHit) -> bool:
        text = self.view.text
        first = self.view.orig(hit.word_start)
        return first + 1 < len(text) and text[first + 1] == _DAMMA

    def _back_tokens(self, pos: int) -> list[Tok]:
        start = max(self.view.sentence_start(pos), pos - 160)
        return self.view.tokens(start, pos)

    # ------------------------------------------------------------------ complements

    def _complement(self, toks: list[Tok], i: int, verb: Verb, form: CueForm, explicit: bool) -> _Complement | None:
        """What follows the subject: direct speech, a that-clause, or a reported noun phrase."""
        direct_only = verb.has("D") or (form.tense == "present" and not explicit)
        comp = self._immediate(toks, i, verb, form, explicit, direct_only)
        if comp is not None or i >= len(toks):
            return comp
        cont = self._continuation(toks, i)
        if cont is not None:
            return cont
        first = toks[i].text
        if is_definite(first) and not is_titleish(first) and first not in SPEECH_NOUNS and not first.startswith("لل"):
            return None  # وأضاف البديل الهدفَ الثاني: an object where no object is reported
        # occasion words, an addressee, the rest of a long subject: then the complement
        return self._scan(toks, i, direct_only, verb)

    def _immediate(
        self, toks: list[Tok], i: int, verb: Verb, form: CueForm, explicit: bool, direct_only: bool
    ) -> _Complement | None:
        if i >= len(toks):
            return None
        t = toks[i]
        w = t.text
        if w == ":":
            return self._after_colon(toks, i)
        if w in OPEN_QUOTES:
            if self._quoted_words(t.start) >= _MIN_DIRECT_WORDS:
                return _Complement("direct", t.start + 1, "quote", w)
            if direct_only or not verb.has("O"):
                return None
            return _Complement("indirect", t.start, "noun")
        if direct_only:
            return None
        that = _that_clause(toks, i)
        if that is not None:
            return _Complement("indirect", that, "that")
        if not t.is_word:
            return None
        nominal = form.tense != "present" or explicit
        if w in verb.preps and nominal and i + 1 < len(toks) and toks[i + 1].is_word:
            return _Complement("indirect", toks[i + 1].start, "noun")
        for p in ("ب", "ل"):
            if p in verb.preps and w.startswith(p) and len(w) > 3 and w not in FUNCTION and nominal:
                return _Complement("indirect", t.start + 1, "noun")
        if form.tense == "present" and not explicit:
            return None
        if verb.has("F") and (form.suffix or self._has_ba(toks, i)):
            return _Complement("indirect", t.start, "noun")
        if verb.has("O") and _object_word(w):
            return _Complement("indirect", t.start, "noun")
        return None

    def _continuation(self, toks: list[Tok], i: int) -> _Complement | None:
        """ "وأوضح المتحدث قائلًا: …", "ورد مضيفًا أن …": the participle's complement is the verb's."""
        hit = self._hit_at.get(toks[i].start)
        if hit is None or hit.form.tense != "participle" or hit.form.verb is None:
            return None
        verb = hit.form.verb
        return self._immediate(toks, i + 1, verb, hit.form, explicit=False, direct_only=verb.has("D"))

    def _after_colon(self, toks: list[Tok], i: int) -> _Complement | None:
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is None:
            return None
        if nxt.text in OPEN_QUOTES:
            return _Complement("direct", nxt.start + 1, "quote", nxt.text)
        if nxt.text in COMPLEMENTIZERS or nxt.text in COMPLEMENTIZERS_PRONOUN:
            that = _that_clause(toks, i + 1)
            return _Complement("indirect", that if that is not None else nxt.start, "that")
        return _Complement("direct", nxt.start, "colon")

    def _scan(
        self, toks: list[Tok], i: int, direct_only: bool, verb: Verb | None = None, max_words: int = _SCAN
    ) -> _Complement | None:
        """Past occasion words (في بيان، يوم الأحد، حديثه بالتأكيد على): the first complement marker."""
        k = i
        stop = min(len(toks), i + max_words)
        noun = None  # a preposition of the cue before a verbal noun (… خلال لقائه الوزير على ضرورة …)
        while k < stop:
            t = toks[k]
            hit = self._hit_at.get(t.start)
            if hit is not None and _new_clause(self.view.norm, hit):
                return None  # another report begins: this cue had no complement of its own
            w = t.text
            if w == ":":
                return self._after_colon(toks, k)
            if w in OPEN_QUOTES:
                close = self._closing_mark(t.start)
                if self._quoted_words(t.start) >= _MIN_DIRECT_WORDS:
                    return _Complement("direct", t.start + 1, "quote", w, k)
                while close is not None and k + 1 < stop and toks[k + 1].start <= close:
                    k += 1  # a quoted name or outlet (في "تويتر"): step over it
            elif not direct_only:
                that = _that_clause(toks, k)
                if that is not None and (k == i or toks[k - 1].text not in _NOT_REPORTING):
                    return _Complement("indirect", that, "that", "", k)
                if verb is not None and w in verb.preps and k > i and k + 1 < stop and noun is None:
                    if toks[k - 1].text in "،,":
                        return _Complement("indirect", toks[k + 1].start, "noun", "", k)
                    nxt = toks[k + 1].text
                    if _verbal_noun(nxt):
                        noun = _Complement("indirect", toks[k + 1].start, "noun", "", k)
            k += 1
        return noun

    def _quoted_words(self, pos: int) -> int:
        close = self._closing_mark(pos)
        end = close if close is not None else self.view.paragraph_end(pos)
        return len(self.view.norm[pos + 1 : end].split()) if close is not None else _MIN_DIRECT_WORDS

    def _has_ba(self, toks: list[Tok], i: int) -> bool:
        return any(t.text.startswith("ب") and len(t.text) > 2 for t in toks[i : i + 6])

    # ------------------------------------------------------------------ speakers

    def _speaker(
        self, hit: CueHit, form: CueForm, subject: Subject, toks: list[Tok], prev: list[str], comp: _Complement
    ) -> Speaker | None:
        if not subject.hidden:
            sub_toks = toks[subject.first : subject.last]
            words = [t.text for t in sub_toks if t.is_word]
            if non_agent(words):
                return None
            if in_vocab(words[0], STATEMENT_NOUNS):
                return self._issuer(toks[subject.first : comp.at if comp.at > 0 else subject.last], hit.start)
            sp = self._resolve(sub_toks, form.gender)
            if sp is not None and form.tense == "present" and self._place_like(sp):
                return None  # ترى موسكو أن، تؤكد روسيا: the writer's reading of a country's stance
            return sp
        if form.plural:
            return None  # أكدوا، مؤكدين with nobody named: several speakers this finder cannot tell apart
        if form.tense in ("participle", "nominal"):
            return self._sentence_speaker(hit.start, form.gender)
        gender = subject.gender or form.gender
        if prev and prev[-1] in ("قد", "وقد", "فقد"):
            pre = _kana_subject(self._back_tokens(hit.start))
            if pre is not None:  # وكان الوزير فلان قد أعلن: the subject stands between كان and قد
                return self._resolve(pre, form.gender) if not non_agent([t.text for t in pre]) else None
        if not form.proclitic and prev and not _clause_boundary(prev[-1]) and prev[-1] not in PRONOUN_SUBJECTS:
            pre = _preverbal(self._back_tokens(hit.start))
            if pre is not None:
                words = [t.text for t in pre if t.is_word]
                if non_agent(words):
                    return None
                if self._agent_phrase(pre):
                    sp = self._resolve(pre, form.gender)
                    if sp is not None and form.tense == "present" and self._place_like(sp):
                        return None
                    return sp
        p1 = prev[-1] if prev else ""
        if p1 in PRONOUN_SUBJECTS:
            gender = PRONOUN_SUBJECTS[p1]
        elif form.tense == "present" and comp.kind != "direct":
            return None  # يُذكر أن، يتوقع أن: impersonal
        return self._last_speaker(gender, hit.start)

    def _agent_phrase(self, toks: list[Tok]) -> bool:
        """A phrase before a verb that can be its subject: a name, a title, an organization."""
        if self.ents:
            near = [m for m in self.ents.within(toks[0].start, toks[-1].end) if m.label in ("PER", "ORG")]
            if near and near[-1].end >= toks[-1].end - 1:
                return True  # the phrase ends with a person or an organization
        # a title, or a name the article gives in full (لافروف شدد after سيرغي لافروف)
        return is_titleish(toks[0].text) or (len(toks) <= 3 and self.names.is_surname(toks[-1].text))

    def _resolve(self, toks: list[Tok], gender: str) -> Speaker | None:
        """The speaker named by a subject phrase: the grammar finds the name (or the organization, or the
        title alone), and the entities stage, when it ran, gives its canonical name and id."""
        words = [t for t in toks if t.is_word]
        if not words:
            return None
        a, b = words[0].start, words[-1].end
        mf = [t.text for t in words]
        keys = title_keys(mf)
        mentions = self.ents.within(a, b) if self.ents else []
        commas = {t.end for t in toks if t.text in "،,"}
        after = frozenset(k for k, t in enumerate(words) if any(c <= t.start and t.start - c <= 2 for c in commas))
        s, e = split_title(mf, after)
        if e > s:
            return self._person(words[s:e], mentions, gender, keys)
        if in_vocab(mf[0], ORG_HEADS):
            return self._organization(words, mentions, gender, keys)
        people = [m for m in mentions if m.label == "PER"]
        if people:  # a title the entities stage resolved (الوزير الروسي → سيرغي لافروف)
            return self._speaker_from_mention(people[0], gender, keys)
        earlier = resolve_title(mf, self.history)
        start, end = self.view.orig(a), self.view.orig_end(b)
        if earlier is not None:
            return dataclasses.replace(earlier, start=start, end=end, gender=gender or earlier.gender)
        org = self._org_from_text(mf, a)
        if org is not None:
            return Speaker(org, None, "ORG", start, end, gender, keys | title_keys(org.split()))
        return Speaker(_clean_name(self._shown(a, b)), None, None, start, end, gender, keys)

    def _person(self, name: list[Tok], mentions: list[Mention], gender: str, keys: frozenset[str]) -> Speaker:
        """A person named in the subject: the recognizer's mention when it agrees with the name the grammar
        read, else that name, made canonical by the article's longest form of it."""
        a, b = name[0].start, name[-1].end
        words = tuple(t.text for t in name)
        keys = keys | frozenset(words)
        start, end = self.view.orig(a), self.view.orig_end(b)
        for m in mentions:
            if m.label == "PER" and m.start >= a and m.end <= b and _agrees(words, m.canonical):
                sp = self._speaker_from_mention(m, gender, keys)  # the recognizer's name is the grammar's
                full, display = self.names.canonical(words, self._shown(a, b))
                if len(full) > len(m.canonical.split()) and _agrees(tuple(m.canonical.split()), display):
                    sp = dataclasses.replace(sp, name=_clean_name(display))  # دياز → رامون دياز, as the article has it
                return sp
        known = self._entity_by_surname(words)
        if known is not None:
            return dataclasses.replace(self._speaker_from_mention(known, gender, keys), start=start, end=end)
        # the recognizer found part of the name (لافروف of سيرغي لافروف): the fuller name, with its id
        part = next((m for m in mentions if m.label == "PER" and m.start >= a and m.end <= b), None)
        shown = self._shown(a, b)
        full, display = self.names.canonical(words, shown)
        eid = part.entity_id if part is not None and _agrees(tuple(part.canonical.split()), display) else None
        sp = Speaker(_clean_name(display), eid, "PER" if eid else None, start, end, gender, keys | frozenset(full))
        same = self._same_person(sp)
        return same if same is not None else sp

    def _entity_by_surname(self, words: tuple[str, ...]) -> Mention | None:
        """A person entity of the article whose canonical name holds these words and ends with the surname."""
        if not self.ents:
            return None
        best = None
        for m in self.ents.items:
            if m.label != "PER":
                continue
            cw = [_fold(w) for w in m.canonical.split()]
            fits = bool(cw) and cw[-1] == _fold(words[-1]) and {_fold(w) for w in words} <= set(cw)
            if fits and (best is None or len(m.canonical) > len(best.canonical)):
                best = m
        return best

    def _organization(self, words: list[Tok], mentions: list[Mention], gender: str, keys: frozenset[str]) -> Speaker:
        """An organization named by a head and its modifiers (وزارة الصحة، شركة أرامكو السعودية)."""
        cut = next((k for k, t in enumerate(words) if k and self.view.norm[t.start - 1] in QUOTE_MARKS | {"("}), None)
        if cut is not None:
            words = words[:cut]  # وكالة الأنباء السعودية «واس»: the quoted short name is an alias
        a, b = words[0].start, words[-1].end
        start, end = self.view.orig(a), self.view.orig_end(b)
        shown = _clean_name(self._shown(a, b))
        for m in mentions:
            if m.label in ("ORG", "LOC", "MISC") and m.start <= a + 1 and m.end >= b - 1:
                return self._speaker_from_mention(m, gender, keys)  # the recognizer agrees on the span
        same = next((m for m in mentions if m.start <= a + 1 and m.label == "ORG"), None)
        eid = same.entity_id if same is not None and _fold(same.canonical) == _fold(shown) else None
        return Speaker(shown, eid, "ORG", start, end, gender, keys)

    def _speaker_from_mention(self, m: Mention, gender: str, keys: frozenset[str]) -> Speaker:
        earlier = next((sp for sp in reversed(self.history) if m.entity_id and sp.entity_id == m.entity_id), None)
        if earlier is not None:
            keys = keys | earlier.keys
        return Speaker(m.canonical, m.entity_id, m.label, m.text_start, m.text_end, gender, keys)

    def _same_person(self, sp: Speaker) -> Speaker | None:
        """An earlier speaker with the same name: keep its title words (for later titles)."""
        for old in reversed(self.history):
            if old.entity_id is None and old.name == sp.name:
                return dataclasses.replace(sp, keys=sp.keys | old.keys)
        return None

    def _shown(self, a: int, b: int) -> str:
        return self.view.text[self.view.orig(a) : self.view.orig_end(b)]

    def _org_from_text(self, words: list[str], before: int) -> str | None:
        """A definite head alone (الوزارة): the last organization named with that head earlier in the text."""
        if len(words) != 1:
            return None
        w = strip_proclitic(words[0])
        head = w[2:] if w.startswith("ال") else None
        if head is None or head not in ORG_HEADS:
            return None
        pattern = re.compile(r"(?<![\u0621-\u064a])" + head + r"((?:\s+(?:ال|لل)[\u0621-\u064a]+)+)")
        found = None
        for m in pattern.finditer(self.view.norm, 0, before):
            found = m
        if found is None:
            return None
        return self._shown(found.start(), found.end())

    def _place_like(self, sp: Speaker) -> bool:
        """A one-word name that never stands in a longer name of the article nor spoke before: a place."""
        if sp.label is not None:
            return sp.label == "LOC"
        if " " in sp.name or any(old.name == sp.name for old in self.history):
            return False
        word = match_form(sp.name)
        return not is_titleish(word) and not word.endswith(("ون", "ين"))  # مراقبون، محللين: people

    def _sentence_speaker(self, pos: int, gender: str) -> Speaker | None:
        """Who a participle or a nominal cue continues: the speaker of the sentence, else the last one."""
        start = self.view.sentence_start(pos)
        if self.quotes and self.quotes[-1].cue_start >= start:
            return _hidden(self.quotes[-1].speaker)
        subject = self._sentence_subject(start, pos)
        if subject is not None:
            return subject
        return self._last_speaker(gender, pos)

    def _sentence_subject(self, start: int, pos: int) -> Speaker | None:
        """With entities: the subject of the sentence's first verb, the person or organization named with a
        title (قلّل المتحدث باسم التحالف العميد أحمد عسيري من …، مشيرًا), else the first one named."""
        if not self.ents:
            return None
        found = [m for m in self.ents.within(start, pos) if m.label in ("PER", "ORG")]
        if not found:
            return None
        norm = self.view.norm
        for m in found:
            before = _TOKEN_RE.findall(norm, max(start, m.start - 30), m.start)
            if before and (is_titleish(before[-1]) or before[-1] in "،,"):
                return _hidden(self._speaker_from_mention(m, "", frozenset()))
        return _hidden(self._speaker_from_mention(found[0], "", frozenset()))

    def _last_speaker(self, gender: str, pos: int) -> Speaker | None:
        for sp in reversed(self.history):
            if not gender or not sp.gender or sp.gender == gender:
                return _hidden(sp)
        if self.history:
            return None
        return self._first_named(pos, gender)

    def _first_named(self, pos: int, gender: str) -> Speaker | None:
        """Nobody spoke yet: the first person named in the sentence (the subject of its first verb: تحدث
        المدرب جورج جيسوس عن …، وقال إن …), else the last one named just before it."""
        start = self.view.sentence_start(pos)
        if self.ents:
            here = [m for m in self.ents.within(start, pos) if m.label == "PER"]
            if here:
                return _hidden(self._speaker_from_mention(here[0], gender, frozenset()))
            near = [m for m in self.ents.before(start, max(0, start - 400)) if m.label in ("PER", "ORG")]
            people = [m for m in near if m.label == "PER"] or near
            return _hidden(self._speaker_from_mention(people[-1], gender, frozenset())) if people else None
        for lo, hi in ((start, pos), (self.view.sentence_start(max(0, start - 1)), start)):
            toks = [t for t in self.view.tokens(lo, hi) if t.is_word]
            words = [t.text for t in toks]
            for k in range(len(words) - 1):
                if _name_like(words, k) and name_word(words[k + 1]) and k > 0:
                    e = k + 1
                    while e < len(words) and e - k < 4 and (name_word(words[e]) or words[e - 1] in ("بن", "ابن")):
                        e += 1
                    if e < len(words) and is_definite(words[e]) and words[e].endswith("ي"):
                        e += 1
                    sp = self._resolve(toks[k:e], gender)
                    return _hidden(sp) if sp is not None else None
        return None

    def _issuer(self, toks: list[Tok], pos: int) -> Speaker | None:
        """ "وأوضح البيان (الصادر عن الوزارة) أن": the organization that issued it, named or the last one."""
        for k, t in enumerate(toks):
            if t.text == "عن" and k + 1 < len(toks):
                return self._resolve(toks[k + 1 :], "f")
        for sp in reversed(self.history):
            if sp.label == "ORG" or any(key in ORG_HEADS for key in sp.keys):
                return _hidden(sp)
        orgs = [m for m in self.ents.before(pos, 0) if m.label == "ORG"] if self.ents else []
        if not orgs:
            return None
        # the organization the article is about: named most often before the statement, the latest on a tie
        counts: dict[str | None, int] = {}
        for m in orgs:
            counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
        top = max(orgs, key=lambda m: (counts[m.entity_id], m.start))
        return _hidden(self._speaker_from_mention(top, "f", frozenset()))

    def _addressee(self, hit: CueHit, toks: list[Tok], subject: Subject) -> str | None:
        span = subject.addressee or _occasion_addressee(toks)
        if span is not None:
            return self._addressee_name(toks, span)
        start = self.view.sentence_start(hit.start)
        if not _OCCASION_RE.search(self.view.norm, start, hit.start):
            return None
        back = self._back_tokens(hit.start)
        found = _occasion_addressee(back)
        return self._addressee_name(back, found) if found is not None else None

    def _addressee_name(self, toks: list[Tok], span: tuple[int, int]) -> str | None:
        part = [t for t in toks[span[0] : span[1]] if t.is_word]
        if not part:
            return None
        if part[0].text in ("له", "لها", "لهم", "لنا", "لي"):
            return None
        mentions = self.ents.within(part[0].start, part[-1].end) if self.ents else []
        if mentions:
            return _best_mention(mentions).canonical
        start = part[0].start + (1 if part[0].text.startswith("ل") and part[0].text != "ل" else 0)
        if part[0].text == "ل":
            part = part[1:]
            if not part:
                return None
            start = part[0].start
        if part[0].text.startswith("لل"):
            return "ال" + self._shown(part[0].start + 2, part[-1].end)
        return self._shown(start, part[-1].end)

    # ------------------------------------------------------------------ spans

    def _emit(self, hit: CueHit, comp: _Complement, speaker: Speaker, addressee: str | None) -> None:
        start, end = self._span(comp)
        start, end = _trim(self.view.norm, start, end)
        if len(self.view.norm[start:end].split()) < 2 or self._overlaps(start, end):
            return  # one word is no statement (a name in marks, a stray colon)
        self.quotes.append(_Quote(start, end, comp.kind, hit.word_start, hit.end, speaker, addressee))
        if speaker.start is not None:
            self.history.append(speaker)

    def _span(self, comp: _Complement) -> tuple[int, int]:
        view = self.view
        if comp.mode == "quote":
            close = self._closing_mark(comp.start - 1)
            return comp.start, close if close is not None else view.paragraph_end(comp.start)
        if comp.mode == "colon":
            return comp.start, self._colon_end(comp.start)
        return comp.start, self._clause_end(comp.start)

    def _closing_mark(self, pos: int) -> int | None:
        """Position of the mark that closes the quote opened at `pos`, across paragraphs when long."""
        norm = self.view.norm
        opener = norm[pos]
        closer = OPEN_QUOTES.get(opener, opener)
        limit = min(len(norm), pos + 6000)
        if opener == closer:
            end = norm.find(closer, pos + 1, limit)
            if end < 0 or ("\n" in norm[pos:end] and norm.count(closer, norm.rfind("\n", 0, pos) + 1, pos) % 2):
                return None if end < 0 else end
            return end
        depth, k = 0, pos
        while True:
            o = norm.find(opener, k + 1, limit)
            c = norm.find(closer, k + 1, limit)
            if c < 0:
                return None
            if 0 <= o < c:
                depth, k = depth + 1, o  # a quote inside the quote
            elif depth == 0:
                return c
            else:
                depth, k = depth - 1, c

    def _colon_end(self, start: int) -> int:
        """Speech after a colon with no marks: to the end of its sentence. Without marks nothing shows where
        the speech ends; the first sentence is surely the speaker's, the next ones may be the writer's."""
        m = SENTENCE_END.search(self.view.norm, start)
        end = m.start() if m is not None else len(self.view.norm)
        if m is not None and self.view.norm[end] in "؟!?":
            end += 1  # a question or an exclamation keeps its mark
        return end

    def _clause_end(self, start: int) -> int:
        """End of a reported clause: the sentence end, or a comma before a new cue, a source or a contrast."""
        norm = self.view.norm
        m = SENTENCE_END.search(norm, start)
        end = m.start() if m else len(norm)
        c = _CONTRAST.search(norm, start, end)
        if c is not None:
            end = c.start()
        for h in self.hits:
            if h.start <= start:
                continue
            if h.start >= end:
                break
            if _new_clause(norm, h):
                end = _before_comma(norm, h.start)
                break
        return self._balance_marks(start, end)

    def _balance_marks(self, start: int, end: int) -> int:
        """An indirect quote that opens quote marks ends after they close."""
        norm = self.view.norm
        m = _QUOTE_CHAR.search(norm, start, end)
        while m is not None:
            k = m.start()
            if norm[k] == '"':
                if norm.count('"', start, end) % 2:
                    close = norm.find('"', end, self.view.paragraph_end(end))
                    return close + 1 if close > 0 else end
                return end
            if norm[k] in OPEN_QUOTES:
                close = self._closing_mark(k)
                if close is None:
                    return end
                if close >= end:
                    return close + 1
                k = close
            m = _QUOTE_CHAR.search(norm, k + 1, end)
        return end

    # ------------------------------------------------------------------ nominal cues and sources

    def _nominal(self, hit: CueHit) -> None:
        """ "نُقل عن فلان قوله: …" and "ونقلت رويترز عن مسؤول قوله إن …": the speaker is after عن."""
        toks = _cut_at_sentence_end(self.view.tokens(hit.end, limit=_WINDOW))
        if not toks:
            return
        comp = self._scan(toks, 0, direct_only=False, max_words=3)
        if comp is None:
            return
        back = self._back_tokens(hit.start)
        speaker = None
        k = len(back) - 1
        while k >= 0 and back[k].text in "،,":
            k -= 1
        for j in range(k, max(-1, k - 8), -1):
            if back[j].text == "عن" and j < k:
                speaker = self._resolve(back[j + 1 : k + 1], hit.form.gender)
                break
            if back[j].text in ("عنه", "عنها"):
                break
        if speaker is None:
            speaker = self._sentence_speaker(hit.start, hit.form.gender)
        if speaker is None:
            return
        self._emit(hit, comp, speaker, None)

    def _relayed(self, hit: CueHit, toks: list[Tok], subject: Subject) -> None:
        """نقل عن: the source after عن speaks; the one who relays it (an outlet) does not."""
        i = subject.last
        if i >= len(toks) or toks[i].text != "عن":
            return
        src = parse_subject(toks[i + 1 :], self.ents, self.names)
        if src.hidden:
            return
        first, last = i + 1 + src.first, i + 1 + src.last
        if last < len(toks) and toks[last].text in ("قوله", "قولها", "قولهم"):
            return  # the nominal cue takes it
        that = _that_clause(toks, last) if last < len(toks) else None
        if that is None:
            return
        speaker = self._resolve(toks[first:last], "")
        if speaker is not None:
            self._emit(hit, _Complement("indirect", that, "that"), speaker, None)

    def attributions(self) -> None:
        """Clauses attributed to a source after or before them: "…، بحسب مصدر أمني", "وبحسب المصادر، …"."""
        norm = self.view.norm
        for m in _ATTRIBUTION.finditer(norm):
            if self._inside_quote(m.start()):
                continue
            src = self._source_after(m.end())
            if src is None:
                continue
            speaker, src_end = src
            sent = self.view.sentence_start(m.start())
            before = norm[sent : m.start()].rstrip(" ،,")
            if len(before.split()) >= 3:
                start, end = sent, sent + len(before)
            else:
                comma = norm.find("،", src_end, self.view.paragraph_end(src_end))
                stop = SENTENCE_END.search(norm, src_end)
                if comma < 0 or (stop is not None and stop.start() < comma):
                    continue
                start, end = comma + 1, stop.start() if stop else len(norm)
            start, end = _trim(norm, start, end)
            if end - start < 8 or self._overlaps(start, end) or self._quote_in_sentence(sent, m.start()):
                continue
            cue_end = m.end()
            word_start = m.start() + (1 if norm[m.start()] == "و" else 0)
            self.quotes.append(_Quote(start, end, "indirect", word_start, cue_end, speaker, None))

    def _source_after(self, pos: int) -> tuple[Speaker, int] | None:
        toks = _cut_at_sentence_end(self.view.tokens(pos, limit=16))
        i = 0
        if toks and toks[0].text in ("ما", "لما", "ل", "عن"):
            i = 1
            if i < len(toks) and toks[i].start in self._hit_at:
                i += 1
                while i < len(toks) and toks[i].text in ("عنه", "عنها", "عنهم", "به", "له"):
                    i += 1
        elif toks and toks[0].text.startswith("ل") and len(toks[0].text) > 3:
            toks = [Tok(toks[0].start + 1, toks[0].end, toks[0].text[1:]), *toks[1:]]  # وفقا لمصادر
        if i >= len(toks):
            return None
        sub = parse_subject(toks[i:], self.ents, self.names)
        if sub.hidden:
            return None
        part = toks[i + sub.first : i + sub.last]
        head = strip_proclitic(part[0].text, MEDIA_HEADS | SOURCE_HEADS | TITLES)
        if head in STATEMENT_NOUNS:  # حسب بيان صادر عن وزارة البيئة: the issuer is the source
            after = toks[i + sub.first :]
            k = next((k for k, t in enumerate(after[:5]) if t.text == "عن"), None)
            if k is None:
                return None
            src = parse_subject(after[k + 1 :], self.ents, self.names)
            if src.hidden:
                return None
            part = after[k + 1 + src.first : k + 1 + src.last]
            speaker = self._resolve(part, "")
            return (speaker, part[-1].end) if speaker is not None else None
        if head in MEDIA_HEADS or (head.startswith("ل") and head[1:] in MEDIA_HEADS):
            return None
        mentions = self.ents.within(part[0].start, part[-1].end) if self.ents else []
        person = any(mm.label == "PER" for mm in mentions)
        if head not in SOURCE_HEADS and head not in TITLES and not person:
            return None
        speaker = self._resolve(part, "")
        return (speaker, part[-1].end) if speaker is not None else None

    def _quote_in_sentence(self, sent: int, pos: int) -> bool:
        return any(sent <= q.cue_start < pos or q.start <= sent < q.end for q in self.quotes)

    # ------------------------------------------------------------------ bookkeeping

    def _inside_quote(self, pos: int) -> bool:
        return any(q.start <= pos < q.end for q in self.quotes)

    def _overlaps(self, start: int, end: int) -> bool:
        return any(q.start < end and start < q.end for q in self.quotes)


def _verbal_noun(w: str) -> bool:
    """A word that reads as what was said after على/إلى/عن: ضرورة، أهمية، إدانتها، الإسراع، التزامه."""
    if w.endswith("ة") or (w.endswith(("ه", "ها", "هم")) and len(w) > 4 and w not in FUNCTION):
        return True
    return is_definite(w) and w[2:3] in ("ت", "ا") and len(w) > 5


def _fold(text: str) -> str:
    """Matching form with ة folded too (entity names come from the text; the view keeps ة apart)."""
    return match_form(text).replace("ة", "ه")


def _agrees(words: tuple[str, ...], canonical: str) -> bool:
    """Whether a canonical name spells the name read from the text: every word of it is a word of the
    canonical name, or a transliteration variant of one (same first letter, one or two letters apart)."""
    names = [_fold(w) for w in canonical.split()]
    return all(any(_near(_fold(w), c) for c in names) for w in words)


def _near(a: str, b: str) -> bool:
    if a == b:
        return True
    if not a or not b or a[0] != b[0] or abs(len(a) - len(b)) > 1:
        return False
    limit = 1 if min(len(a), len(b)) < 5 else 2
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= limit


def _clean_name(name: str) -> str:
    """A speaker's name as shown, without quote marks and edge punctuation (الهيئة الوطنية "نزاهة")."""
    name = "".join(ch for ch in name if ch not in '«»“”"„')
    return " ".join(name.split()).strip(" ،,:؛-–")


def _best_mention(mentions: list[Mention]) -> Mention:
    """The mention that names the speaker: a person before an organization; a name before a title."""
    rank = {"PER": 0, "ORG": 1, "LOC": 2, "MISC": 3}
    people = [m for m in mentions if m.label == "PER"]
    if people:
        named = [
            m
            for m in people
            if any(w in m.canonical.split() for w in m.canonical.split()[-1:])
            and m.canonical.split()[-1] in _mention_words(m)
        ]
        return (named or people)[0]
    return min(mentions, key=lambda m: (rank.get(m.label, 9), m.start))


def _mention_words(m: Mention) -> str:
    return m.canonical  # canonical words; a title mention shares none with its own text


def _hidden(sp: Speaker) -> Speaker:
    """The same speaker, not named at this quote (the subject is hidden in the verb or a pronoun)."""
    return Speaker(sp.name, sp.entity_id, sp.label, None, None, sp.gender, sp.keys)


def _cut_at_sentence_end(toks: list[Tok]) -> list[Tok]:
    """The tokens up to the end of the sentence (a period after a one-letter abbreviation, د. م., is none)."""
    for k, t in enumerate(toks):
        w = t.text
        if w in "!?؟…" or (w == "." and not (k and len(toks[k - 1].text) == 1 and toks[k - 1].is_word)):
            return toks[:k]
    return toks


def _that_clause(toks: list[Tok], i: int) -> int | None:
    """Where a that-clause's quote starts when one opens at token i (أن، بأنه، إلى أن، على أن)."""
    if i >= len(toks):
        return None
    w = toks[i].text
    if i + 1 < len(toks) and w in ("الى", "الي", "على", "من", "عن", "في"):
        i += 1
        w = toks[i].text
    if w in COMPLEMENTIZERS:
        return toks[i + 1].start if i + 1 < len(toks) else None
    if w in COMPLEMENTIZERS_PRONOUN:
        return toks[i].start + (1 if w[0] in "بو" else 0)
    return None


def _occasion_start(tok: Tok, verb: Verb) -> bool:
    """Words that may stand between the subject and the complement: occasion, time, addressee, a comma."""
    w = tok.text
    if w in "،,(" or w in TIME_WORDS or w in SPEECH_NOUNS or w in _OCCASION_OPENERS:
        return True
    if w in ("ايضا", "كذلك", "بدوره", "بدورها", "مجددا", "اليوم", "امس", "ل", "له", "لها", "لهم"):
        return True
    if w.isdigit():
        return True
    return w.startswith("ل") and len(w) > 2 and "ل" not in verb.preps and w not in FUNCTION


def _object_word(w: str) -> bool:
    if w in ("ما", "كل", "جميع"):
        return True  # نفى ما تداولته المواقع، أكد كل ما ورد
    for suffix in ("هما", "هم", "ها", "ه"):
        if w.endswith(suffix) and w[: -len(suffix)] in _PREPOSITION_STEMS:
            return False  # خلاله، فيه، عليها: a preposition, not what was said
    return (
        len(w) > 2
        and w not in FUNCTION
        and w not in PREPOSITIONS
        and w not in TIME_WORDS
        and w not in COMPLEMENTIZERS
        and w not in SPEECH_NOUNS
        and not w.isdigit()
    )


def _addressee_start(w: str) -> bool:
    return w == "ل" or (w.startswith("ل") and len(w) > 3 and w not in FUNCTION)


def _occasion_addressee(toks: list[Tok]) -> tuple[int, int] | None:
    """ "في تصريح لـ«عكاظ»", "في حديث للصحفيين": the addressee's token range."""
    for k, t in enumerate(toks):
        if not in_vocab(t.text, OCCASION_NOUNS):
            continue
        j = k + 1
        while j < len(toks) and j < k + 3 and toks[j].text in ("خاص", "صحفي", "صحافي", "خاصه", "اعلامي"):
            j += 1
        if j < len(toks) and _addressed(toks[j].text):
            e = j + 1
            if toks[j].text == "ل":
                while e < len(toks) and e < j + 6 and (toks[e].is_word or toks[e].text in QUOTE_MARKS):
                    e += 1
                    if toks[e - 1].text in QUOTE_MARKS and e - 1 > j + 1:
                        break
            return (j, e)
    return None


def _prev_words(norm: str, pos: int) -> list[str]:
    """The two tokens before `pos` (words or punctuation), in matching form."""
    return _TOKEN_RE.findall(norm, max(0, pos - 40), pos)[-2:]


def _soon_complement(norm: str, pos: int, verb: Verb) -> bool:
    """A complement marker within a few words after `pos`, in the same sentence: أن، إن، :، عن، بـ."""
    chunk = norm[pos : pos + 90]
    end = _SENTENCE_STOP.search(chunk)
    if end is not None:
        chunk = chunk[: end.start()]
    if ":" in chunk:
        return True
    for w in chunk.split()[:8]:
        w = w.strip('،,«»“”"')
        if w in _SOON_WORDS or w in verb.preps or (len(w) > 3 and w[0] in verb.preps):
            return True
    return False


def _marker_ahead(norm: str, pos: int, verb: Verb) -> int:
    """Where the first mark that can open what was said lies in the rest of the sentence (a colon, a
    quote mark, أن/إن/بأن, a preposition the cue takes), or -1."""
    end = _SENTENCE_STOP.search(norm, pos, pos + 400)
    stop = end.start() if end is not None else min(len(norm), pos + 400)
    m = _MARKER.search(norm, pos, stop)
    if m is not None:
        return m.start()
    for p in verb.preps:
        k = norm.find(" " + p, pos, stop)
        if k >= 0:
            return k
    return -1


def _that_follows(norm: str, pos: int) -> bool:
    """A that-clause or a colon right after `pos` (بين أن …، وعبر عن …)."""
    words = norm[pos : pos + 30].split()
    return bool(words) and (words[0].strip("،,") in _SOON_WORDS or words[0].startswith(":"))


def _addressed(w: str) -> bool:
    """لـ«عكاظ»، للصحفيين، لوكالة الأنباء: the ل of an addressee (not لافت, not له)."""
    if w == "ل" or (w.startswith("لل") and len(w) > 3):
        return True
    return w.startswith("ل") and (w[1:] in MEDIA_HEADS or w[1:] in ORG_HEADS)


def _preverbal(back: list[Tok]) -> list[Tok] | None:
    """The noun phrase right before a cue that opens its clause (لافروف شدد، الوزير قال): its tokens."""
    k = len(back)
    while k > 0 and back[k - 1].is_word and k > len(back) - 8:
        w = back[k - 1].text
        if w in FUNCTION or w in PREPOSITIONS or w in COMPLEMENTIZERS or w in PRONOUN_SUBJECTS or w in RELATIVES:
            break
        k -= 1
    if k == len(back):
        return None
    if k > 0 and not _clause_boundary(back[k - 1].text):
        return None
    return back[k:]


_KANA = vocabulary("كان كانت كانوا وكان وكانت وكانوا فكان فكانت")


def _kana_subject(back: list[Tok]) -> list[Tok] | None:
    """The tokens between كان and قد right before a cue (وكان وزير التعليم يوسف البنيان قد أعلن)."""
    end = len(back) - 1  # back[-1] is قد
    for k in range(end - 1, max(-1, end - 12), -1):
        w = back[k].text
        if w in _KANA:
            return back[k + 1 : end] if k + 1 < end else None
        if not back[k].is_word:
            return None
    return None


def _clause_boundary(w: str) -> bool:
    return w in "،,؛:-–(" or w in ("فان", "ان", "بينما", "فيما", "حيث", "اذ", "بل", "ثم", "لكن", "ولكن", "كما", "و")


def _clause_initial(prev: list[str]) -> bool:
    return not prev or _clause_boundary(prev[-1]) or prev[-1] in ("قد", "وقد", "فقد", "كما", "ثم")


def _after_ma(back: list[Tok]) -> bool:
    return bool(back) and back[-1].text == "ما"


def _new_clause(norm: str, hit: CueHit) -> bool:
    """A cue that starts a new clause inside a sentence: a participle after a comma, و+verb, a comma+verb."""
    if hit.form.tense == "nominal":
        return False
    before = norm[max(0, hit.start - 3) : hit.start].rstrip()
    after_comma = before.endswith(("،", ","))
    if hit.form.tense == "participle":
        return after_comma
    return after_comma or bool(hit.form.proclitic)


def _before_comma(norm: str, pos: int) -> int:
    k = pos
    while k > 0 and norm[k - 1] in " \t،,":
        k -= 1
    return k


def _trim(norm: str, start: int, end: int) -> tuple[int, int]:
    """Without the spaces (no-break spaces too) and the clause punctuation at its edges."""
    while start < end and (norm[start].isspace() or norm[start] in "-–:،,"):
        start += 1
    while end > start and (norm[end - 1].isspace() or norm[end - 1] in "،,.:؛;-–"):
        end -= 1
    return start, end

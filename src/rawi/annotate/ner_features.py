"""Token features for the named-entity CRF, shared by training (training/train_ner.py) and tagging.

Arabic writes proclitics onto the word (و ف + ب ل ك + ال: "وبالولايات", "للافروف"), so every lookup
(word clusters, gazetteers) is tried on the word and on its clitic-stripped forms. Word clusters
learned on unlabelled news carry most of the generalization to unseen names; gazetteers and title
cues (الرئيس، وزير) help on the rest. Features of a word type are computed once and cached, which
keeps tagging fast: a sentence's features are mostly list concatenations.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rawi.text import match_form


def wordset(text: str) -> frozenset[str]:
    """The matching forms of the white-space separated words of `text`: word lists written as prose."""
    return frozenset(match_form(w) for w in text.split())


_PRO1 = ("و", "ف")
_PRO2 = ("ب", "ل", "ك")
_DIGITS = set("0123456789")
_ARABIC = ("\u0600", "\u06ff")

# Words that announce a person's name right after them (titles, honorifics, reporting verbs).
PERSON_CUES = wordset("""الرئيس رئيس الرئيسة رئيسة وزير وزيرة الوزير الوزيرة نائب الملك الملكة الأمير الأميرة
    الشيخ الشيخة السيد السيدة الدكتور الدكتورة د المهندس الأستاذ الاستاذ البروفيسور الجنرال اللواء
    العميد العقيد المشير الفريق العماد النائب السفير السفيرة المستشار المستشارة المتحدث الناطق
    الإمام الامام آية الله البابا الكاردينال المطران الحاج السلطان الرئيسين المدرب اللاعب النجم
    الفنان الفنانة الكاتب الكاتبة الشاعر الروائي المخرج الممثل الممثلة المغني المطرب زعيم الزعيم
    قائد القائد مدير المدير أمين الأمين مساعد نظيره نظيرته المبعوث المندوب المفوض السناتور الحاكم
    حاكم محافظ المحافظ عمدة العمدة ولي عهد الجنرال قال وقال أكد وأكد أعلن وأعلن أضاف وأضاف صرح
    أوضح وأوضح ذكر وذكر""")
# Words that announce an organization or a place after them.
ORG_CUES = wordset("""وزارة هيئة منظمة مؤسسة شركة جمعية حزب حركة جامعة مجلس اتحاد الاتحاد نادي وكالة صحيفة
    جريدة مجلة قناة تلفزيون إذاعة بنك مصرف البنك محكمة مستشفى مركز معهد لجنة مجموعة جبهة""")
# The types of a word's corpus profile (training/ner_profile.py), in the file's column order.
PROFILE_TYPES = ("PERS", "ORG", "LOC", "MISC")


def profile_features(n: int, counts: Sequence[int]) -> tuple[str, ...]:
    """A word's profile as features: for each type, the share of its `n` corpus occurrences tagged with
    it, in three steps (the CRF weighs them; finer steps only split the evidence)."""
    out = []
    for typ, c in zip(PROFILE_TYPES, counts, strict=True):
        share = c / n
        if share >= 0.6:
            out.append(typ + "3")
        elif share >= 0.25:
            out.append(typ + "2")
        elif share >= 0.05:
            out.append(typ + "1")
    return tuple(out)


LOC_CUES = wordset("""مدينة بلدة قرية محافظة ولاية منطقة إقليم جزيرة جزر نهر بحر جبل دولة عاصمة العاصمة شمال
    جنوب شرق غرب شمالي جنوبي شرقي غربي وسط ضواحي مخيم حي شارع ميناء مطار""")


def strip_clitics(form: str) -> list[str]:
    """Candidate stems of a matching-form word, longest first: وبالولايات → بالولايات, الولايات, ولايات."""
    out = []
    w = form
    if len(w) > 3 and w[0] in _PRO1:
        w = w[1:]
        out.append(w)
    if len(w) > 3 and w[0] in _PRO2:
        if w.startswith("لل") and len(w) > 4:
            out.append("ال" + w[2:])  # ل + ال assimilates: للولايات = ل + الولايات
        w = w[1:]
        out.append(w)
    if len(w) > 4 and w.startswith("ال"):
        out.append(w[2:])
    return out


@lru_cache(maxsize=100_000)
def _stems(form: str) -> tuple[str, ...]:
    return tuple(strip_clitics(form))


def shape(word: str) -> str:
    if not word:
        return "empty"
    ch = word[0]
    if _ARABIC[0] <= ch <= _ARABIC[1]:
        return "ar"
    if all(c in _DIGITS for c in word):
        return "num"
    if ch.isdigit():
        return "numx"
    if ch.isalpha():
        if word.isupper():
            return "LAT_UP"
        return "Lat_cap" if ch.isupper() else "lat"
    return "punct"


@dataclass
class Resources:
    """Word clusters and gazetteers, all keyed by matching form."""

    clusters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    gazetteer: dict[str, frozenset[str]] = field(default_factory=dict)  # one-word entries → classes
    phrases: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict)  # multi-word entries
    max_phrase: int = 1
    phrase_lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)  # first word → lengths, longest first
    profile: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word → its corpus profile's features

    @classmethod
    def load(cls, clusters_path: str | None, gazetteer_path: str | None, profile_path: str | None = None) -> Resources:
        res = cls()
        if profile_path:
            res.profile = load_profile(profile_path)
        if clusters_path:
            with gzip.open(clusters_path, "rt", encoding="utf-8") as fh:
                for line in fh:
                    parts = line.rstrip("\n").split("\t")
                    res.clusters[parts[0]] = tuple(parts[1:])
        if gazetteer_path:
            with gzip.open(gazetteer_path, "rt", encoding="utf-8") as fh:
                res.add_gazetteer(line.rstrip("\n").split("\t", 1) for line in fh if "\t" in line)
        return res

    def add_gazetteer(self, entries: Iterable[Sequence[str]]) -> None:
        """Entries are (class, name); names are brought to matching form and split on spaces."""
        one: dict[str, set[str]] = {}
        many: dict[tuple[str, ...], set[str]] = {}
        for cls_, name in entries:
            toks = tuple(match_form(name).split())
            if not toks:
                continue
            if len(toks) == 1:
                one.setdefault(toks[0], set()).add(cls_)
            else:
                many.setdefault(toks, set()).add(cls_)
                self.max_phrase = max(self.max_phrase, len(toks))
        for k, v in one.items():
            self.gazetteer[k] = frozenset(v | self.gazetteer.get(k, frozenset()))
        for k2, v in many.items():
            self.phrases[k2] = frozenset(v | self.phrases.get(k2, frozenset()))
        lengths: dict[str, set[int]] = {}
        for k2 in self.phrases:
            lengths.setdefault(k2[0], set()).add(len(k2))
        self.phrase_lengths = {w: tuple(sorted(ns, reverse=True)) for w, ns in lengths.items()}


def load_profile(path: str) -> dict[str, tuple[str, ...]]:
    """ner_profile.tsv.gz (training/ner_profile.py): form, occurrences, then counts per PROFILE_TYPES."""
    out = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2 + len(PROFILE_TYPES):
                feats = profile_features(int(parts[1]), [int(x) for x in parts[2:]])
                if feats:
                    out[parts[0]] = feats
    return out


class Featurizer:
    """Turns a sentence (list of token strings) into CRF features (lists of strings)."""

    def __init__(self, res: Resources) -> None:
        self.res = res
        # Each entry holds ~30 feature strings (~3 KB): 200k entries grew a worker past 1 GB on SaudiNewsNet.
        # 20k word types already cover most running tokens (Zipf), so the hit rate barely moves.
        self._type = lru_cache(maxsize=20_000)(self._type_features)
        self._phrase_starts = lru_cache(maxsize=100_000)(self._starts_of)

    def type_features(self, word: str) -> tuple[str, list[str], list[str], list[str], list[str], list[str]]:
        """Features of one word type, uncached: (matching form, own, seen at -2, at -1, at +1, at +2)."""
        return self._type_features(word)

    def _lookup_clusters(self, form: str) -> tuple[str, ...] | None:
        c = self.res.clusters.get(form)
        if c is None:
            for stem in strip_clitics(form):
                c = self.res.clusters.get(stem)
                if c is not None:
                    return tuple("s" + x for x in c)  # stem's cluster: marked, the clitic matters
        return c

    def _lookup_profile(self, form: str, stems: list[str]) -> tuple[str, ...]:
        """The corpus profile of the word, else of its first stem that has one (وبوتين: بوتين's)."""
        prof = self.res.profile.get(form)
        if prof is None:
            for stem in stems:
                prof = self.res.profile.get(stem)
                if prof is not None:
                    break
        return prof or ()

    def _type_features(self, word: str) -> tuple[str, list[str], list[str], list[str], list[str], list[str]]:
        """Features of one word type: (matching form, own, seen at -2, at -1, at +1, at +2)."""
        mf, own, ctx, first_stem = self.type_parts(word)
        return (
            mf,
            own,
            ["-2" + f for f in ctx],
            ["-1" + f for f in ctx] + ["-1st=" + s for s in first_stem],
            ["+1" + f for f in ctx] + ["+1st=" + s for s in first_stem],
            ["+2" + f for f in ctx],
        )

    def type_parts(self, word: str) -> tuple[str, list[str], list[str], list[str]]:
        """What `_type_features` is made of: (matching form, own features, the features a neighbour sees
        (before their -2/-1/+1/+2 prefix; the first is "w=" and the word's own), the first stem)."""
        mf = match_form(word)
        stems = strip_clitics(mf)
        sh = shape(word)
        own = ["b", "w=" + mf, "sh=" + sh]
        if word != mf:
            own.append("raw=" + word)
        n = len(mf)
        own.append("len=" + str(min(n, 8)))
        for k in (1, 2, 3, 4):
            if n > k:
                own.append(f"p{k}={mf[:k]}")
                own.append(f"s{k}={mf[-k:]}")
        for st in stems:
            own.append("st=" + st)
        if mf.startswith("ال") or any(s.startswith("ال") for s in stems):
            own.append("al")
        if mf[:1] in _PRO1:
            own.append("pro1")
        if mf[:1] in _PRO2 or (stems and stems[0][:1] in _PRO2):
            own.append("pro2")
        ctx = ["w=" + mf]
        cl = self._lookup_clusters(mf)
        if cl is not None:
            own.extend(f"c{i}={c}" for i, c in enumerate(cl) if c[-1] != "-")
            ctx.extend(f"c{i}={c}" for i, c in enumerate(cl) if i and c[-1] != "-")
        else:
            own.append("c=none")
        classes: set[str] = set(self.res.gazetteer.get(mf, ()))
        for st in stems:
            classes.update("s" + c for c in self.res.gazetteer.get(st, ()))
        for c in sorted(classes):
            own.append("g=" + c)
            ctx.append("g=" + c)
        cue = None
        if mf in PERSON_CUES or (stems and stems[0] in PERSON_CUES):
            cue = "per"
        elif mf in ORG_CUES or (stems and stems[0] in ORG_CUES):
            cue = "org"
        elif mf in LOC_CUES or (stems and stems[0] in LOC_CUES):
            cue = "loc"
        if cue:
            own.append("cue=" + cue)
            ctx.append("cue=" + cue)
        if self.res.profile:
            prof = self._lookup_profile(mf, stems)
            own.extend("pf=" + p for p in prof)
            ctx.extend("pf=" + p for p in prof)
        ctx.append("sh=" + sh)
        return mf, own, ctx, stems[:1]

    def _phrase_tags(self, forms: list[str], at: Iterable[int] | None = None) -> list[str | None]:
        """Longest-match gazetteer phrases over the sentence, as B-/I- tags per token. Only the lengths
        that phrases starting with a word have are tried, which keeps this linear in practice. `at`, in
        increasing order, can hold the only positions whose words begin phrases (the others are skipped)."""
        tags: list[str | None] = [None] * len(forms)
        phrases, starts = self.res.phrases, self._phrase_starts
        free = 0  # the first position after the phrases found so far
        for i in range(len(forms)) if at is None else at:
            if i < free:
                continue
            best_n, best = 0, None
            for first, lengths in starts(forms[i]):
                for n in lengths:
                    if n <= best_n or i + n > len(forms):
                        continue
                    classes = phrases.get((first, *forms[i + 1 : i + n]))
                    if classes:
                        best_n, best = n, classes
                        break
            if best:
                label = "|".join(sorted(best))
                tags[i] = "B" + label
                for j in range(i + 1, i + best_n):
                    tags[j] = "I" + label
                free = i + best_n
        return tags

    def _starts_of(self, form: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """The forms of a word (itself, then without clitics) that begin gazetteer phrases, with their
        phrases' lengths: most words begin none, and then `_phrase_tags` moves on at once."""
        lengths = self.res.phrase_lengths
        return tuple((first, lengths[first]) for first in (form, *_stems(form)) if first in lengths)

    def sentence(self, tokens: Sequence[str]) -> list[list[str]]:
        types = [self._type(t) for t in tokens]
        n = len(tokens)
        forms = [t[0] for t in types]
        ptags = self._phrase_tags(forms) if self.res.phrases else [None] * n
        out = []
        for i in range(n):
            f = list(types[i][1])
            if i >= 2:
                f += types[i - 2][2]
            else:
                f.append("-2BOS")
            if i >= 1:
                f += types[i - 1][3]
                f.append("bg-=" + forms[i - 1] + "|" + forms[i])
            else:
                f.append("BOS")
            if i + 1 < n:
                f += types[i + 1][4]
                f.append("bg+=" + forms[i] + "|" + forms[i + 1])
            else:
                f.append("EOS")
            if i + 2 < n:
                f += types[i + 2][5]
            else:
                f.append("+2EOS")
            if ptags[i]:
                f.append("ph=" + ptags[i])
                if i + 1 < n and ptags[i + 1] and ptags[i + 1][0] == "I":
                    f.append("ph+1=" + ptags[i + 1])
            if i and ptags[i - 1]:
                f.append("ph-1=" + ptags[i - 1])
            out.append(f)
        return out

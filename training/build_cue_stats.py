"""Cue statistics for the NER model: how often each word follows a person title, an organization
head, a place head or a reporting verb in unlabelled SaudiNewsNet text.

A name the labelled data never shows ("فولكسفاغن", "الليكود", "جوزيه") has still been written after
"شركة", "حزب" or "المدرب" somewhere in ten million words of news; those rates are features the CRF
can use for unseen names. Output: a gzipped TSV `matching-form<TAB>classes` where classes is a
space-separated list such as "per2 say1" (class and a strength bucket 1-3), one line per word that
has any.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_clusters import corpus_texts  # noqa: E402

from rawi.annotate.ner_features import LOC_CUES, ORG_CUES, PERSON_CUES, strip_clitics, wordset  # noqa: E402
from rawi.text import match_form  # noqa: E402

log = logging.getLogger("cue_stats")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_][^\W_]*|[^\s\w]", re.UNICODE)
_SAY = wordset("قال أكد أعلن أضاف ذكر أوضح صرح أشار رأى اعتبر كشف دعا طالب نفى شدد لفت قالت أكدت أعلنت")
_ORG_ONLY = wordset("شركة حزب نادي فريق منظمة حركة جامعة صحيفة وكالة بنك مصرف مجموعة هيئة جمعية قناة")
_CLASSES = {
    "per": PERSON_CUES - _SAY,
    "org": ORG_CUES | _ORG_ONLY,
    "loc": LOC_CUES,
    "say": _SAY,
}


def _cue_class(prev: str) -> str | None:
    for form in (prev, *strip_clitics(prev)[:2]):
        for name, words in _CLASSES.items():
            if form in words:
                return name
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--out", type=Path, default=Path("src/rawi/models/ner_cues.tsv.gz"))
    ap.add_argument("--min-count", type=int, default=3)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    total: Counter[str] = Counter()
    cued: dict[str, Counter[str]] = {}
    for text in corpus_texts(args.shared, []):
        toks = _TOKEN.findall(match_form(text))
        total.update(toks)
        for prev, word in zip(toks, toks[1:], strict=False):
            cls = _cue_class(prev)
            if cls and word[:1].isalpha():
                cued.setdefault(word, Counter())[cls] += 1
    lines = []
    for word, counts in cued.items():
        n = total[word]
        if n < args.min_count or "\t" in word:
            continue
        tags = []
        for cls, c in sorted(counts.items()):
            rate = c / n
            bucket = 3 if rate >= 0.3 else 2 if rate >= 0.1 else 1 if rate >= 0.02 and c >= 2 else 0
            if bucket:
                tags.append(f"{cls}{bucket}")
        if tags:
            lines.append(f"{word}\t{' '.join(tags)}\n")
    lines.sort()
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write("".join(lines).encode("utf-8"))
    log.info("wrote %s (%d words)", args.out, len(lines))


if __name__ == "__main__":
    main()

"""B-cubed precision, recall and F1 of a clustering against hand labels (Bagga & Baldwin 1998).

Only labelled items count: each item's precision is the share of its cluster (labelled members only) that
shares its label; recall, the share of its label's items that share its cluster.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from pathlib import Path


def read_labels(path: Path, level: str = "story") -> dict[str, str]:
    """url -> label from a stories sample TSV (tests/data/stories_sample.tsv); "-" (left out) is skipped."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    return {r["url"]: r[level] for r in rows if r[level] != "-"}


def bcubed(gold: Mapping[str, str], assigned: Mapping[str, str]) -> dict[str, float]:
    """Scores over the items in both `gold` (item -> label) and `assigned` (item -> cluster)."""
    items = [i for i in gold if i in assigned]
    pair = Counter((assigned[i], gold[i]) for i in items)
    size = Counter(assigned[i] for i in items)
    label = Counter(gold[i] for i in items)
    p = sum(pair[assigned[i], gold[i]] / size[assigned[i]] for i in items) / max(len(items), 1)
    r = sum(pair[assigned[i], gold[i]] / label[gold[i]] for i in items) / max(len(items), 1)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "items": len(items), "missing": len(gold) - len(items)}

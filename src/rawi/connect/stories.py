"""Stories: the same happening across outlets and days, with a title, a summary and a timeline.

- `story_inputs(articles)`: what clustering needs of each article (story_features.StoryDoc) and the
  groups that must share a story: near duplicates (rawi.connect.dedup) and the parts of one wire dispatch
  ("… إضافة أولى", "… إضافة ثانية": the same title from the same outlet, split for length).
- `build_stories(...)`: online clustering (story_cluster.py) and, per story, its description: `describe`.
- `stories_paths(paths)`: the whole thing from files (`rawi stories`, bench/stories.py).
The store keeps stories current through `StoryHook` (story_hook.py).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rawi.annotate.summary import summarize_story
from rawi.connect.story_cluster import StoryParams, assign, extend
from rawi.connect.story_features import StoryDoc
from rawi.model import Article, stable_id
from rawi.text import match_form

DISPATCH_HOURS = 24.0  # the parts of one wire dispatch appear within this time of each other
# "إضافة أولى" … "إضافة عاشرة", "إضافة أولى وأخيرة", "إضافة أخيرة": a wire's continuation marker
_PART = re.compile(
    r"[/\-–—]?\s*(?:اضافه|إضافة|إضافه)\s+(?:او?لى|أولى|ثاني[ةه]|ثالث[ةه]|رابع[ةه]|خامس[ةه]|سادس[ةه]|سابع[ةه]|"
    r"ثامن[ةه]|تاسع[ةه]|عاشر[ةه]|أخير[ةه]|اخير[ةه])(?:\s+و\s*(?:أخير[ةه]|اخير[ةه]))?\s*$"
)


@dataclass(slots=True)
class TimelineEntry:
    time: str | None
    kind: str  # article | quote
    article_id: str
    outlet: str | None
    text: str  # the article's title, or the quotation
    speaker: str | None = None


@dataclass(slots=True)
class Story:
    id: str  # stable: from the story's first article
    article_ids: list[str]  # in time order
    title: str | None
    summary: list[dict[str, str | None]]  # [{"text", "article_id"}], most central first
    first_seen: str | None
    last_seen: str | None
    outlets: list[str]  # by how many of the story's articles they carry
    top_entities: list[str] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "article_ids": self.article_ids,
            "outlets": self.outlets,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "top_entities": self.top_entities,
            "timeline": [
                {k: v for k, v in vars_(e).items() if v is not None or k in ("time", "outlet")} for e in self.timeline
            ],
        }


def vars_(entry: TimelineEntry) -> dict[str, Any]:
    return {k: getattr(entry, k) for k in entry.__slots__}


def story_id(first_article_id: str) -> str:
    return stable_id("story", first_article_id)


@lru_cache(maxsize=100_000)
def base_title(title: str | None) -> str | None:
    """A dispatch part's title without its continuation marker, in matching form; None when it has none."""
    if not title:
        return None
    stripped = _PART.sub("", title.strip())
    return match_form(" ".join(stripped.split())) if stripped != title.strip() else None


def dispatch_groups(docs: Sequence[StoryDoc]) -> dict[str, str]:
    """Document id -> dispatch key, for the parts of wire dispatches and the dispatch they continue (the
    same outlet and title, within DISPATCH_HOURS of the first part)."""
    from rawi.connect.story_cluster import seconds

    parts: dict[tuple[str | None, str], list[float]] = {}
    for d in docs:
        base = base_title(d.title)
        if base:
            parts.setdefault((d.outlet, base), []).append(seconds(d.time))
    out: dict[str, str] = {}
    if not parts:
        return out
    for d in docs:
        key = (d.outlet, base_title(d.title) or match_form(" ".join((d.title or "").split())))
        times = parts.get(key)
        t = seconds(d.time)
        if times and any(not abs(t - x) > DISPATCH_HOURS * 3600.0 for x in times):  # NaN times: same dispatch
            out[d.id] = f"dispatch:{key[0]}:{key[1]}"
    return out


def merge_groups(*mappings: Mapping[str, str]) -> dict[str, str]:
    """Union of several id -> group mappings: ids that share a group in any of them share one in the result."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, mapping in enumerate(mappings):
        for doc, group in mapping.items():
            a, b = root(doc), root(f"{i}:{group}")
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {doc: root(doc) for m in mappings for doc in m}


def build_stories(
    docs: Sequence[StoryDoc],
    articles: Mapping[str, Article],
    *,
    groups: Mapping[str, str] | None = None,
    params: StoryParams | None = None,
    preset: Mapping[str, str] | None = None,
) -> list[Story]:
    """Cluster the documents (near-duplicate `groups` and wire dispatches always together) and describe
    each story. `articles` gives the texts for summaries and timelines (a missing one is left out of them);
    `preset` keeps documents in the stories (by story id) an earlier run put them in."""
    joined = merge_groups(groups or {}, dispatch_groups(docs))
    a = assign(docs, groups=joined, params=params, preset=preset)
    out = []
    for k, members in enumerate(a.stories):
        members_docs = [a.docs[m] for m in members]
        out.append(describe(members_docs, articles, a.labels.get(k)))
    return out


def update_stories(
    docs: Sequence[StoryDoc],
    articles: Mapping[str, Article],
    fixed: Mapping[str, str],
    *,
    groups: Mapping[str, str] | None = None,
    params: StoryParams | None = None,
    touched: Collection[str] = (),
) -> list[Story]:
    """Incremental clustering (story_hook.py): the documents not in `fixed` (id -> story id) join the
    stories of those that are, or open new ones (wire dispatch parts with their dispatch); only the stories
    that received a document (or hold one of `touched`) are described and returned. `groups`: near
    duplicates, which share a story."""
    a = extend(docs, fixed, groups=merge_groups(groups or {}, dispatch_groups(docs)), params=params)
    touched = set(touched)
    changed = sorted({int(a.story_of[i]) for i, d in enumerate(a.docs) if d.id not in fixed or d.id in touched})
    return [describe([a.docs[m] for m in a.stories[k]], articles, a.labels.get(k)) for k in changed]


def describe(docs: Sequence[StoryDoc], articles: Mapping[str, Article], sid: str | None = None) -> Story:
    """A story's title, summary, outlets, entities and timeline from its documents (in time order)."""
    members = [articles[d.id] for d in docs if d.id in articles]
    leads = {d.id: d.extra["leads"] for d in docs if "leads" in d.extra}
    summary = [{"text": t, "article_id": aid} for t, aid in summarize_story(members, leads=leads)]
    times = [d.time for d in docs if d.time]
    outlets = Counter(d.outlet for d in docs if d.outlet)
    entities: Counter[str] = Counter()
    for art in members:
        entities.update({m.get("entity_id") for m in art.entities if m.get("entity_id")})
    return Story(
        id=sid or story_id(docs[0].id),
        article_ids=[d.id for d in docs],
        title=_title(docs, summary),
        summary=summary,
        first_seen=min(times) if times else None,
        last_seen=max(times) if times else None,
        outlets=[o for o, _ in sorted(outlets.items(), key=lambda x: (-x[1], x[0]))],
        top_entities=[e for e, _ in sorted(entities.items(), key=lambda x: (-x[1], x[0]))[:10]],
        timeline=timeline(docs, articles),
    )


def _title(docs: Sequence[StoryDoc], summary: Sequence[Mapping[str, str | None]]) -> str | None:
    """The title of the article whose title shares most words with the other members' titles (the
    earliest on a tie), wire continuation markers removed."""
    titles = [(d, Counter(d.tokens[: d.n_title])) for d in docs if d.title]
    if not titles:
        return summary[0]["text"] if summary else None
    best = max(
        range(len(titles)),
        key=lambda i: (sum(sum((titles[i][1] & t).values()) for j, (_, t) in enumerate(titles) if j != i), -i),
    )
    title = titles[best][0].title or ""
    return _PART.sub("", title).strip().rstrip("/ ").strip() or title


def timeline(docs: Sequence[StoryDoc], articles: Mapping[str, Article]) -> list[TimelineEntry]:
    """Articles and their quotations in time order (a quotation at its article's time, in text order)."""
    out = []
    for d in docs:
        out.append(TimelineEntry(d.time, "article", d.id, d.outlet, d.title or ""))
        art = articles.get(d.id)
        for q in art.quotes if art else ():
            text = q.get("text") or art.text[q.get("start", 0) : q.get("end", 0)]
            if text:
                out.append(TimelineEntry(d.time, "quote", d.id, d.outlet, text, q.get("speaker")))
    out.sort(key=lambda e: (e.time is None, e.time or ""))  # stable: a quotation stays after its article
    return out


@dataclass(slots=True)
class StoryRun:
    stories: list[Story]
    docs: list[StoryDoc]  # every article read (its uri and outlet)
    errors: list[Any]  # the inputs that could not be read (InputError)
    counts: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step (stories_paths)

    def story_of_uri(self) -> dict[str, str]:
        """Page uri -> story id of the page's main article."""
        story = {aid: s.id for s in self.stories for aid in s.article_ids}
        out: dict[str, str] = {}
        for d in self.docs:
            if d.uri:
                out.setdefault(d.uri, story[d.id])
        return out


def stories_paths(
    paths: Iterable[str | Path], *, params: StoryParams | None = None, jobs: int | None = None
) -> StoryRun:
    """Stories of every article under `paths`: read and segment (on `jobs` processes), vectors (while the
    workers sketch near duplicates), near duplicates, clustering, descriptions (`timings` says how long each
    took)."""
    from rawi.connect.story_inputs import StoryInputs
    from rawi.connect.story_vectors import vectors

    p = params or StoryParams()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    with StoryInputs(paths, jobs=jobs) as inputs:
        docs, articles, errors = inputs.articles()
        lap("read and segment")
        vecs = vectors(sorted(docs, key=lambda d: d.sort_key), p.vectors)
        lap("vectors")
        dedup = inputs.duplicates()
    by_uri: dict[str, list[str]] = {}
    for d in docs:
        if d.uri:
            by_uri.setdefault(d.uri, []).append(d.id)
    near: dict[str, str] = {}
    for g in dedup.groups:
        for m in g.members:
            for aid in by_uri.get(dedup.corpus.ids[m], [])[:1]:  # the page's main article
                near[aid] = str(g.members[0])
    joined = merge_groups(near, dispatch_groups(docs))
    lap("near duplicates")
    a = assign(docs, groups=joined, params=p, vecs=vecs)
    lap("clustering")
    stories = [describe([a.docs[m] for m in members], articles, a.labels.get(k)) for k, members in enumerate(a.stories)]
    lap("descriptions")
    counts = {
        "articles": len(docs),
        "stories": len(stories),
        "multi-article stories": sum(len(s.article_ids) > 1 for s in stories),
    }
    return StoryRun(stories, docs, errors, counts, timings)

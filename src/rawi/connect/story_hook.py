"""Keeping stories current as `rawi ingest` adds articles (an update hook, see rawi.store.hooks).

After each batch the hook places the new articles (story_cluster.extend): each joins a story open at its
time (one with an article within the clustering window) or opens a new one; articles already placed stay
where they are and are compared with nothing, so the Python work per batch grows with the batch, not with
the stories kept. Only the stories that received an article are described and written. The open stories'
members are kept in memory between batches; a fresh process loads them from the store once
(`list_stories` by latest article, then `get_story`).

The collection statistics (IDF, template phrases) come from the stories open around the batch, not the
whole corpus, so an incremental run is close to, not identical with, a batch run over the same articles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import numpy as np

from rawi.annotate.summary import lead_sentences
from rawi.connect.dedup import DedupParams, similarity, sketch_batch
from rawi.connect.minhash import MinHasher
from rawi.connect.stories import update_stories
from rawi.connect.story_cluster import StoryParams, seconds
from rawi.connect.story_features import StoryDoc, story_doc
from rawi.connect.texts import TextItem
from rawi.model import Article
from rawi.store.base import Store
from rawi.store.records import ArticleSummary, StoryRecord, SummarySentence
from rawi.store.sql import SqlStore


class StoryHook:
    name = "stories"

    def __init__(self, params: StoryParams | None = None) -> None:
        self.params = params or StoryParams()
        self.docs: dict[str, StoryDoc] = {}  # open stories' members
        self.articles: dict[str, Article] = {}
        self.story: dict[str, str] = {}  # article id -> story id
        self.members: dict[str, list[str]] = {}  # story id -> article ids
        self.span: dict[str, tuple[float, float]] = {}  # story id -> (first, last) seconds; NaN: undated
        self.dups = NearDuplicates()
        self.loaded = False

    def update(self, store: Store, article_ids: Sequence[str]) -> Mapping[str, int]:
        new = self._new(store, article_ids)
        if not new:
            return {}
        if not self.loaded:
            self._load(store, min((seconds(d.time) for d in new if d.time), default=float("nan")))
            self.loaded = True
        for d in new:
            self.docs[d.id] = d
        known = set(self.members)
        docs = self._open_around(new)
        fixed = {d.id: self.story[d.id] for d in docs if d.id in self.story}
        groups = self.dups.add([(d.id, self.articles[d.id].text) for d in new if d.id not in fixed])
        # an article stored anew (new annotators) keeps its story, which is described again
        changed = update_stories(
            docs, self.articles, fixed, groups=groups, params=self.params, touched=[d.id for d in new if d.id in fixed]
        )
        store.put_stories(
            StoryRecord(
                s.id,
                s.article_ids,
                s.title,
                [SummarySentence(x["text"] or "", x["article_id"]) for x in s.summary],
                s.first_seen,
                s.last_seen,
                s.top_entities,
            )
            for s in changed
        )
        for s in changed:
            self._remember(s.id, s.article_ids)
        self._prune()
        return {
            "stories": sum(s.id not in known for s in changed),
            "stories updated": sum(s.id in known for s in changed),
        }

    def _new(self, store: Store, article_ids: Sequence[str]) -> list[StoryDoc]:
        """The batch's articles as the clusterer sees them (uri, outlet and date from the stored summary)."""
        articles = store.articles(article_ids)
        summaries: dict[str, ArticleSummary] = {}
        if isinstance(store, SqlStore):  # the summaries in one query, not a full article page each
            for start in range(0, len(articles), 500):
                summaries.update(store._summaries([a.id for a in articles[start : start + 500]]))
        else:
            for a in articles:
                detail = store.get_article(a.id)
                if detail is not None:
                    summaries[a.id] = detail.summary
        out = []
        for article in articles:
            s = summaries.get(article.id)
            if s is None:
                continue
            self.articles[article.id] = article
            outlet = s.outlet.id if s.outlet else None
            out.append(_doc(article, uri=s.uri, outlet=outlet, time=s.date or article.published))
        return out

    def _open_around(self, new: Sequence[StoryDoc]) -> list[StoryDoc]:
        """The new documents and the members of every story open at their times (or undated)."""
        times = [t for d in new if (t := seconds(d.time)) == t]
        window = self.params.window_hours * 3600.0
        lo, hi = (min(times) - window, max(times) + window) if times else (float("-inf"), float("inf"))
        out = {d.id: d for d in new}
        for sid, (first, last) in self.span.items():
            if first != first or (last >= lo and first <= hi):
                out.update((a, self.docs[a]) for a in self.members[sid] if a in self.docs)
        return list(out.values())

    def _remember(self, sid: str, article_ids: Sequence[str]) -> None:
        for a in self.members.get(sid, ()):
            if self.story.get(a) == sid:
                del self.story[a]
        self.members[sid] = list(article_ids)
        times = []
        for a in article_ids:
            self.story[a] = sid
            if a in self.docs and (t := seconds(self.docs[a].time)) == t:
                times.append(t)
        self.span[sid] = (min(times), max(times)) if times else (float("nan"), float("nan"))

    def _load(self, store: Store, since: float) -> None:
        """The members of the stories still open at `since` (seconds; NaN: none)."""
        if since != since:
            return
        cutoff = datetime.fromtimestamp(since - self.params.window_hours * 3600.0, UTC).isoformat()[:19]
        offset = 0
        while True:
            page = store.list_stories(order="latest", offset=offset, limit=100)
            open_ = [s for s in page.items if s.last_seen and s.last_seen >= cutoff]
            for summary in open_:
                detail = store.get_story(summary.id)
                if detail is None:
                    continue
                refs = {a.id: a for a in detail.articles}
                for art in store.articles(list(refs)):
                    ref = refs[art.id]
                    self.articles[art.id] = art
                    outlet = ref.outlet.id if ref.outlet else None
                    self.docs[art.id] = _doc(art, uri=ref.uri, outlet=outlet, time=ref.date or art.published)
                self._remember(summary.id, [a for a in refs if a in self.docs])
                self.dups.add([(a, self.articles[a].text) for a in refs if a in self.articles])
            if len(open_) < len(page.items) or len(page.items) < 100:
                return
            offset += 100

    def _prune(self) -> None:
        """Forget stories closed for good: their latest article is two windows older than the newest one."""
        newest = max((last for _, last in self.span.values() if last == last), default=None)
        if newest is None:
            return
        horizon = newest - 2 * self.params.window_hours * 3600.0
        for sid in [sid for sid, (_, last) in self.span.items() if last < horizon]:
            for a in self.members.pop(sid):
                self.dups.forget(a)
                self.docs.pop(a, None)
                self.articles.pop(a, None)
                self.story.pop(a, None)
            del self.span[sid]


def _doc(article: Article, *, uri: str | None, outlet: str | None, time: str | None) -> StoryDoc:
    """The clusterer's view, with the lead sentences a story summary reads (kept: a story that grows over
    many batches is described again each time, its articles' sentences need not be split again)."""
    doc = story_doc(article, uri=uri, outlet=outlet, time=time)
    doc.extra["leads"] = lead_sentences(article)
    return doc


class NearDuplicates:
    """Near duplicates among the kept articles, found as rawi.connect.dedup finds them (MinHash bands, then
    the real Jaccard of the shingle sets), a batch at a time: each article is sketched once, and its band
    keys index it for the batches that follow."""

    def __init__(self, params: DedupParams | None = None) -> None:
        self.params = params or DedupParams()
        self.hasher = MinHasher(self.params.lsh.num_perm, self.params.lsh.seed)
        self.sketches: dict[str, tuple[int, np.ndarray, list[int]]] = {}  # id -> (digest, shingles, band keys)
        self.bands: dict[tuple[int, int], list[str]] = {}  # (band, key) -> ids
        self.group: dict[str, str] = {}  # id -> the earliest indexed member of its group

    def add(self, texts: Sequence[tuple[str, str]]) -> dict[str, str]:
        """Index (id, text) pairs; returns id -> group for them and the kept articles they duplicate."""
        texts = [(i, t) for i, t in texts if i not in self.sketches]
        if not texts:
            return {}
        batch = sketch_batch([TextItem(i, None, None, t) for i, t in texts], self.params, self.hasher)
        out: dict[str, str] = {}
        for k, (aid, _) in enumerate(texts):
            if not batch.words[k]:
                continue  # an empty text matches nothing
            digest = int(batch.digests[k])
            shingles = batch.shingles[batch.bounds[k] : batch.bounds[k + 1]]
            keys = [(b, int(key)) for b, key in enumerate(batch.keys[k].tolist())]
            for other in dict.fromkeys(o for key in keys for o in self.bands.get(key, ())):
                od, osh, _ = self.sketches[other]
                if od == digest or similarity(shingles, osh)[0] >= self.params.threshold:
                    self.group[aid] = self.group.get(other, other)
                    out[aid] = out[other] = self.group[aid]
                    break
            self.sketches[aid] = (digest, shingles, [key for _, key in keys])
            for key in keys:
                self.bands.setdefault(key, []).append(aid)
        return out

    def forget(self, aid: str) -> None:
        sketch = self.sketches.pop(aid, None)
        self.group.pop(aid, None)
        for b, key in enumerate(sketch[2] if sketch else ()):
            ids = self.bands.get((b, key))
            if ids is not None:
                ids.remove(aid)
                if not ids:
                    del self.bands[(b, key)]

"""Keeping stories current as `rawi ingest` adds articles (an update hook, see rawi.store.hooks).

After each batch the hook places the new articles: each joins a story still open (one whose latest article
is within the clustering window) or opens a new one; articles already placed stay where they are. The open
stories' members are kept in memory between batches; a fresh process loads them from the store once
(`list_stories` by latest article, then `get_story`). Only the stories that changed are written.

The collection statistics (IDF, template phrases) come from the open window, not the whole corpus, so an
incremental run is close to, not identical with, a batch run over the same articles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from rawi.connect.stories import build_stories
from rawi.connect.story_cluster import StoryParams, seconds
from rawi.connect.story_features import StoryDoc, story_doc
from rawi.model import Article
from rawi.store.base import Store
from rawi.store.records import StoryRecord, SummarySentence


class StoryHook:
    name = "stories"

    def __init__(self, params: StoryParams | None = None) -> None:
        self.params = params or StoryParams()
        self.docs: dict[str, StoryDoc] = {}  # open stories' members
        self.articles: dict[str, Article] = {}
        self.story: dict[str, str] = {}  # article id -> story id
        self.loaded = False

    def update(self, store: Store, article_ids: Sequence[str]) -> Mapping[str, int]:
        new = [self._doc(store, a) for a in store.articles(article_ids)]
        new = [d for d in new if d is not None]
        if not new:
            return {}
        if not self.loaded:
            self._load(store, min((seconds(d.time) for d in new if d.time), default=float("nan")))
            self.loaded = True
        for d in new:
            self.docs[d.id] = d
        known = set(self.story.values())
        stories = build_stories(list(self.docs.values()), self.articles, params=self.params, preset=self.story)
        fresh = {d.id for d in new}
        changed = [s for s in stories if fresh.intersection(s.article_ids)]
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
            for a in s.article_ids:
                self.story[a] = s.id
        self._prune()
        return {
            "stories": sum(s.id not in known for s in changed),
            "stories updated": sum(s.id in known for s in changed),
        }

    def _doc(self, store: Store, article: Article) -> StoryDoc | None:
        detail = store.get_article(article.id)
        if detail is None:
            return None
        s = detail.summary
        self.articles[article.id] = article
        return story_doc(article, uri=s.uri, outlet=s.outlet.id if s.outlet else None, time=s.date or article.published)

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
                    self.docs[art.id] = story_doc(art, uri=ref.uri, outlet=outlet, time=ref.date or art.published)
                    self.story[art.id] = summary.id
            if len(open_) < len(page.items) or len(page.items) < 100:
                return
            offset += 100

    def _prune(self) -> None:
        """Forget stories closed for good: their latest article is a window older than the newest article."""
        times = {i: seconds(d.time) for i, d in self.docs.items()}
        newest = max((t for t in times.values() if t == t), default=None)
        if newest is None:
            return
        last: dict[str, float] = {}
        for i, t in times.items():
            s = self.story.get(i, i)
            if t == t:
                last[s] = max(last.get(s, t), t)
        horizon = newest - 2 * self.params.window_hours * 3600.0
        for i in list(self.docs):
            if last.get(self.story.get(i, i), newest) < horizon:
                del self.docs[i]
                self.articles.pop(i, None)
                self.story.pop(i, None)

"""Keeping "who copied whom" current as `rawi ingest` adds articles (an update hook, see rawi.store.hooks).

After each batch the hook aligns the new articles with the stored articles published within `window_days`
of them (provenance.py's parameters and rules): for every pair that shares passages, the earlier article
(published time, agencies first on ties, then ingest order) is the source; the link is credited when the
target credits or cites the source's outlet, an agency the source credits, or the origin (`origin_of`);
it is a "duplicate" when the aligned passages cover (nearly) all of both texts, else "reuse".

A new article can also be the *earlier* one (a wire stored after a paper that ran it): stored articles
that now have a new source are re-attributed, so their links match a batch run over the same articles.
The window's articles are kept in memory between batches, read into words once and indexed once
(reuse.Window: a batch costs what it adds and removes, not what the window holds, with the links a
Collection rebuilt over the window would give); a fresh process loads them from the store on first use
(`list_articles` by date), and articles that fall a window behind the newest batch are dropped. A stored
article aligned again loses the links from window articles that no longer match it. Rarity weights come
from the window, so an incremental run is close to, not identical with, a batch run.

A re-attributed article is aligned again with every candidate, pairs aligned in earlier batches included
(about 46% of the alignments on all of SaudiNewsNet): a pair's passages depend on the window's weights as well
as on the two texts, so passages kept from an earlier batch would change the scores (and, rarely, the
passages) of the links written, and make them depend on where the batches fall. What is kept instead is
each text's preparation for alignment, for the batch (reuse.PreparedTexts: the same passages).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np

from rawi.connect.align import Passage
from rawi.connect.outlets import credit_name, is_agency, outlet_name, same_outlet
from rawi.connect.provenance import ArticleRef, Attribution, attribute, provenance_params
from rawi.connect.reuse import Pairs, ReuseParams, Text, Window, align_pairs
from rawi.engine.pool import side_available, side_submit
from rawi.model import Article
from rawi.store.base import Store
from rawi.store.records import ArticleSummary, ReuseLink, SearchFilters
from rawi.store.sql import SqlStore

DUPLICATE_COVER = 0.9  # share of both texts inside aligned passages that makes a pair a duplicate
# A batch's alignments in up to SIDE_SHARES shares of at least SIDE_SHARE_PAIRS pairs, all but one offered
# to the workers: shares small enough that the main process can take back those not started.
SIDE_SHARES, SIDE_SHARE_PAIRS = 8, 40


@dataclass(slots=True)
class _Known:
    ref: ArticleRef  # its text dropped once the window holds the words (a window of texts is tens of MB)
    page_id: str
    order: int  # ingest order (stored before = lower)
    length: int = 0  # characters of the text, spaces around it left out (what a duplicate must cover)


@dataclass(slots=True)
class ReuseHook:
    name: str = "reuse"
    window_days: int = 7
    params: ReuseParams = field(default_factory=provenance_params)
    known: dict[str, _Known] = field(default_factory=dict)  # the window: article id -> what provenance needs
    window: Window = field(init=False)  # the same articles' words and candidate index, kept across batches
    loaded: tuple[date, date] | None = None  # the days of the store already in `known`
    _next: int = 0  # ingest order of the next new article
    _first: int = -1  # ingest order of the next article loaded from the store (listed newest first)

    def __post_init__(self) -> None:
        self.window = Window(self.params)

    def update(self, store: Store, article_ids: Sequence[str]) -> Mapping[str, int]:
        new = self._new(store, article_ids)
        if not new:
            return {}
        days = [d for d in (_day(k.ref.time) for k in new) if d]
        if days:
            span = timedelta(days=self.window_days)
            self._load(store, min(days) - span, max(days) + span, {k.ref.id for k in new})
        for k in new:
            self._keep(k)
        links, targets = self._links(new)
        stale = self._stale(store, links, targets)
        if stale:
            store.put_reuse_links(links, drop=stale)  # type: ignore[call-arg]  # SqlStore (see _stale)
        else:
            store.put_reuse_links(links)
        ids = {k.ref.id for k in new}
        added = sum(x.source_article in ids or x.target_article in ids for x in links)  # not the re-attributed
        if days:
            self._prune(max(days) - timedelta(days=self.window_days))
        for k in new:  # undated articles cannot be placed in a window: compared once, not kept
            if _day(k.ref.time) is None:
                self._forget(k.ref.id)
        counts = {"reuse links": added}
        if stale:
            counts["reuse links dropped"] = len(stale)
        return counts

    def _keep(self, k: _Known) -> None:
        self.window.add(Text(k.ref.id, k.ref.text))
        k.length = len(k.ref.text.strip())
        k.ref = replace(k.ref, text="")
        self.known[k.ref.id] = k  # an article already known keeps its place (and the window's order)

    def _forget(self, article_id: str) -> None:
        self.known.pop(article_id, None)
        self.window.remove(article_id)

    # --- reading ---------------------------------------------------------------------------------------

    def _new(self, store: Store, article_ids: Sequence[str]) -> list[_Known]:
        out = []
        articles = store.articles(article_ids)  # in ingest order
        if isinstance(store, SqlStore):  # summaries in one query, not a full article page each
            summaries = {}
            for start in range(0, len(articles), 500):
                summaries.update(store._summaries([a.id for a in articles[start : start + 500]]))
        else:
            details = {a.id: store.get_article(a.id) for a in articles}
            summaries = {i: d.summary for i, d in details.items() if d is not None}
        for article in articles:
            summary = summaries.get(article.id)
            if summary is None:
                continue
            out.append(_Known(stored_ref(article, summary), article.page_id, self._next))
            self._next += 1
        return out

    def _load(self, store: Store, lo: date, hi: date, skip: set[str]) -> None:
        """Bring the days [lo, hi] of the store into the window (only those not loaded yet)."""
        if self.loaded is None:
            ranges = [(lo, hi)]
            self.loaded = (lo, hi)
        else:
            have_lo, have_hi = self.loaded
            ranges = []
            if lo < have_lo:
                ranges.append((lo, have_lo - timedelta(days=1)))
            if hi > have_hi:
                ranges.append((have_hi + timedelta(days=1), hi))
            self.loaded = (min(lo, have_lo), max(hi, have_hi))
        for start, end in ranges:
            filters = SearchFilters(date_from=start.isoformat(), date_to=end.isoformat())
            offset = 0
            while True:
                page = store.list_articles(filters, offset=offset, limit=500)
                summaries = {s.id: s for s in page.items if s.id not in skip and s.id not in self.known}
                stored = {a.id: a for a in store.articles(list(summaries))}
                for i, summary in summaries.items():
                    if i not in stored:
                        continue
                    # listed newest (and last stored) first: counting down keeps ingest order on ties
                    self._keep(_Known(stored_ref(stored[i], summary), stored[i].page_id, self._first))
                    self._first -= 1
                offset += len(page.items)
                if not page.items or offset >= page.total:
                    break

    def _prune(self, horizon: date) -> None:
        for i, k in list(self.known.items()):
            d = _day(k.ref.time)
            if d is not None and d < horizon:
                self._forget(i)
        if self.loaded is not None and self.loaded[0] < horizon:
            self.loaded = (horizon, max(horizon, self.loaded[1]))

    # --- aligning --------------------------------------------------------------------------------------

    def _links(self, new: list[_Known]) -> tuple[list[ReuseLink], list[str]]:
        """The links of the new articles and of the stored ones they precede (re-attributed), and the ids of
        all those targets."""
        w, p = self.window, self.params
        key = {slot: _rank_key(self.known[i]) for i, slot in w.slot.items()}
        found_for: dict[int, list[tuple[int, int]]] = {}

        def candidates(slot: int) -> list[tuple[int, int]]:
            if slot not in found_for:
                found_for[slot] = w.candidates(slot)[: p.max_sources]
            return found_for[slot]

        fresh = [w.slot[k.ref.id] for k in new]
        # Targets: the new articles, and stored ones published after a new article they may reuse.
        targets = set(fresh)
        for n in fresh:
            targets.update(si for si, _shared in candidates(n) if key[si] > key[n])
        pairs: Pairs = []
        for ti in sorted(targets, key=key.__getitem__):
            page = self.known[w.ids[ti]].page_id
            pairs.append(
                (ti, [si for si, _ in candidates(ti) if key[si] < key[ti] and self.known[w.ids[si]].page_id != page])
            )
        links: list[ReuseLink] = []
        for (ti, _), found in zip(pairs, self._align(pairs), strict=True):
            if found:
                # provenance.attribute over the target and its sources alone (ranks among them)
                local = [ti, *(si for si, _ in found)]
                refs = [self.known[w.ids[i]].ref for i in local]
                lengths = [self.known[w.ids[i]].length for i in local]
                rank = np.empty(len(local), np.int64)
                rank[sorted(range(len(local)), key=lambda n: key[local[n]])] = np.arange(len(local))
                at = {i: n for n, i in enumerate(local)}
                attributed = attribute(refs, 0, [(at[si], ps) for si, ps in found], rank)
                links.extend(pair_links(refs, attributed, lengths))
        return links, [w.ids[t] for t in targets]

    def _align(self, pairs: Pairs) -> list[list[tuple[int, list[Passage]]]]:
        """Window.align of every pair, part of them on the workers analyzing pages when `rawi ingest` lends
        its pool (engine.pool.side_submit): the same passages, computed beside the main process. The main
        process aligns the last share itself, then takes back the shares no worker has started."""
        w = self.window
        size = sum(len(sources) for _, sources in pairs)
        shares = max(1, min(SIDE_SHARES, size // SIDE_SHARE_PAIRS))
        if shares == 1 or not side_available():
            return [[(si, ps) for si in sources if (ps := w.align(si, ti))] for ti, sources in pairs]
        cuts = np.searchsorted(np.cumsum([len(s) for _, s in pairs]), np.arange(1, shares) * size / shares)
        parts = [part for part in np.split(np.arange(len(pairs)), cuts) if len(part)]
        weights = w.weights()
        futures: list[Future[list[list[tuple[int, list[Passage]]]]] | None] = []
        for part in parts[:-1]:
            share = [pairs[i] for i in part]
            seqs = {slot: w.seqs[slot] for ti, sources in share for slot in (ti, *sources)}
            futures.append(side_submit(align_pairs, seqs, weights, w.params.align, share))
        results: list[list[list[tuple[int, list[Passage]]]] | None] = [None] * len(parts)

        def here(k: int) -> list[list[tuple[int, list[Passage]]]]:
            return [
                [(si, ps) for si in sources if (ps := w.align(si, ti))] for ti, sources in (pairs[i] for i in parts[k])
            ]

        results[-1] = here(len(parts) - 1)
        for k in reversed(range(len(futures))):  # shares not started yet: taken back, last first
            f = futures[k]
            if f is None or f.cancel():
                results[k] = here(k)
        for k, f in enumerate(futures):
            if results[k] is None and f is not None:
                try:
                    results[k] = f.result()
                except Exception:  # a worker that died (the pool restarts it): aligned here instead
                    results[k] = here(k)
        return [found for part in results for found in part or []]

    def _stale(self, store: Store, links: list[ReuseLink], targets: list[str]) -> list[tuple[str, str]]:
        """Stored links to these targets from earlier articles of the window that were not found again: a
        target re-attributed (or replaced) has lost them, as a batch run over the same articles would."""
        if not isinstance(store, SqlStore):
            return []
        now = {(x.source_article, x.target_article) for x in links}
        out = []
        for source, target in store.reuse_links_to(targets):
            s, t = self.known.get(source), self.known.get(target)
            if (source, target) not in now and s and t and s.ref.id in self.window and _rank_key(s) < _rank_key(t):
                out.append((source, target))
        return out


def stored_ref(article: Article, summary: ArticleSummary) -> ArticleRef:
    """An article as provenance sees it, from the store (cf. provenance.article_refs on a fresh page). The
    page's byline is not stored with the article, so agencies named only there are not seen."""
    credited = [credit_name(c.name) for c in article.credits]
    agencies = [
        credit_name(c.name) for c in article.credits if c.kind == "agency" or (c.kind == "source" and is_agency(c.name))
    ]
    return ArticleRef(
        id=article.id,
        uri=summary.uri if article.position == 0 else f"{summary.uri}#{article.position}",
        outlet=outlet_name(summary.outlet.name) if summary.outlet else None,
        time=article.published or summary.date,
        credits=tuple(dict.fromkeys([*credited, *(credit_name(c) for c in article.cited)])),
        agencies=tuple(dict.fromkeys(agencies)),
        text=article.text,
    )


def pair_links(refs: list[ArticleRef], a: Attribution, lengths: list[int] | None = None) -> list[ReuseLink]:
    """One link per source of an attributed article: credited when the target names this source's outlet,
    an agency it credits, or the origin of the text. `lengths`: each text's length without the spaces
    around it, when the refs no longer hold their texts."""
    if lengths is None:
        lengths = [len(r.text.strip()) for r in refs]
    t = refs[a.target]
    out = []
    for si in a.sources:
        s = refs[si]
        passages = sorted(a.passages[si], key=lambda p: p.target_start)
        named = {a.origin, s.outlet, *s.agencies}
        credited = any(same_outlet(c, n) for c in t.credits for n in named if n)
        out.append(
            ReuseLink(
                source_article=s.id,
                target_article=t.id,
                kind="duplicate" if _duplicate(lengths[si], lengths[a.target], passages) else "reuse",
                spans=[
                    {
                        "source_start": p.source_start,
                        "source_end": p.source_end,
                        "target_start": p.target_start,
                        "target_end": p.target_end,
                    }
                    for p in passages
                ],
                credited=credited,
                score=_score(passages),
            )
        )
    return out


def _duplicate(source_length: int, target_length: int, passages: list[Passage]) -> bool:
    covered_s = _union((p.source_start, p.source_end) for p in passages)
    covered_t = _union((p.target_start, p.target_end) for p in passages)
    return covered_s >= DUPLICATE_COVER * source_length and covered_t >= DUPLICATE_COVER * target_length


def _union(spans: Iterable[tuple[int, int]]) -> int:
    total, reach = 0, -1
    for s, e in sorted(spans):
        s = max(s, reach)
        if e > s:
            total += e - s
            reach = e
    return total


def _score(passages: list[Passage]) -> float:
    """Passage scores weighted by the characters of the target they cover."""
    weights = [max(1, p.target_end - p.target_start) for p in passages]
    return round(sum(p.score * w for p, w in zip(passages, weights, strict=True)) / sum(weights), 4)


def _rank_key(k: _Known) -> tuple[bool, str, bool, int, str]:
    """provenance._rank's order with ingest order before the id: undated last, agencies first on equal
    times, then stored before."""
    return (k.ref.time is None, k.ref.time or "", not (k.ref.outlet and is_agency(k.ref.outlet)), k.order, k.ref.id)


def _day(time: str | None) -> date | None:
    try:
        return date.fromisoformat(time[:10]) if time else None
    except ValueError:
        return None

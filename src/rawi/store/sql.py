"""The store over SQL, shared by both backends: ingest, corpus-stage writes, and every read.

SQL here is written once with `?` placeholders and the common dialect of SQLite and PostgreSQL (upserts
with ON CONFLICT, NULLS LAST); a backend supplies connections, transactions, migrations and the
full-text index (`_index`, `_unindex`, `_match_queries`, `_search_rows`, `_search_count`).
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from rawi.errors import UsageError
from rawi.model import Article, Credit, SegmentedPage
from rawi.store import rows as R
from rawi.store.base import BatchCallback, IngestReport, Store, UpdateHook
from rawi.store.records import (
    AliasCount,
    ArticleDetail,
    ArticleList,
    ArticleSummary,
    Counts,
    CreditOut,
    DayCount,
    EntityDetail,
    EntityList,
    EntityRef,
    EntitySummary,
    HomeView,
    MentionOut,
    OutletCount,
    OutletDetail,
    OutletEdge,
    OutletList,
    OutletRef,
    OutletSummary,
    QuoteList,
    QuoteOut,
    RemovedOut,
    Republication,
    ReuseLink,
    SearchFilters,
    SearchHit,
    SearchResults,
    StoryDetail,
    StoryList,
    StoryRecord,
    StoryRef,
    StorySummary,
    SummarySentence,
)
from rawi.store.search import ParsedQuery, highlight_spans, name_groups, parse_query, snippet
from rawi.text import match_form

Row = tuple[Any, ...]
COUNT_CAP = 1000  # counting every match of a common word costs more than knowing there are over a thousand

_SUMMARY_COLUMNS = "a.id, a.page_id, p.uri, a.role, a.title, a.lead, a.date, o.id, o.name, o.kind, a.credits"
_SUMMARY_FROM = "articles a JOIN pages p ON p.id = a.page_id LEFT JOIN outlets o ON o.id = a.outlet_id"
_SUMMARY = f"{_SUMMARY_COLUMNS} FROM {_SUMMARY_FROM}"
_QUOTE = (
    "q.id, q.article_id, q.span_start, q.span_end, q.text, q.kind, q.cue, q.speaker, q.speaker_id, q.date, "
    "a.title, o.id, o.name, o.kind "
    "FROM quotes q JOIN articles a ON a.id = q.article_id LEFT JOIN outlets o ON o.id = a.outlet_id"
)
_ENTITY = "e.id, e.canonical, e.label, e.mentions, e.quotes, e.first_seen, e.last_seen FROM entities e"


def _marks(n: int) -> str:
    return "(" + ",".join("?" * n) + ")"


def _loads(text: str | None, default: Any) -> Any:
    return json.loads(text) if text else default


@lru_cache(maxsize=4096)
def _outlet_id(name: str) -> str:
    return R.outlet_identity(name)[0]


def _outlet(row: Row, at: int) -> OutletRef | None:
    return OutletRef(row[at], row[at + 1], row[at + 2]) if row[at] else None


def _summary(row: Row) -> ArticleSummary:
    credits = [CreditOut(c["name"], c["kind"], _outlet_id(c["name"])) for c in _loads(row[10], [])]
    return ArticleSummary(row[0], row[1], row[2], row[3], row[4], row[5], row[6], _outlet(row, 7), credits)


def _quote(row: Row) -> QuoteOut:
    return QuoteOut(*row[:10], article_title=row[10], outlet=_outlet(row, 11))


def _entity(row: Row) -> EntitySummary:
    return EntitySummary(*row[:7])


def _day(value: str) -> str:
    return date.fromisoformat(value).isoformat()


def _next_day(value: str) -> str:
    return (date.fromisoformat(value) + timedelta(days=1)).isoformat()


class SqlStore(Store):
    """Everything but connections, migrations and the full-text index (see sqlite.py, postgres.py)."""

    # --- what a backend provides -------------------------------------------------------------------

    @abstractmethod
    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Execute one statement written with `?` placeholders; return a cursor."""

    @abstractmethod
    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[None]: ...

    @abstractmethod
    def _index(self, docs: list[tuple[int, R.IndexDoc]]) -> None: ...

    @abstractmethod
    def _unindex(self, seqs: list[int]) -> None: ...

    @abstractmethod
    def _match_queries(self, parsed: ParsedQuery) -> tuple[str, str | None]: ...

    @abstractmethod
    def _search_rows(
        self, match: str, where: list[str], params: list[Any], offset: int, limit: int
    ) -> list[tuple[str, float]]: ...

    @abstractmethod
    def _search_count(self, match: str, where: list[str], params: list[Any], cap: int) -> int: ...

    @abstractmethod
    def generation(self) -> object:
        """A token for read caches: equal tokens from the same thread mean nothing was committed in between,
        so what was read then is still what a read would return now."""

    # --- small helpers -----------------------------------------------------------------------------

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self._run(sql, params).fetchall())

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return self._run(sql, params).fetchone()

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._one(sql, params)
        return row[0] if row else None

    # --- ingest ------------------------------------------------------------------------------------

    def ingest(
        self,
        pages: Iterable[SegmentedPage],
        *,
        batch_size: int = 200,
        hooks: Sequence[UpdateHook] = (),
        on_batch: BatchCallback | None = None,
    ) -> IngestReport:
        total = IngestReport()
        batch: list[SegmentedPage] = []
        for page in pages:
            batch.append(page)
            if len(batch) >= batch_size:
                self._ingest_batch(batch, hooks, total, on_batch)
                batch = []
        if batch or hooks:  # hooks left behind by an earlier run catch up even when nothing is new
            self._ingest_batch(batch, hooks, total, on_batch)
        return total

    def _ingest_batch(
        self,
        batch: list[SegmentedPage],
        hooks: Sequence[UpdateHook],
        total: IngestReport,
        on_batch: BatchCallback | None,
    ) -> None:
        report = self.write_batch(batch)
        self.run_hooks(hooks, report)  # after the commit: a failing hook never loses stored pages
        total.merge(report)
        total.new_article_ids.extend(report.new_article_ids)
        if on_batch:
            on_batch(report)

    def run_hooks(self, hooks: Sequence[UpdateHook], report: IngestReport) -> None:
        """Call each hook with the articles it has not seen yet (stored after its last successful call), so
        a hook that failed, or was added later, catches up on the next ingest."""
        for hook in hooks:
            last = self._scalar("SELECT last_seq FROM hook_state WHERE name = ?", (hook.name,)) or 0
            pending = self._all("SELECT seq, id FROM articles WHERE seq > ? ORDER BY seq", (last,))
            if not pending:
                continue
            report.counts.update(hook.update(self, [article_id for _, article_id in pending]))
            with self._transaction():
                self._run(
                    "INSERT INTO hook_state (name, last_seq) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET last_seq = excluded.last_seq",
                    (hook.name, pending[-1][0]),
                )

    def write_batch(self, batch: list[SegmentedPage], rows: Sequence[R.PageRows | None] = ()) -> IngestReport:
        """Store one batch of pages in one transaction: all of it, or (on any error) none of it. `rows`, when
        given, are the pages' rows made already (R.page_rows, in a worker process: most of the work)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        by_id: dict[str, R.PageRows] = {}
        for k, result in enumerate(batch):
            if result.page.id not in by_id:
                made = rows[k] if k < len(rows) else None
                by_id[result.page.id] = made if made is not None else R.page_rows(result, now)
        report = IngestReport()
        if not by_id:
            return report
        with self._transaction():
            ids = list(by_id)
            known = dict(self._all(f"SELECT id, fingerprint FROM pages WHERE id IN {_marks(len(ids))}", ids))
            fresh = [r for r in by_id.values() if known.get(r.page_id) != r.fingerprint]
            report.counts["unchanged"] = len(by_id) - len(fresh)
            replaced = [r.page_id for r in fresh if r.page_id in known]
            deltas = _Deltas()
            if replaced:
                self._remove_pages(replaced, deltas)
                report.counts["replaced"] = len(replaced)
            if fresh:
                self._insert(fresh, deltas, report)
            self._apply_entity_deltas(deltas)
        return report

    def _remove_pages(self, page_ids: list[str], deltas: _Deltas) -> None:
        marks = _marks(len(page_ids))
        old = self._all(f"SELECT seq, id FROM articles WHERE page_id IN {marks}", page_ids)
        self._unindex([seq for seq, _ in old])
        article_ids = [aid for _, aid in old]
        if article_ids:
            amarks = _marks(len(article_ids))
            for eid, text, n in self._all(
                f"SELECT entity_id, text, count(*) FROM mentions WHERE article_id IN {amarks} GROUP BY entity_id, text",
                article_ids,
            ):
                deltas.mentions[eid] -= n
                deltas.aliases[(eid, text)] -= n
            for sid, n in self._all(
                f"SELECT speaker_id, count(*) FROM quotes WHERE article_id IN {amarks} AND speaker_id IS NOT NULL "
                "GROUP BY speaker_id",
                article_ids,
            ):
                deltas.quotes[sid] -= n
            for table in ("mentions", "quotes", "credits"):
                self._run(f"DELETE FROM {table} WHERE article_id IN {amarks}", article_ids)
        self._run(f"DELETE FROM removed_lines WHERE page_id IN {marks}", page_ids)
        self._run(f"DELETE FROM articles WHERE page_id IN {marks}", page_ids)
        self._run(f"DELETE FROM pages WHERE id IN {marks}", page_ids)

    def _insert(self, fresh: list[R.PageRows], deltas: _Deltas, report: IngestReport) -> None:
        outlets = {oid: v for r in fresh for oid, v in r.outlets.items()}
        self._run_many(
            "INSERT INTO outlets (id, name, kind) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
            [(oid, name, kind) for oid, (name, kind) in outlets.items()],
        )
        self._run_many(f"INSERT INTO pages ({R.PAGE_COLUMNS}) VALUES {_marks(13)}", [r.page for r in fresh])
        articles = [a for r in fresh for a in r.articles]
        self._run_many(f"INSERT INTO articles ({R.ARTICLE_COLUMNS}) VALUES {_marks(21)}", articles)
        page_ids = [r.page_id for r in fresh]
        seqs = dict(self._all(f"SELECT id, seq FROM articles WHERE page_id IN {_marks(len(page_ids))}", page_ids))
        self._index([(seqs[doc.article_id], doc) for r in fresh for doc in r.index])
        self._run_many(
            "INSERT INTO removed_lines (page_id, line, kind, text) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [x for r in fresh for x in r.removed],
        )
        self._run_many(
            "INSERT INTO credits (article_id, position, outlet_id, name, kind) VALUES (?, ?, ?, ?, ?)",
            [x for r in fresh for x in r.credits],
        )
        mentions = [m for r in fresh for m in r.mentions]
        quotes = [q for r in fresh for q in r.quotes]
        entities = {eid: v for r in fresh for eid, v in r.entities.items()}
        self._run_many(
            "INSERT INTO entities (id, label, canonical, canonical_key) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO NOTHING",
            [(eid, label, canonical, match_form(canonical)) for eid, (label, canonical) in entities.items()],
        )
        upsert = "ON CONFLICT DO NOTHING"
        self._run_many(f"INSERT INTO mentions ({R.MENTION_COLUMNS}) VALUES {_marks(7)} {upsert}", mentions)
        self._run_many(f"INSERT INTO quotes ({R.QUOTE_COLUMNS}) VALUES {_marks(10)} {upsert}", quotes)
        for _, _, _, _, text, eid, day in mentions:
            deltas.mentions[eid] += 1
            deltas.aliases[(eid, text)] += 1
            deltas.seen(eid, day)
        for q in quotes:
            if q[8]:
                deltas.quotes[q[8]] += 1
                deltas.seen(q[8], q[9])
        new_ids = [a[0] for a in articles]
        report.new_article_ids.extend(new_ids)
        report.counts["pages"] += len(fresh)
        report.counts["articles"] += len(articles)
        report.counts["removed lines"] += sum(len(r.removed) for r in fresh)
        report.counts["mentions"] += len(mentions)
        report.counts["quotes"] += len(quotes)
        report.counts["duplicates"] += self._scalar(
            f"SELECT count(*) FROM articles a WHERE a.page_id IN {_marks(len(page_ids))} AND a.text_hash <> '' "
            "AND EXISTS (SELECT 1 FROM articles b WHERE b.text_hash = a.text_hash AND b.seq < a.seq "
            "AND b.page_id <> a.page_id)",
            page_ids,
        )

    def _apply_entity_deltas(self, deltas: _Deltas) -> None:
        touched = set(deltas.mentions) | set(deltas.quotes)
        if not touched:
            return
        self._run_many(
            "UPDATE entities SET mentions = mentions + ?, quotes = quotes + ?, "
            "first_seen = CASE WHEN first_seen IS NULL OR ? < first_seen THEN ? ELSE first_seen END, "
            "last_seen = CASE WHEN last_seen IS NULL OR ? > last_seen THEN ? ELSE last_seen END WHERE id = ?",
            [
                (deltas.mentions[e], deltas.quotes[e], *(deltas.first.get(e),) * 2, *(deltas.last.get(e),) * 2, e)
                for e in touched
            ],
        )
        self._run_many(
            "INSERT INTO aliases (entity_id, alias, key, stem_key, count) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (entity_id, alias) DO UPDATE SET count = aliases.count + excluded.count",
            [(e, a, match_form(a), R.alias_key(a), n) for (e, a), n in deltas.aliases.items() if n],
        )
        gone = [e for e in touched if deltas.mentions[e] < 0 or deltas.quotes[e] < 0]
        for start in range(0, len(gone), 500):
            part = gone[start : start + 500]
            self._run(f"DELETE FROM aliases WHERE count <= 0 AND entity_id IN {_marks(len(part))}", part)
            self._run(
                f"DELETE FROM entities WHERE mentions <= 0 AND quotes <= 0 AND id IN {_marks(len(part))}",
                part,
            )

    # --- written by corpus stages ------------------------------------------------------------------

    def put_reuse_links(self, links: Iterable[ReuseLink], *, drop: Sequence[tuple[str, str]] = ()) -> int:
        """Insert or replace `links`; `drop` names (source, target) links that stopped applying, deleted in
        the same transaction."""
        rows = [
            (x.source_article, x.target_article, x.kind, R.dumps(x.spans), bool(x.credited), float(x.score))
            for x in links
        ]
        with self._transaction():
            if drop:
                self._run_many("DELETE FROM reuse_links WHERE source_article = ? AND target_article = ?", list(drop))
            self._run_many(
                "INSERT INTO reuse_links (source_article, target_article, kind, spans, credited, score) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_article, target_article) DO UPDATE SET "
                "kind = excluded.kind, spans = excluded.spans, credited = excluded.credited, score = excluded.score",
                rows,
            )
        return len(rows)

    def reuse_links_to(self, targets: Sequence[str]) -> list[tuple[str, str]]:
        """(source, target) of the stored links to these target articles."""
        out: list[tuple[str, str]] = []
        for start in range(0, len(targets), 500):
            part = list(targets[start : start + 500])
            rows = self._all(
                f"SELECT source_article, target_article FROM reuse_links WHERE target_article IN {_marks(len(part))}",
                part,
            )
            out.extend((s, t) for s, t in rows)
        return out

    def put_stories(self, stories: Iterable[StoryRecord]) -> int:
        items = list(stories)
        with self._transaction():
            for story in items:
                ids = list(dict.fromkeys(story.article_ids))
                first, last = story.first_seen, story.last_seen
                if ids and (first is None or last is None):
                    lo, hi = self._one(f"SELECT min(date), max(date) FROM articles WHERE id IN {_marks(len(ids))}", ids)
                    first, last = first or lo, last or hi
                summary = [{"text": s.text, "article_id": s.article_id} for s in story.summary]
                self._run(
                    "INSERT INTO stories (id, title, summary, first_seen, last_seen, size, top_entities) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title, "
                    "summary = excluded.summary, first_seen = excluded.first_seen, last_seen = excluded.last_seen, "
                    "size = excluded.size, top_entities = excluded.top_entities",
                    (story.id, story.title, R.dumps(summary), first, last, len(ids), R.dumps(story.top_entities)),
                )
                self._run("DELETE FROM story_articles WHERE story_id = ?", (story.id,))
                self._run_many(
                    "INSERT INTO story_articles (story_id, article_id) VALUES (?, ?)", [(story.id, a) for a in ids]
                )
        return len(items)

    def delete_stories(self, story_ids: Sequence[str]) -> int:
        ids = list(story_ids)
        if not ids:
            return 0
        with self._transaction():
            self._run(f"DELETE FROM story_articles WHERE story_id IN {_marks(len(ids))}", ids)
            return self._run(f"DELETE FROM stories WHERE id IN {_marks(len(ids))}", ids).rowcount

    # --- reading for corpus stages -----------------------------------------------------------------

    _ARTICLE_FULL = (
        "a.seq, a.id, a.page_id, a.position, a.role, a.title, a.subheadings, a.paragraphs, a.credits, a.cited, "
        "a.tags, a.dateline, a.published, a.language, a.entities, a.quotes, a.dates, a.summary FROM articles a"
    )

    @staticmethod
    def _article(row: Row) -> Article:
        return Article(
            id=row[1],
            page_id=row[2],
            position=row[3],
            role=row[4],
            title=row[5],
            subheadings=_loads(row[6], []),
            paragraphs=_loads(row[7], []),
            credits=[Credit(c["name"], c["kind"]) for c in _loads(row[8], [])],
            cited=_loads(row[9], []),
            tags=_loads(row[10], []),
            dateline=row[11],
            published=row[12],
            language=row[13],
            entities=_loads(row[14], []),
            quotes=_loads(row[15], []),
            dates=_loads(row[16], []),
            summary=_loads(row[17], []),
        )

    def articles(self, ids: Sequence[str]) -> list[Article]:
        out: list[Article] = []
        ids = list(ids)
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            rows = self._all(f"SELECT {self._ARTICLE_FULL} WHERE a.id IN {_marks(len(part))} ORDER BY a.seq", part)
            out.extend(self._article(r) for r in rows)
        return out

    def iter_articles(self, *, after: int = 0, batch: int = 500) -> Iterator[tuple[int, Article]]:
        while True:
            rows = self._all(f"SELECT {self._ARTICLE_FULL} WHERE a.seq > ? ORDER BY a.seq LIMIT ?", (after, batch))
            if not rows:
                return
            for row in rows:
                yield row[0], self._article(row)
            after = rows[-1][0]

    def export_pages(self) -> Iterator[dict[str, Any]]:
        after = 0
        while True:
            pages = self._all(
                "SELECT seq, id, uri, outlet, kind, fetched, published, tags, related_headlines FROM pages "
                "WHERE seq > ? ORDER BY seq LIMIT 200",
                (after,),
            )
            if not pages:
                return
            ids = [p[1] for p in pages]
            marks = _marks(len(ids))
            removed: dict[str, list[dict[str, Any]]] = {}
            for pid, kind, text, line in self._all(
                f"SELECT page_id, kind, text, line FROM removed_lines WHERE page_id IN {marks} ORDER BY page_id, line",
                ids,
            ):
                removed.setdefault(pid, []).append({"kind": kind, "text": text, "line": R.shown_line(line)})
            articles: dict[str, list[dict[str, Any]]] = {}
            for row in self._all(f"SELECT {self._ARTICLE_FULL} WHERE a.page_id IN {marks} ORDER BY a.position", ids):
                articles.setdefault(row[2], []).append(self._article(row).to_json())
            for _, pid, uri, outlet, kind, fetched, published, tags, related in pages:
                yield {
                    "page": {
                        "id": pid,
                        "uri": uri,
                        "outlet": outlet,
                        "kind": kind,
                        "fetched": fetched,
                        "published": published,
                        "tags": _loads(tags, []),
                        "related_headlines": _loads(related, []),
                        "removed": removed.get(pid, []),
                    },
                    "articles": articles.get(pid, []),
                }
            after = pages[-1][0]

    # --- reading for people ------------------------------------------------------------------------

    def counts(self) -> Counts:
        tables = ("pages", "articles", "removed_lines", "entities", "quotes", "outlets", "stories", "reuse_links")
        row = self._one("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in tables))
        return Counts(*(int(x) for x in row))

    def home(self) -> HomeView:
        return HomeView(
            counts=self.counts(),
            latest_stories=self.list_stories(order="latest", limit=6).items,
            largest_stories=self.list_stories(order="largest", limit=6).items,
            busiest_speakers=self._entities("WHERE e.quotes > 0", [], "e.quotes DESC, e.mentions DESC", 8),
            top_entities=self._entities("WHERE e.mentions > 0", [], "e.mentions DESC", 12),
            latest_articles=self._summaries_where("", [], 8),
            daily=self._daily("SELECT substr(date, 1, 10), count(*) FROM articles WHERE date IS NOT NULL", []),
            outlets=self.list_outlets(limit=10).items,
        )

    def _daily(self, sql: str, params: Sequence[Any]) -> list[DayCount]:
        rows = self._all(sql + " GROUP BY substr(date, 1, 10) ORDER BY 1", params)
        return [DayCount(d, int(n)) for d, n in rows if d]

    def _summaries_where(self, where: str, params: Sequence[Any], limit: int, offset: int = 0) -> list[ArticleSummary]:
        rows = self._all(
            f"SELECT {_SUMMARY} {where} ORDER BY a.date DESC NULLS LAST, a.seq DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_summary(r) for r in rows]

    def _summaries(self, ids: Sequence[str]) -> dict[str, ArticleSummary]:
        if not ids:
            return {}
        rows = self._all(f"SELECT {_SUMMARY} WHERE a.id IN {_marks(len(ids))}", list(ids))
        return {r[0]: _summary(r) for r in rows}

    def _filter_sql(self, filters: SearchFilters | None) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if not filters:
            return where, params
        if filters.outlet:
            where.append("a.outlet_id = ?")
            params.append(filters.outlet)
        if filters.entity:
            where.append(
                "(EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id AND m.entity_id = ?) "
                "OR EXISTS (SELECT 1 FROM quotes sq WHERE sq.article_id = a.id AND sq.speaker_id = ?))"
            )
            params += [filters.entity, filters.entity]
        if filters.story:
            where.append("EXISTS (SELECT 1 FROM story_articles sa WHERE sa.article_id = a.id AND sa.story_id = ?)")
            params.append(filters.story)
        try:
            if filters.date_from:
                where.append("a.date >= ?")
                params.append(_day(filters.date_from))
            if filters.date_to:
                where.append("a.date < ?")
                params.append(_next_day(filters.date_to))
        except ValueError as exc:
            raise UsageError(f"dates are written YYYY-MM-DD ({exc})") from None
        return where, params

    def list_articles(self, filters: SearchFilters | None = None, *, offset: int = 0, limit: int = 20) -> ArticleList:
        where, params = self._filter_sql(filters)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        total = self._scalar(f"SELECT count(*) FROM articles a {clause}", params)
        return ArticleList(self._summaries_where(clause, params, limit, offset), int(total), offset, limit)

    def get_article(self, article_id: str) -> ArticleDetail | None:
        row = self._one(
            f"SELECT {_SUMMARY_COLUMNS}, a.subheadings, a.paragraphs, a.tags, a.cited, a.dateline, "
            "a.published, a.language, a.summary, a.dates, p.related_headlines, a.text_hash "
            f"FROM {_SUMMARY_FROM} WHERE a.id = ?",
            (article_id,),
        )
        if row is None:
            return None
        summary = _summary(row)
        paragraphs = _loads(row[12], [])
        mentions = [
            MentionOut(s, e, t, lab, eid, canon or t)
            for s, e, t, lab, eid, canon in self._all(
                "SELECT m.span_start, m.span_end, m.text, m.label, m.entity_id, en.canonical FROM mentions m "
                "LEFT JOIN entities en ON en.id = m.entity_id WHERE m.article_id = ? ORDER BY m.span_start",
                (article_id,),
            )
        ]
        quote_rows = self._all(f"SELECT {_QUOTE} WHERE q.article_id = ? ORDER BY q.span_start", (article_id,))
        quotes = [_quote(r) for r in quote_rows]
        removed = [
            RemovedOut(k, t, R.shown_line(ln))
            for k, t, ln in self._all(
                "SELECT kind, text, line FROM removed_lines WHERE page_id = ? ORDER BY line", (summary.page_id,)
            )
        ]
        stories = [
            StoryRef(i, t, n)
            for i, t, n in self._all(
                "SELECT s.id, s.title, s.size FROM stories s JOIN story_articles sa ON sa.story_id = s.id "
                "WHERE sa.article_id = ?",
                (article_id,),
            )
        ]
        return ArticleDetail(
            summary=summary,
            subheadings=_loads(row[11], []),
            paragraphs=paragraphs,
            text="\n\n".join(paragraphs),
            tags=_loads(row[13], []),
            cited=_loads(row[14], []),
            dateline=row[15],
            published=row[16],
            language=row[17],
            summary_sentences=_loads(row[18], []),
            dates=_loads(row[19], []),
            entities=mentions,
            quotes=quotes,
            removed=removed,
            related_headlines=_loads(row[20], []),
            also_published_by=self._republications(summary, row[21]),
            stories=stories,
        )

    def _republications(self, article: ArticleSummary, text_hash: str) -> list[Republication]:
        relations: dict[str, tuple[str, bool | None]] = {}
        if text_hash:
            for (other,) in self._all(
                "SELECT id FROM articles WHERE text_hash = ? AND page_id <> ? ORDER BY date LIMIT 50",
                (text_hash, article.page_id),
            ):
                relations[other] = ("duplicate", None)
        for src, tgt, credited in self._all(
            "SELECT source_article, target_article, credited FROM reuse_links WHERE source_article = ? "
            "OR target_article = ? LIMIT 100",
            (article.id, article.id),
        ):
            other, relation = (tgt, "copy") if src == article.id else (src, "source")
            relations.setdefault(other, (relation, bool(credited)))
        found = self._summaries(list(relations))
        return [Republication(found[i], rel, cred) for i, (rel, cred) in relations.items() if i in found]

    # stories

    def _story_summaries(self, rows: list[Row]) -> list[StorySummary]:
        wanted = {eid for r in rows for eid in _loads(r[5], [])[:5]}
        refs = self._entity_refs(list(wanted))
        return [
            StorySummary(r[0], r[1], int(r[2]), r[3], r[4], [refs[e] for e in _loads(r[5], [])[:5] if e in refs])
            for r in rows
        ]

    def _entity_refs(self, ids: list[str]) -> dict[str, EntityRef]:
        if not ids:
            return {}
        rows = self._all(f"SELECT id, canonical, label FROM entities WHERE id IN {_marks(len(ids))}", ids)
        return {i: EntityRef(i, c, lab) for i, c, lab in rows}

    def list_stories(self, *, order: str = "latest", offset: int = 0, limit: int = 20) -> StoryList:
        by = "size DESC, last_seen DESC NULLS LAST" if order == "largest" else "last_seen DESC NULLS LAST, size DESC"
        rows = self._all(
            f"SELECT id, title, size, first_seen, last_seen, top_entities FROM stories ORDER BY {by}, id "
            "LIMIT ? OFFSET ?",
            (limit, offset),
        )
        total = self._scalar("SELECT count(*) FROM stories")
        return StoryList(self._story_summaries(rows), int(total), offset, limit)

    def get_story(self, story_id: str) -> StoryDetail | None:
        row = self._one(
            "SELECT id, title, size, first_seen, last_seen, top_entities, summary FROM stories WHERE id = ?",
            (story_id,),
        )
        if row is None:
            return None
        member = "a.id IN (SELECT article_id FROM story_articles WHERE story_id = ?)"
        articles = self._all(
            f"SELECT {_SUMMARY} WHERE {member} ORDER BY a.date NULLS LAST, a.seq LIMIT 200", (story_id,)
        )
        outlets = self._all(
            "SELECT o.id, o.name, o.kind, count(*) FROM articles a JOIN outlets o ON o.id = a.outlet_id "
            f"WHERE {member} GROUP BY o.id, o.name, o.kind ORDER BY 4 DESC",
            (story_id,),
        )
        quotes = self._all(
            f"SELECT {_QUOTE} WHERE q.article_id IN (SELECT article_id FROM story_articles WHERE story_id = ?) "
            "ORDER BY q.date NULLS LAST, q.id LIMIT 60",
            (story_id,),
        )
        return StoryDetail(
            story=self._story_summaries([row])[0],
            summary=[SummarySentence(s.get("text", ""), s.get("article_id")) for s in _loads(row[6], [])],
            timeline=self._daily(f"SELECT substr(date, 1, 10), count(*) FROM articles a WHERE {member}", (story_id,)),
            outlets=[OutletCount(OutletRef(i, n, k), int(c)) for i, n, k, c in outlets],
            quotes=[_quote(q) for q in quotes],
            articles=[_summary(a) for a in articles],
        )

    # entities and quotes

    def _entities(
        self, where: str, params: Sequence[Any], order: str, limit: int, offset: int = 0
    ) -> list[EntitySummary]:
        rows = self._all(f"SELECT {_ENTITY} {where} ORDER BY {order}, e.id LIMIT ? OFFSET ?", [*params, limit, offset])
        return [_entity(r) for r in rows]

    def list_entities(
        self,
        *,
        query: str | None = None,
        label: str | None = None,
        order: str = "mentions",
        offset: int = 0,
        limit: int = 20,
    ) -> EntityList:
        where: list[str] = []
        params: list[Any] = []
        if query and query.strip():
            pattern = "%" + _escape_like(match_form(query.strip())) + "%"
            where.append(
                "(e.canonical_key LIKE ? ESCAPE '\\' OR e.id IN "
                "(SELECT entity_id FROM aliases WHERE key LIKE ? ESCAPE '\\'))"
            )
            params += [pattern, pattern]
        if label:
            where.append("e.label = ?")
            params.append(label)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        by = "e.quotes DESC, e.mentions DESC" if order == "quotes" else "e.mentions DESC, e.quotes DESC"
        total = self._scalar(f"SELECT count(*) FROM entities e {clause}", params)
        return EntityList(self._entities(clause, params, by, limit, offset), int(total), offset, limit)

    def get_entity(self, entity_id: str) -> EntityDetail | None:
        row = self._one(f"SELECT {_ENTITY} WHERE e.id = ?", (entity_id,))
        if row is None:
            return None
        aliases = [
            AliasCount(a, int(n))
            for a, n in self._all(
                "SELECT alias, count FROM aliases WHERE entity_id = ? AND count > 0 "
                "ORDER BY count DESC, alias LIMIT 50",
                (entity_id,),
            )
        ]
        quotes = self._all(
            f"SELECT {_QUOTE} WHERE q.speaker_id = ? ORDER BY q.date DESC NULLS LAST, q.id LIMIT 50", (entity_id,)
        )
        recent = self._all(
            "SELECT article_id, max(date) FROM (SELECT article_id, date FROM mentions WHERE entity_id = ? "
            "UNION ALL SELECT article_id, date FROM quotes WHERE speaker_id = ?) x GROUP BY article_id "
            "ORDER BY 2 DESC NULLS LAST, 1 LIMIT 20",
            (entity_id, entity_id),
        )
        found = self._summaries([r[0] for r in recent])
        return EntityDetail(
            entity=_entity(row),
            aliases=aliases,
            quotes=[_quote(q) for q in quotes],
            timeline=self._daily(
                "SELECT substr(date, 1, 10), count(*) FROM mentions WHERE entity_id = ?", (entity_id,)
            ),
            articles=[found[r[0]] for r in recent if r[0] in found],
        )

    def list_quotes(
        self,
        *,
        speaker: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> QuoteList:
        where: list[str] = []
        params: list[Any] = []
        if speaker:
            where.append("(q.speaker_id = ? OR q.speaker = ?)")
            params += [speaker, speaker]
        try:
            if date_from:
                where.append("q.date >= ?")
                params.append(_day(date_from))
            if date_to:
                where.append("q.date < ?")
                params.append(_next_day(date_to))
        except ValueError as exc:
            raise UsageError(f"dates are written YYYY-MM-DD ({exc})") from None
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        total = self._scalar(f"SELECT count(*) FROM quotes q {clause}", params)
        rows = self._all(
            f"SELECT {_QUOTE} {clause} ORDER BY q.date DESC NULLS LAST, q.id LIMIT ? OFFSET ?", [*params, limit, offset]
        )
        return QuoteList([_quote(r) for r in rows], int(total), offset, limit)

    # outlets

    def _outlet_summaries(self, where: str, params: Sequence[Any], limit: int, offset: int) -> list[OutletSummary]:
        rows = self._all(
            "SELECT * FROM (SELECT o.id, o.name, o.kind, "
            "(SELECT count(*) FROM articles a WHERE a.outlet_id = o.id) AS n_articles, "
            "(SELECT count(DISTINCT c.article_id) FROM credits c WHERE c.outlet_id = o.id) AS n_credited "
            f"FROM outlets o {where}) x ORDER BY n_articles + n_credited DESC, name LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [OutletSummary(OutletRef(i, n, k), int(a), int(c)) for i, n, k, a, c in rows]

    def list_outlets(self, *, offset: int = 0, limit: int = 50) -> OutletList:
        total = self._scalar("SELECT count(*) FROM outlets")
        return OutletList(self._outlet_summaries("", [], limit, offset), int(total), offset, limit)

    def get_outlet(self, outlet_id: str) -> OutletDetail | None:
        found = self._outlet_summaries("WHERE o.id = ?", (outlet_id,), 1, 0)
        if not found:
            return None
        reuse = self._all(
            "SELECT sa.outlet_id, ta.outlet_id, count(*), sum(CASE WHEN r.credited THEN 1 ELSE 0 END) "
            "FROM reuse_links r JOIN articles sa ON sa.id = r.source_article "
            "JOIN articles ta ON ta.id = r.target_article "
            "WHERE (sa.outlet_id = ? OR ta.outlet_id = ?) AND sa.outlet_id <> ta.outlet_id "
            "GROUP BY sa.outlet_id, ta.outlet_id",
            (outlet_id, outlet_id),
        )
        credit = self._all(
            "SELECT c.outlet_id, a.outlet_id, count(DISTINCT a.id) FROM credits c "
            "JOIN articles a ON a.id = c.article_id WHERE (c.outlet_id = ? OR a.outlet_id = ?) "
            "AND c.outlet_id <> a.outlet_id GROUP BY c.outlet_id, a.outlet_id",
            (outlet_id, outlet_id),
        )
        edges = [(s, t, "reuse", int(n), int(c or 0)) for s, t, n, c in reuse]
        edges += [(s, t, "credit", int(n), int(n)) for s, t, n in credit]
        ids = list({x for s, t, *_ in edges for x in (s, t)})
        named = self._all(f"SELECT id, name, kind FROM outlets WHERE id IN {_marks(len(ids))}", ids) if ids else []
        refs = {i: OutletRef(i, n, k) for i, n, k in named}
        made = [OutletEdge(refs[s], refs[t], via, n, c) for s, t, via, n, c in edges if s in refs and t in refs]
        made.sort(key=lambda e: -e.articles)
        credited_in = self._summaries_where(
            "WHERE a.id IN (SELECT article_id FROM credits WHERE outlet_id = ?)", (outlet_id,), 10
        )
        return OutletDetail(
            summary=found[0],
            republishes=[e for e in made if e.target.id == outlet_id],
            republished_by=[e for e in made if e.source.id == outlet_id],
            articles=self._summaries_where("WHERE a.outlet_id = ?", (outlet_id,), 10),
            credited_in=credited_in,
            timeline=self._daily(
                "SELECT substr(date, 1, 10), count(*) FROM articles WHERE outlet_id = ?", (outlet_id,)
            ),
        )

    # search

    def _named_entity(self, parsed: ParsedQuery) -> tuple[EntitySummary | None, list[tuple[str, ...]]]:
        """The entity whose spelling the whole query is, and the stems of its name variants."""
        key = " ".join(s for g in parsed.groups for s in g.alternatives[0])
        row = self._one(
            f"SELECT {_ENTITY} JOIN aliases al ON al.entity_id = e.id WHERE al.stem_key = ? "
            "ORDER BY e.mentions DESC, e.id LIMIT 1",
            (key,),
        )
        if row is None:
            return None, []
        entity = _entity(row)
        name = set(R.alias_key(entity.canonical).split())
        variants = {tuple(key.split())}
        for (stem_key,) in self._all(
            "SELECT stem_key FROM aliases WHERE entity_id = ? ORDER BY count DESC LIMIT 20", (entity.id,)
        ):
            words = tuple(stem_key.split())
            if words and name & set(words):  # a spelling of the name, not a title ("الوزير الروسي")
                variants.add(words)
        return entity, sorted(variants)

    def search(
        self, query: str, filters: SearchFilters | None = None, *, offset: int = 0, limit: int = 10
    ) -> SearchResults:
        parsed = parse_query(query)
        entity = None
        if not parsed.empty:
            entity, variants = self._named_entity(parsed)
            if entity:
                parsed = name_groups(parsed, variants, entity.canonical)
        results = SearchResults(query, [], 0, False, offset, limit, entity)
        if parsed.empty:
            return results
        where, params = self._filter_sql(filters)
        full, partial = self._match_queries(parsed)
        found: list[tuple[str, float, str]] = []
        total_full = self._search_count(full, where, params, COUNT_CAP + 1)
        if offset < total_full:
            found += [(i, s, "all") for i, s in self._search_rows(full, where, params, offset, limit)]
        results.total = min(total_full, COUNT_CAP)
        results.total_is_lower_bound = total_full > COUNT_CAP
        if partial and not results.total_is_lower_bound and len(found) < limit:
            total_some = self._search_count(partial, where, params, COUNT_CAP + 1)
            skip = max(0, offset - total_full)
            found += [(i, s, "some") for i, s in self._search_rows(partial, where, params, skip, limit - len(found))]
            results.total = min(total_full + total_some, COUNT_CAP)
            results.total_is_lower_bound = total_full + total_some > COUNT_CAP
        results.items = self._hits(found, parsed)
        return results

    def _hits(self, found: list[tuple[str, float, str]], parsed: ParsedQuery) -> list[SearchHit]:
        if not found:
            return []
        ids = [i for i, _, _ in found]
        summaries = self._summaries(ids)
        texts = dict(self._all(f"SELECT id, paragraphs FROM articles WHERE id IN {_marks(len(ids))}", ids))
        stems = parsed.stems()
        hits = []
        for article_id, score, matched in found:
            summary = summaries.get(article_id)
            if summary is None:
                continue
            text = "\n\n".join(_loads(texts.get(article_id), []))
            cut, marks = snippet(text, stems)
            title_marks = highlight_spans(summary.title, stems) if summary.title else []
            hits.append(SearchHit(summary, round(float(score), 4), matched, cut, marks, title_marks))
        return hits


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class _Deltas:
    """Changes to entity counts and alias counts within one batch, applied in one pass at its end."""

    def __init__(self) -> None:
        self.mentions: Counter[str] = Counter()
        self.quotes: Counter[str] = Counter()
        self.aliases: Counter[tuple[str, str]] = Counter()
        self.first: dict[str, str] = {}
        self.last: dict[str, str] = {}

    def seen(self, entity_id: str, day: str | None) -> None:
        if not day:
            return
        if entity_id not in self.first or day < self.first[entity_id]:
            self.first[entity_id] = day
        if entity_id not in self.last or day > self.last[entity_id]:
            self.last[entity_id] = day

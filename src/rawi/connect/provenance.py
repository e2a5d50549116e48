"""Provenance: who republished whose text, whether they said so, and the outlet-to-outlet graph.

Within one corpus every article is aligned with the articles published before it (reuse.py), so the
earlier article is always the source: by publication time, then by crawl time; on equal times an
agency's own article comes first (a wire precedes its republishers), then the article id decides.

For each article that reuses earlier ones:
- its *source* is the earliest of them;
- its *origin* is the agency whose text it is: an agency's own article among its sources, else the
  agency that the earliest crediting source names (a paper running the SPA wire passes on the SPA's
  text), else an agency the article itself names, else the source's own outlet;
- the reuse is *credited* when the article's credits or the outlets it cites name the origin, the
  outlet of any of its sources, or an agency one of them credits ("واس" credits the Saudi Press Agency,
  whichever paper the text came through).
The outlet graph counts, for each (origin, republishing outlet), the articles reused, credited and not.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rawi.connect.align import AlignParams, Passage
from rawi.connect.candidates import CandidateParams
from rawi.connect.outlets import credit_name, is_agency, outlet_name, same_outlet
from rawi.connect.parallel import file_tasks, run_tasks
from rawi.connect.reuse import Collection, Matcher, ReuseParams, Text
from rawi.errors import InputError
from rawi.model import SegmentedPage
from rawi.read import iter_pages
from rawi.segment import segment_page


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What provenance needs of an article: who published it when, whom it credits, and its text."""

    id: str
    uri: str
    outlet: str | None  # canonical name (outlets.py)
    time: str | None  # published, else fetched (ISO 8601)
    credits: tuple[str, ...]  # canonical names the article credits or cites
    agencies: tuple[str, ...]  # of those, the agencies it credits as its source
    text: str


def article_refs(result: SegmentedPage) -> list[ArticleRef]:
    """The articles of a segmented page as provenance sees them."""
    page = result.page
    outlet = outlet_name(page.outlet)
    byline = author_agencies(page.author) if page.author else []
    refs = []
    for a in result.articles:
        credited = [credit_name(c.name) for c in a.credits]
        agencies = [
            credit_name(c.name) for c in a.credits if c.kind == "agency" or (c.kind == "source" and is_agency(c.name))
        ]
        if a.position == 0:  # the page's byline belongs to its main article
            credited += byline
            agencies += byline
        names = tuple(dict.fromkeys([*credited, *(credit_name(c) for c in a.cited)]))
        refs.append(
            ArticleRef(
                id=a.id,
                uri=page.uri if a.position == 0 else f"{page.uri}#{a.position}",
                outlet=outlet,
                time=a.published or page.published or page.fetched,
                credits=names,
                agencies=tuple(dict.fromkeys(agencies)),
                text=a.text,
            )
        )
    return refs


_BYLINE_PARTS = re.compile(r"[-–—:()/|،,«»\"]+")


def author_agencies(author: str) -> list[str]:
    """Agencies named in a byline however it is punctuated ("واس (نجران)", "الرياض - واس", "الوئام -
    رويترز:"). Segmentation reads most bylines; this catches the shapes it leaves as plain authors."""
    found = []
    for part in _BYLINE_PARTS.split(author):
        part = " ".join(part.split())
        if part and is_agency(part):
            found.append(credit_name(part))
    return found


@dataclass(slots=True)
class Attribution:
    """One article that republishes earlier text."""

    target: int
    sources: list[int]  # earlier articles it shares passages with, earliest first
    origin: str | None
    credited: bool
    reused_chars: int  # characters of the target inside reused passages
    passages: dict[int, list[Passage]] = field(default_factory=dict)


@dataclass(slots=True)
class Edge:
    origin: str
    outlet: str
    articles: int = 0
    credited: int = 0
    chars: int = 0

    @property
    def uncredited(self) -> int:
        return self.articles - self.credited


@dataclass(slots=True)
class Provenance:
    articles: list[ArticleRef]
    attributions: list[Attribution]
    edges: list[Edge]
    counts: Counter[str]

    def outlets(self) -> list[dict[str, Any]]:
        """Per republishing outlet: articles that reuse earlier text, how many say where it came from."""
        total: Counter[str] = Counter(a.outlet or "?" for a in self.articles)
        rows: dict[str, dict[str, Any]] = {}
        for e in self.edges:
            row = rows.setdefault(e.outlet, {"outlet": e.outlet, "republished": 0, "credited": 0, "origins": Counter()})
            row["republished"] += e.articles
            row["credited"] += e.credited
            row["origins"][e.origin] += e.articles
        out = []
        for row in sorted(rows.values(), key=lambda r: -r["republished"]):
            out.append(
                {
                    "outlet": row["outlet"],
                    "articles": total[row["outlet"]],
                    "republished": row["republished"],
                    "credited": row["credited"],
                    "uncredited": row["republished"] - row["credited"],
                    "credited_share": round(row["credited"] / row["republished"], 3),
                    "top_origins": [{"origin": o, "articles": n} for o, n in row["origins"].most_common(3)],
                }
            )
        return out

    def origins(self) -> list[dict[str, Any]]:
        """Per origin: articles of others that republish its text."""
        rows: dict[str, Counter[str]] = defaultdict(Counter)
        for e in self.edges:
            rows[e.origin]["republished"] += e.articles
            rows[e.origin]["credited"] += e.credited
            rows[e.origin]["outlets"] += 1
        return [
            {"origin": o, **c, "uncredited": c["republished"] - c["credited"]}
            for o, c in sorted(rows.items(), key=lambda kv: -kv[1]["republished"])
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "origins": self.origins(),
            "outlets": self.outlets(),
            "edges": [
                {
                    "origin": e.origin,
                    "outlet": e.outlet,
                    "articles": e.articles,
                    "credited": e.credited,
                    "uncredited": e.uncredited,
                    "reused_chars": e.chars,
                }
                for e in self.edges
            ],
        }

    def links(self) -> Iterator[dict[str, Any]]:
        """One record per republishing article: its sources, origin and whether it credits them."""
        arts = self.articles
        for a in self.attributions:
            t = arts[a.target]
            yield {
                "target": t.uri,
                "target_outlet": t.outlet,
                "target_time": t.time,
                "source": arts[a.sources[0]].uri,
                "source_outlet": arts[a.sources[0]].outlet,
                "source_time": arts[a.sources[0]].time,
                "origin": a.origin,
                "credited": a.credited,
                "credits": list(t.credits),
                "sources": [arts[s].uri for s in a.sources],
                "reused_chars": a.reused_chars,
            }


def _rank(articles: list[ArticleRef]) -> np.ndarray:
    """Position of each article in time order (undated last, agencies first on ties, then id)."""
    order = sorted(
        range(len(articles)),
        key=lambda i: (
            articles[i].time is None,
            articles[i].time or "",
            not (articles[i].outlet and is_agency(articles[i].outlet)),
            articles[i].id,
        ),
    )
    rank = np.empty(len(articles), np.int64)
    rank[order] = np.arange(len(articles))
    return rank


def _covered(passages: Iterable[Passage]) -> int:
    spans = sorted((p.target_start, p.target_end) for p in passages)
    total, reach = 0, -1
    for s, e in spans:
        s = max(s, reach)
        if e > s:
            total += e - s
            reach = e
    return total


def origin_of(articles: list[ArticleRef], target: int, sources: list[int]) -> str | None:
    """Whose text it is: an agency among the sources (its own article), else the agency that the earliest
    crediting source names, else an agency the target itself names, else the earliest source's outlet.
    Papers pass the wire on, so the first paper that ran an agency story is not its origin; and an agency's
    own article is its own origin even when a paper's copy was crawled first."""
    own = articles[target].outlet
    if own and is_agency(own):
        return own
    for s in sources:
        outlet = articles[s].outlet
        if outlet and is_agency(outlet):
            return outlet
    for s in sources:
        if articles[s].agencies:
            return articles[s].agencies[0]
    if articles[target].agencies:
        return articles[target].agencies[0]
    return articles[sources[0]].outlet


def attribute(
    articles: list[ArticleRef], target: int, found: list[tuple[int, list[Passage]]], rank: np.ndarray
) -> Attribution:
    """Sources, origin and credit of one republishing article."""
    t = articles[target]
    sources = sorted({si for si, _ in found}, key=lambda s: rank[s])
    origin = origin_of(articles, target, sources)
    named = {origin} | {articles[s].outlet for s in sources} | {a for s in sources for a in articles[s].agencies}
    credited = any(same_outlet(c, n) for c in t.credits for n in named if n)
    passages: dict[int, list[Passage]] = defaultdict(list)
    for si, ps in found:
        passages[si].extend(ps)
    reused = _covered(p for ps in passages.values() for p in ps)
    return Attribution(target, sources, origin, credited, reused, dict(passages))


def provenance_params() -> ReuseParams:
    """News reuse keeps word order, so word pairs alone find candidates (which stays fast on a large
    corpus), and a passage must share most of its vocabulary: two reports of one event in their own
    words share a third to a half of it, a republished one 70% and more."""
    return ReuseParams(
        align=dataclasses.replace(AlignParams(), min_score=0.7),
        candidates=CandidateParams(words=False),
    )


def trace(articles: list[ArticleRef], params: ReuseParams | None = None, jobs: int = 1) -> Provenance:
    """Align every article with the earlier ones and build the outlet graph."""
    p = params or provenance_params()
    coll = Collection()
    for a in articles:
        coll.add(Text(a.id, a.text))
    rank = _rank(articles)
    found: dict[int, list[tuple[int, list[Passage]]]] = defaultdict(list)
    for si, ti, passages in Matcher(coll, coll, p, ranks=rank).run(jobs):
        found[ti].append((si, passages))
    attributions = [attribute(articles, ti, f, rank) for ti, f in sorted(found.items())]
    edges: dict[tuple[str, str], Edge] = {}
    counts: Counter[str] = Counter(articles=len(articles), republishing=len(attributions))
    for a in attributions:
        outlet = articles[a.target].outlet or "?"
        origin = a.origin or "?"
        if same_outlet(origin, outlet):
            counts["same-outlet repeats"] += 1
            continue
        edge = edges.setdefault((origin, outlet), Edge(origin, outlet))
        edge.articles += 1
        edge.credited += a.credited
        edge.chars += a.reused_chars
        counts["credited" if a.credited else "uncredited"] += 1
    ordered = sorted(edges.values(), key=lambda e: (-e.articles, e.origin, e.outlet))
    return Provenance(articles, attributions, ordered, counts)


def _refs_task(files: list[str]) -> tuple[list[ArticleRef], list[tuple[str, str]]]:
    refs, errors = [], []
    for item in iter_pages(files):
        if isinstance(item, InputError):
            errors.append((item.source, item.problem))
            continue
        refs.extend(article_refs(segment_page(item)))
    return refs, errors


def read_articles(
    paths: Iterable[str | Path], jobs: int | None = None, errors: list[InputError] | None = None
) -> list[ArticleRef]:
    """Read and segment every page under `paths` (on `jobs` processes): the articles with their credits.
    Segmentation is what finds credits ("المصدر: RT", "الرياض - واس"); annotation is not needed."""
    errs: list[InputError] = []
    refs: list[ArticleRef] = []
    for found, failed in run_tasks(_refs_task, file_tasks(paths, errs), jobs):
        refs.extend(found)
        errs.extend(InputError(source, problem) for source, problem in failed)
    if errors is not None:
        errors.extend(errs)
    return refs


def provenance_paths(
    paths: Iterable[str | Path],
    params: ReuseParams | None = None,
    jobs: int | None = None,
    errors: list[InputError] | None = None,
) -> Provenance:
    return trace(read_articles(paths, jobs, errors), params, jobs or os.cpu_count() or 1)

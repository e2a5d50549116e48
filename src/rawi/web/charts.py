"""Chart geometry for the dashboard's inline SVG: numbers in, rectangles and lines out. No JS library.

Only layout lives here (where a bar goes, how thick an edge is); the templates draw it, and Jinja
escapes every label.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rawi.store.records import DayCount, OutletEdge, OutletRef


@dataclass(slots=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    label: str
    value: int
    href: str | None = None


@dataclass(slots=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (x, text) under the axis
    peak: int = 0

    @property
    def empty(self) -> bool:
        return not self.bars


def timeline(days: list[DayCount], width: int = 720, height: int = 150) -> Chart:
    """Counts per day as columns, oldest on the left (time reads left to right even on an RTL page)."""
    if not days:
        return Chart(width, height, [])
    plot = height - 22
    peak = max(d.count for d in days) or 1
    step = width / len(days)
    bar = min(step * 0.76, 48.0)  # a few days should not make slabs
    bars = []
    for i, d in enumerate(days):
        h = max(1.0, plot * d.count / peak)
        x = i * step + (step - bar) / 2
        bars.append(Bar(round(x, 1), round(plot - h, 1), round(bar, 1), round(h, 1), d.day, d.count))
    every = max(1, math.ceil(len(days) / 6))
    ticks = [(round(i * step + step / 2, 1), d.day[5:]) for i, d in enumerate(days) if i % every == 0]
    return Chart(width, height, bars, ticks, peak)


def ranking(items: list[tuple[str, int, str | None]], width: int = 360, row: int = 26) -> Chart:
    """Horizontal bars for (label, value, link), longest first, growing from the right as Arabic reads."""
    if not items:
        return Chart(width, row, [])
    peak = max(v for _, v, _ in items) or 1
    label_w = width * 0.42
    room = width - label_w - 36
    bars = []
    for i, (label, value, href) in enumerate(items):
        w = max(2.0, room * value / peak)
        bars.append(Bar(round(width - label_w - w, 1), i * row + 4, round(w, 1), row - 8, label, value, href))
    return Chart(width, len(items) * row, bars, [], peak)


@dataclass(slots=True)
class Node:
    outlet: OutletRef
    x: float
    y: float
    side: str  # source | center | copier


@dataclass(slots=True)
class Edge:
    path: str
    width: float
    via: str
    articles: int
    credited: int
    title: str


@dataclass(slots=True)
class Graph:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]

    @property
    def empty(self) -> bool:
        return not self.edges


def provenance(
    center: OutletRef, republishes: list[OutletEdge], republished_by: list[OutletEdge], width: int = 720, limit: int = 8
) -> Graph:
    """Who the outlet takes from (right, where reading starts) → the outlet (middle) → who takes from it (left)."""
    sources = _merge([(e.source, e) for e in republishes])[:limit]
    copiers = _merge([(e.target, e) for e in republished_by])[:limit]
    rows = max(len(sources), len(copiers), 1)
    height = max(120, rows * 44 + 20)
    mid = Node(center, width / 2, height / 2, "center")
    nodes = [mid]
    edges: list[Edge] = []
    peak = max([n for _, n, _, _ in sources + copiers] or [1])
    for side, group, x in (("source", sources, width - 90), ("copier", copiers, 90)):
        gap = height / (len(group) + 1) if group else 0
        for i, (outlet, n, credited, via) in enumerate(group):
            node = Node(outlet, x, round(gap * (i + 1), 1), side)
            nodes.append(node)
            a, b = (node, mid) if side == "source" else (mid, node)
            x1, x2 = a.x - 60, b.x + 60  # leave the labels room on both ends
            cx = (x1 + x2) / 2
            path = f"M{x1:.1f},{a.y:.1f} C{cx:.1f},{a.y:.1f} {cx:.1f},{b.y:.1f} {x2:.1f},{b.y:.1f}"
            w = 1.5 + 6 * math.log1p(n) / math.log1p(peak)
            title = f"{b.outlet.name} نقل عن {a.outlet.name}: {n}"
            edges.append(Edge(path, round(w, 1), via, n, credited, title))
    return Graph(width, height, nodes, edges)


def _merge(pairs: list[tuple[OutletRef, OutletEdge]]) -> list[tuple[OutletRef, int, int, str]]:
    merged: dict[str, tuple[OutletRef, int, int, set[str]]] = {}
    for outlet, edge in pairs:
        ref, n, c, vias = merged.get(outlet.id, (outlet, 0, 0, set()))
        merged[outlet.id] = (ref, n + edge.articles, c + edge.credited, vias | {edge.via})
    out = [(ref, n, c, "+".join(sorted(v))) for ref, n, c, v in merged.values()]
    return sorted(out, key=lambda t: -t[1])

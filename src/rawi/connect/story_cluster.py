"""Online story clustering: each article joins the best matching recent story or starts a new one.

In the manner of streaming news clustering (Miranda et al. 2018) and the Europe Media Monitor's story
tracking: articles arrive in time order; each is compared with the stories still open (latest article within
`window_hours`) and joins the most similar one above `threshold`, else opens a new story. Similarity to a
story is a blend of
- cosine of the article's TF-IDF vector to the story centroid (the sum of its members' unit vectors),
- the same on distinctive terms only (story_vectors.py: template phrases left out),
- shared entities, and sentence embeddings, when the documents carry them;
or, when higher, `link_weight` times its best cosine with one member (a story told from several angles has a
centroid near none of them: a cabinet session's decisions, a minister's statements on a tour).
The article-to-article cosines within the window come from sparse matrix products, a block of articles at a
time; an article's dot product with a story centroid is then the sum of its cosines with the story's members.

- Near duplicates always share a story: an article whose near-duplicate group already has a story joins it;
  a group's members that arrive together (a wire dispatch and its parts) choose that story together.
- Template texts: an article mostly made of template phrases (a weather bulletin, a market close) carries
  little that names its event, so it only joins a story that started within `template_hours`: the same
  day's bulletin, not yesterday's.
- Series: outlets run columns and bulletins whose issues read alike (press reviews of one country after
  another, daily canal traffic, market closes). An article does not join a story in which its own outlet
  already has another issue: a title that differs in one stem, or the same title half a day apart, or mostly
  different numbers. Same-outlet articles half a day apart also need `serial_margin` more similarity.
- Determinism: documents are processed in (time, id) order, so input order never matters; ties in
  similarity go to the older story.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from scipy import sparse

from rawi.connect.story_features import StoryDoc
from rawi.connect.story_vectors import DocVectors, VectorParams, vectors

_BLOCK = 512  # articles whose window cosines are computed in one sparse product
_ARRIVAL_S = 600.0  # a group's members this close to its first arrive with it (and choose its story together)
_MIN_COSINE = 0.03  # article-to-article cosines below this are dropped: noise, and most of the work


@dataclass(frozen=True, slots=True)
class StoryParams:
    threshold: float = 0.30  # similarity an article needs to join a story
    window_hours: float = 72.0  # a story takes new articles until this long after its latest one
    distinct_weight: float = 0.5  # share of the similarity from distinctive terms (the rest: all terms)
    template_share: float = 0.6  # an article with this much of its weight in template phrases is a template text
    template_hours: float = 20.0  # ...and joins only a story whose first article is this recent
    entity_weight: float = 0.10  # share of the similarity from shared entities (when both sides have them)
    embedding_weight: float = 0.0  # share from sentence embeddings (when documents carry them)
    link_weight: float = 1.1  # an article also joins a story when this times its best cosine with a member is enough
    serial_hours: float = 12.0  # a story holding an article of the same outlet this far apart in time...
    serial_margin: float = 0.1  # ...needs this much more similarity: outlets run series (press reviews, closes)
    series_numbers: int = 4  # an article and a same-outlet member of a story, each with this many numbers...
    series_shared: float = 0.25  # ...sharing less than this share of them (Jaccard) report different events
    series_titles: int = 3  # an article and a same-outlet member whose titles (this many stems or more) differ in
    # one stem, or are equal and `serial_hours` apart, are two issues of a series (0: no such rule)
    vectors: VectorParams = field(default_factory=VectorParams)


def seconds(time: str | None) -> float:
    """Seconds since the epoch of an ISO time; NaN when there is none."""
    if time:
        try:
            return datetime.fromisoformat(time.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    return float("nan")


@dataclass(slots=True)
class Assignment:
    """The result: each document's story (by position in time order) and the stories' members."""

    docs: list[StoryDoc]  # in processing order
    story_of: np.ndarray  # document position -> story index
    stories: list[list[int]]  # story index -> document positions, in time order
    labels: dict[int, str] = field(default_factory=dict)  # story index -> preset label, for stories given

    def groups(self) -> list[list[StoryDoc]]:
        return [[self.docs[m] for m in members] for members in self.stories]


class _State:
    """Growing per-story arrays."""

    def __init__(self, n: int, dims: int) -> None:
        self.count = 0
        self.norm2 = np.zeros(n)  # squared norm of the sum of members' unit vectors
        self.dnorm2 = np.zeros(n)
        self.first = np.full(n, np.nan)
        self.last = np.full(n, np.nan)
        self.entities: list[dict[str, int]] = []
        self.outlets: list[dict[str | None, list[float]]] = []  # outlet -> times of its articles in the story
        self.numbers: list[dict[str | None, list[tuple[float, frozenset[str]]]]] = []  # outlet -> (time, numbers)
        self.titles: list[dict[str | None, list[tuple[float, tuple[str, ...]]]]] = []  # outlet -> (time, title)
        self.embedding = np.zeros((n, dims), np.float32) if dims else None
        self.members: list[list[int]] = []

    def new(self) -> int:
        self.members.append([])
        self.entities.append({})
        self.outlets.append({})
        self.numbers.append({})
        self.titles.append({})
        self.count += 1
        return self.count - 1


def assign(
    docs: Sequence[StoryDoc],
    *,
    groups: Mapping[str, str] | None = None,
    params: StoryParams | None = None,
    embeddings: Mapping[str, np.ndarray] | None = None,
    vecs: DocVectors | None = None,
    preset: Mapping[str, str] | None = None,
) -> Assignment:
    """Cluster `docs` into stories. `groups` maps a document id to its near-duplicate group; `embeddings`
    maps a document id to a unit sentence embedding; `preset` maps documents already placed (an earlier run)
    to their story's label: they stay there, and the others join those stories or open new ones."""
    p = params or StoryParams()
    order = sorted(docs, key=lambda d: d.sort_key)
    n = len(order)
    v = vecs or vectors(order, p.vectors)
    groups, embeddings = groups or {}, embeddings or {}
    times = np.array([seconds(d.time) for d in order])
    window = p.window_hours * 3600.0
    # dated documents come first and in time order: an article's window is one contiguous run before it
    dated = np.isfinite(times)
    lo = np.where(dated, np.searchsorted(np.where(dated, times, np.inf), times - window), 0)
    dims = len(next(iter(embeddings.values()))) if embeddings else 0
    state = _State(n, dims)
    story_of = np.full(n, -1, np.int64)
    table = np.zeros(n, np.int64)  # scratch for _story_row
    group_story: dict[str, int] = {}
    preset = preset or {}
    preset_story: dict[str, int] = {}
    arrivals = _arrivals(order, times, groups)
    full, distinct = _compact(v.full, v.distinct)
    for a in range(0, n, _BLOCK):
        b = min(n, a + _BLOCK)
        start = int(lo[a:b].min())
        block = _Block(a, start, _product(full, a, b, start), _product(distinct, a, b, start))
        for i in range(a, b):
            d = order[i]
            emb = embeddings.get(d.id)
            row = block.row(i, int(lo[i]), story_of, table)
            label = preset.get(d.id)
            s = -1
            if label is not None:
                s = preset_story.get(label, -1)
                if s < 0:
                    s = preset_story[label] = state.new()
            group = groups.get(d.id)
            # rows of the group's peers only when they are needed (a generator: see _place)
            peers = (
                (m, order[m], block.row(m, int(lo[m]), story_of, table))
                for m in (arrivals.get(i, ()) if s < 0 and group and group not in group_story else ())
                if m < b
            )
            _place(s, i, d, row, times, story_of, state, v, p, emb, group, group_story, peers)
    labels = {s: label for label, s in preset_story.items()}
    return Assignment(order, story_of, state.members, labels)


def extend(
    docs: Sequence[StoryDoc],
    fixed: Mapping[str, str],
    *,
    groups: Mapping[str, str] | None = None,
    params: StoryParams | None = None,
) -> Assignment:
    """Incremental clustering (story_hook.py): the documents in `fixed` (id -> story label) stay in their
    stories and are compared with nothing; each other document, in (time, id) order, is compared with the
    placed documents within the window of it and joins the best story or opens one. The Python work grows
    with the new documents only; the fixed ones cost numpy work (vectors, centroid norms)."""
    p = params or StoryParams()
    order = sorted(docs, key=lambda d: d.sort_key)
    n = len(order)
    v = vectors(order, p.vectors)
    groups = groups or {}
    times = np.array([seconds(d.time) for d in order])
    window = p.window_hours * 3600.0
    state = _State(n, 0)
    story_of = np.full(n, -1, np.int64)
    table = np.zeros(n, np.int64)  # scratch for _story_row
    label_story: dict[str, int] = {}
    group_story: dict[str, int] = {}
    new: list[int] = []
    for i, d in enumerate(order):
        label = fixed.get(d.id)
        if label is None:
            new.append(i)
            continue
        s = label_story.get(label, -1)
        if s < 0:
            s = label_story[label] = state.new()
        _record(s, i, d, times, story_of, state)
        if d.id in groups:
            group_story.setdefault(groups[d.id], s)
    placed = np.flatnonzero(story_of >= 0)
    if len(placed):  # |sum of the members' unit vectors|^2 per story, exactly, in two sparse products
        member = sparse.csr_matrix((np.ones(len(placed)), (story_of[placed], placed)), shape=(state.count, n))
        for m, norm2 in ((v.full, state.norm2), (v.distinct, state.dnorm2)):
            c = (member @ m).tocsr()
            norm2[: state.count] = np.asarray(c.multiply(c).sum(axis=1)).ravel()
    if new:
        full, distinct = _compact(v.full, v.distinct)
        rows = np.array(new)
        sims, dsims = _rows_product(full, rows), _rows_product(distinct, rows)
        position = {i: k for k, i in enumerate(new)}
        arrivals = _arrivals(order, times, {d.id: g for d in order if d.id not in fixed and (g := groups.get(d.id))})

        def row_of(i: int) -> _Row:
            k, t = position[i], times[i]
            cols, vals = (
                sims.indices[sims.indptr[k] : sims.indptr[k + 1]],
                sims.data[sims.indptr[k] : sims.indptr[k + 1]],
            )
            dcols = dsims.indices[dsims.indptr[k] : dsims.indptr[k + 1]]
            dvals = dsims.data[dsims.indptr[k] : dsims.indptr[k + 1]]
            keep, dkeep = (
                _placed_near(cols, i, t, times, story_of, window),
                _placed_near(dcols, i, t, times, story_of, window),
            )
            return _story_row(cols[keep], vals[keep], dcols[dkeep], dvals[dkeep], story_of, table)

        for i in new:
            d = order[i]
            row = row_of(i)
            group = groups.get(d.id)
            peers = (
                (m, order[m], row_of(m)) for m in (arrivals.get(i, ()) if group and group not in group_story else ())
            )
            _place(-1, i, d, row, times, story_of, state, v, p, None, group, group_story, peers)
    labels = {s: label for label, s in label_story.items()}
    return Assignment(order, story_of, state.members, labels)


def _arrivals(order: Sequence[StoryDoc], times: np.ndarray, groups: Mapping[str, str]) -> dict[int, list[int]]:
    """Position of a group's first member -> positions of the members that arrive with it (within
    `_ARRIVAL_S`: one crawl of a wire's dispatch and its parts)."""
    first: dict[str, int] = {}
    out: dict[int, list[int]] = {}
    for i, d in enumerate(order):
        group = groups.get(d.id)
        if group and np.isfinite(times[i]):
            k = first.setdefault(group, i)
            if k != i and times[i] - times[k] <= _ARRIVAL_S:
                out.setdefault(k, []).append(i)
    return out


def _rows_product(m: sparse.csr_matrix, rows: np.ndarray) -> sparse.csr_matrix:
    """Cosines of the given rows with every row."""
    sims = (m[rows] @ m.T).tocsr()
    sims.data[sims.data < _MIN_COSINE] = 0.0
    sims.eliminate_zeros()
    return sims


def _placed_near(
    cols: np.ndarray, i: int, t: float, times: np.ndarray, story_of: np.ndarray, window: float
) -> np.ndarray:
    """Which of `cols` are placed articles within the window before or after article i's time (an undated
    article sees every placed one, as in `assign`)."""
    keep = (story_of[cols] >= 0) & (cols != i)
    if np.isfinite(t):
        keep &= np.abs(times[cols] - t) <= window
    return keep


def _record(s: int, i: int, d: StoryDoc, times: np.ndarray, story_of: np.ndarray, st: _State) -> None:
    """Article i into story s without its vectors (members, entities, outlets, numbers, first and last
    time): `_join` adds the centroid norms; `extend` computes those of fixed articles in bulk."""
    st.members[s].append(i)
    story_of[i] = s
    if d.n_title:
        st.titles[s].setdefault(d.outlet, []).append((times[i], tuple(d.tokens[: d.n_title])))
    known = st.entities[s]
    for e in d.entities:
        known[e] = known.get(e, 0) + 1
    t = times[i]
    if np.isfinite(t):
        st.outlets[s].setdefault(d.outlet, []).append(t)
        nums = numbers(d)
        if nums:
            st.numbers[s].setdefault(d.outlet, []).append((t, nums))
        st.first[s] = t if np.isnan(st.first[s]) else min(st.first[s], t)
        st.last[s] = t if np.isnan(st.last[s]) else max(st.last[s], t)


def _compact(*ms: sparse.csr_matrix) -> list[sparse.csr_matrix]:
    """The matrices with only the columns some document uses (a term in one document has no weight): the
    products below transpose a window per block, at a cost that grows with the number of columns."""
    used = np.zeros(ms[0].shape[1], bool)
    for m in ms:
        used[m.indices] = True
    column = np.cumsum(used) - 1
    width = max(int(used.sum()), 1)
    return [sparse.csr_matrix((m.data, column[m.indices], m.indptr), shape=(m.shape[0], width)) for m in ms]


def _product(m: sparse.csr_matrix, a: int, b: int, start: int) -> sparse.csr_matrix:
    sims = (m[a:b] @ m[start:b].T).tocsr()
    sims.data[sims.data < _MIN_COSINE] = 0.0
    sims.eliminate_zeros()
    return sims


@dataclass(slots=True)
class _Row:
    """One article's dot products with the open stories (sorted story indices), on all terms and on
    distinctive terms."""

    stories: np.ndarray
    full: np.ndarray
    distinct: np.ndarray
    best: np.ndarray  # the highest cosine with one member

    def get(self, s: int) -> tuple[float, float]:
        k = int(np.searchsorted(self.stories, s))
        if k < len(self.stories) and self.stories[k] == s:
            return float(self.full[k]), float(self.distinct[k])
        return 0.0, 0.0


@dataclass(slots=True)
class _Block:
    """Cosines of a block of articles (rows a...) with the articles of their windows (columns start...)."""

    a: int
    start: int
    sims: sparse.csr_matrix
    dsims: sparse.csr_matrix

    def row(self, i: int, lo: int, story_of: np.ndarray, table: np.ndarray) -> _Row:
        """Per story: the sum of article i's cosines with the story's members among earlier articles in the
        window, i.e. its dot product with the (windowed) story centroid."""
        cols, vals = self._entries(self.sims, i, lo, story_of)
        dcols, dvals = self._entries(self.dsims, i, lo, story_of)
        return _story_row(cols, vals, dcols, dvals, story_of, table)

    def _entries(self, m: sparse.csr_matrix, i: int, lo: int, story_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r = i - self.a
        x, y = m.indptr[r], m.indptr[r + 1]
        cols = m.indices[x:y] + self.start
        keep = (cols >= lo) & (cols < i)
        cols, vals = cols[keep], m.data[x:y][keep]
        placed = story_of[cols] >= 0  # all of them, but when a group's later members are looked at early
        return cols[placed], vals[placed]


def _story_row(
    cols: np.ndarray, vals: np.ndarray, dcols: np.ndarray, dvals: np.ndarray, story_of: np.ndarray, table: np.ndarray
) -> _Row:
    """An article's cosines with placed articles (on all terms, on distinctive terms) summed per story
    (`table`: scratch space, one slot per possible story)."""
    both = story_of[np.concatenate([cols, dcols])]
    stories, inverse = _index(both, table)
    k = len(stories)
    full = np.bincount(inverse[: len(cols)], weights=vals, minlength=k)
    distinct = np.bincount(inverse[len(cols) :], weights=dvals, minlength=k)
    best = np.zeros(k)
    np.maximum.at(best, inverse[: len(cols)], vals)
    return _Row(stories, full, distinct, best)


def _index(values: np.ndarray, table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True) for non-negative ints below len(table), sorting only the
    distinct values (an article meets thousands of window cosines in a few hundred stories; sorting them all
    was most of the clustering time). `table` is scratch space; its contents are left undefined."""
    positions = np.arange(len(values))
    table[values] = positions  # the last position of each value wins...
    uniq = np.sort(values[table[values] == positions])  # ...so each value is kept once
    table[uniq] = np.arange(len(uniq))
    return uniq, table[values]


def _best(
    i: int,
    d: StoryDoc,
    row: _Row,
    times: np.ndarray,
    st: _State,
    v: DocVectors,
    p: StoryParams,
    embedding: np.ndarray | None,
) -> tuple[int, float]:
    """The most similar open story above the threshold (the older one on a tie), or -1, and its similarity."""
    if not len(row.stories):
        return -1, 0.0
    stories, dots, ddots = row.stories, row.full, row.distinct
    cos = dots / np.sqrt(np.maximum(st.norm2[stories], 1e-12))
    dn = st.dnorm2[stories]
    dcos = np.divide(ddots, np.sqrt(dn), out=np.zeros(len(stories)), where=dn > 0)
    has_distinct = v.distinct.indptr[i + 1] > v.distinct.indptr[i]
    sim = (1 - p.distinct_weight) * cos + p.distinct_weight * dcos if has_distinct else cos
    if p.link_weight:
        sim = np.maximum(sim, p.link_weight * row.best)
    t = times[i]
    if np.isfinite(t):
        # open stories only; a template text only joins a story that started recently
        sim[~(st.last[stories] >= t - p.window_hours * 3600.0)] = -1.0
        if v.template_share[i] >= p.template_share:
            sim[~(st.first[stories] >= t - p.template_hours * 3600.0)] = -1.0
    if p.series_titles and d.n_title >= p.series_titles:
        title = tuple(d.tokens[: d.n_title])
        for k, s in enumerate(stories.tolist()):
            seen = st.titles[s].get(d.outlet, ())
            if sim[k] > 0 and any(_series_title(title, t, o, ot, p) for ot, o in seen):
                sim[k] = -1.0
    if p.serial_margin and np.isfinite(t):
        for k, s in enumerate(stories.tolist()):
            if sim[k] >= p.threshold:
                seen = st.outlets[s].get(d.outlet, ())
                if any(abs(t - x) >= p.serial_hours * 3600.0 for x in seen):
                    sim[k] -= p.serial_margin
    if p.series_numbers and np.isfinite(t):
        nums = numbers(d)
        if len(nums) >= p.series_numbers:
            for k, s in enumerate(stories.tolist()):
                if sim[k] >= p.threshold and _other_issue(nums, st.numbers[s].get(d.outlet, ()), p):
                    sim[k] = -1.0
    if p.entity_weight and d.entities:
        for k, s in enumerate(stories.tolist()):
            known = st.entities[s]
            if known and sim[k] > 0:
                shared = sum(1 for e in d.entities if e in known)
                overlap = shared / min(len(d.entities), len(known))
                sim[k] = (1 - p.entity_weight) * sim[k] + p.entity_weight * overlap
    if p.embedding_weight and embedding is not None and st.embedding is not None:
        e = st.embedding[stories]
        ecos = (e @ embedding) / np.maximum(np.linalg.norm(e, axis=1), 1e-12)
        sim = np.where(sim > 0, (1 - p.embedding_weight) * sim + p.embedding_weight * ecos, sim)
    k = int(np.argmax(sim))  # first maximum: the older story wins a tie
    return (int(stories[k]), float(sim[k])) if sim[k] >= p.threshold else (-1, float(sim[k]))


def numbers(d: StoryDoc) -> frozenset[str]:
    """The numbers among an article's title and lead terms (figures, counts, times, dates); kept in
    `d.extra` (the stories hook places a kept article's story again at every batch)."""
    found = d.extra.get("numbers")
    if found is None:
        found = d.extra["numbers"] = frozenset(filter(str.isdigit, d.tokens))
    return found


def _series_title(a: tuple[str, ...], ta: float, b: tuple[str, ...], tb: float, p: StoryParams) -> bool:
    """Whether two same-outlet titles name two issues of one series: they differ in exactly one stem (one
    template, another filling: "اهتمامات الصحف المصرية" / "… الجزائرية", "عبور 45 سفينة" / "عبور 57 سفينة"),
    or they are the same title `serial_hours` or more apart (a daily column; a republication of one text is
    a near duplicate and joined before this is asked). A title whose only change is a figure is also an update
    of one event ("ارتفاع عدد الضحايا إلى 15" / "… إلى 27"), so a figure alone counts only `serial_hours` apart."""
    if len(a) != len(b):
        return False
    changed = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    apart = abs(ta - tb) >= p.serial_hours * 3600.0
    if len(changed) == 1:
        x, y = changed[0]
        return apart or not (_is_figure(x) and _is_figure(y))
    return not changed and apart


def _is_figure(stem: str) -> bool:
    return any(c.isdigit() for c in stem)


def _other_issue(nums: frozenset[str], seen: Sequence[tuple[float, frozenset[str]]], p: StoryParams) -> bool:
    """Whether an article is another issue of a series its outlet runs: the outlet has an article in the
    story whose numbers are mostly different. A template text (a market close, a weather bulletin) keeps its
    words from one issue to the next, or from one market to the next, and changes its figures; an outlet's
    reports of one event keep most of them (its wire dispatch parts and near duplicates are joined before
    this is asked)."""
    return any(
        len(other) >= p.series_numbers and len(nums & other) < p.series_shared * len(nums | other) for _, other in seen
    )


def _place(
    s: int,
    i: int,
    d: StoryDoc,
    row: _Row,
    times: np.ndarray,
    story_of: np.ndarray,
    st: _State,
    v: DocVectors,
    p: StoryParams,
    embedding: np.ndarray | None,
    group: str | None,
    group_story: dict[str, int],
    peers: Iterable[tuple[int, StoryDoc, _Row]] = (),
) -> None:
    """Article i into story s when one is given (a preset story), else into its near-duplicate group's
    story, else into the best open story, else into a new one; the first story of a group is the group's.
    `peers`: the other members of i's group that arrive with it (a wire dispatch and its parts): when i
    matches no story, the group goes to the story its best matching peer matches (a dispatch's first part
    may be about something else than the story the others continue). `assign` looks only at peers in the
    same block of articles; `extend` at those in the same batch. Read only when i matches no story, before
    i is placed."""
    if s < 0 and group:
        s = group_story.get(group, -1)
    if s < 0:
        s, score = _best(i, d, row, times, st, v, p, embedding)
        for m, md, mrow in peers if s < 0 else ():
            ms, mscore = _best(m, md, mrow, times, st, v, p, None)
            if ms >= 0 and mscore > score:
                s, score = ms, mscore
    if s < 0:
        s = st.new()
    if group:
        group_story.setdefault(group, s)
    _join(s, i, d, row, times, story_of, st, v, embedding)


def _join(
    s: int,
    i: int,
    d: StoryDoc,
    row: _Row,
    times: np.ndarray,
    story_of: np.ndarray,
    st: _State,
    v: DocVectors,
    embedding: np.ndarray | None,
) -> None:
    # |c + x|^2 = |c|^2 + 2 c.x + |x|^2 for unit (or empty) x; c.x is the windowed dot product
    dot, ddot = row.get(s)
    if v.full.indptr[i + 1] > v.full.indptr[i]:
        st.norm2[s] += 2.0 * dot + 1.0
    if v.distinct.indptr[i + 1] > v.distinct.indptr[i]:
        st.dnorm2[s] += 2.0 * ddot + 1.0
    if embedding is not None and st.embedding is not None:
        st.embedding[s] += embedding
    _record(s, i, d, times, story_of, st)


def cluster(
    docs: Sequence[StoryDoc],
    *,
    groups: Mapping[str, str] | None = None,
    params: StoryParams | None = None,
    embeddings: Mapping[str, np.ndarray] | None = None,
) -> list[list[StoryDoc]]:
    """Stories of `docs`, each a list of documents in time order, stories in order of their first article."""
    return assign(docs, groups=groups, params=params, embeddings=embeddings).groups()

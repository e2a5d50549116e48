from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from rawi.errors import UsageError
from rawi.store import SearchFilters, Store
from rawi.store.records import OutletSummary
from rawi.store.sql import SqlStore
from rawi.web.deps import get_store
from rawi.web.pages.common import page_offset, render

router = APIRouter()
PAGE = 10


def _outlet_choices(request: Request, store: Store) -> list[OutletSummary]:
    """The search form's outlets, busiest first: counting every outlet's articles cost more than the search
    itself, so the app keeps the list until the store changes (SqlStore.generation)."""
    if not isinstance(store, SqlStore):
        return store.list_outlets(limit=100).items
    # One entry per generation token: SQLite's are per connection, so each server thread keeps its own.
    kept: dict[object, list[OutletSummary]] | None = getattr(request.app.state, "outlet_choices", None)
    if kept is None:
        kept = request.app.state.outlet_choices = {}
    generation = store.generation()
    items = kept.get(generation)
    if items is None:
        if len(kept) >= 64:  # tokens of an older store state, or of threads gone
            kept.clear()
        items = kept[generation] = store.list_outlets(limit=100).items
    return items


@router.get("/search", response_class=HTMLResponse, name="search")
def search(
    request: Request,
    q: str = "",
    outlet: str = "",
    entity: str = "",
    story: str = "",
    date_from: str = "",
    date_to: str = "",
    offset: int = 0,
    store: Store = Depends(get_store),
) -> HTMLResponse:
    filters = SearchFilters(outlet or None, entity or None, story or None, date_from or None, date_to or None)
    results, problem = None, None
    if q.strip():
        try:
            results = store.search(q[:500], filters, offset=page_offset(offset), limit=PAGE)
        except UsageError as exc:
            problem = str(exc)
    return render(
        request,
        "search.html",
        q=q,
        filters=filters,
        results=results,
        problem=problem,
        outlets=_outlet_choices(request, store),
        page=PAGE,
    )

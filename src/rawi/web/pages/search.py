from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from rawi.errors import UsageError
from rawi.store import SearchFilters, Store
from rawi.web.deps import get_store
from rawi.web.pages.common import page_offset, render

router = APIRouter()
PAGE = 10


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
        outlets=store.list_outlets(limit=100).items,
        page=PAGE,
    )

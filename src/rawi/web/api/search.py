from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from rawi.store import SearchFilters, Store
from rawi.store.records import Counts, HomeView, SearchResults
from rawi.web.api.common import DateFrom, DateTo, Limit, Offset, ShortText, iso
from rawi.web.deps import get_store

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResults, summary="Arabic full-text search over the articles")
def search(
    q: Annotated[str, Query(max_length=500, description='Words (all required), "a phrase", -excluded.')],
    outlet: ShortText = None,
    entity: ShortText = None,
    story: ShortText = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    offset: Offset = 0,
    limit: Limit = 10,
    store: Store = Depends(get_store),
) -> SearchResults:
    filters = SearchFilters(outlet, entity, story, iso(date_from), iso(date_to))
    return store.search(q, filters, offset=offset, limit=limit)


@router.get("/stats", response_model=Counts, summary="How much the store holds")
def stats(store: Store = Depends(get_store)) -> Counts:
    return store.counts()


@router.get("/home", response_model=HomeView, summary="What the dashboard's home page shows")
def home(store: Store = Depends(get_store)) -> HomeView:
    return store.home()

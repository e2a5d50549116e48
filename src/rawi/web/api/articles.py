from __future__ import annotations

from fastapi import APIRouter, Depends

from rawi.store import SearchFilters, Store
from rawi.store.records import ArticleDetail, ArticleList
from rawi.web.api.common import DateFrom, DateTo, Limit, Offset, ShortText, found, iso
from rawi.web.deps import get_store

router = APIRouter(prefix="/articles", tags=["articles"])


@router.get("", response_model=ArticleList, summary="Articles, newest first, filtered")
def list_articles(
    offset: Offset = 0,
    limit: Limit = 20,
    outlet: ShortText = None,
    entity: ShortText = None,
    story: ShortText = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    store: Store = Depends(get_store),
) -> ArticleList:
    filters = SearchFilters(outlet, entity, story, iso(date_from), iso(date_to))
    return store.list_articles(filters, offset=offset, limit=limit)


@router.get("/{article_id:path}", response_model=ArticleDetail, summary="One article with its annotations")
def get_article(article_id: str, store: Store = Depends(get_store)) -> ArticleDetail:
    return found(store.get_article(article_id), "article")

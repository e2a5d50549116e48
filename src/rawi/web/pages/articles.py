from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from rawi.store import SearchFilters, Store
from rawi.store.spans import annotated_paragraphs
from rawi.web.deps import get_store
from rawi.web.pages.common import found, page_offset, render

router = APIRouter()


@router.get("/articles", response_class=HTMLResponse, name="articles")
def articles(
    request: Request, offset: int = 0, outlet: str | None = None, store: Store = Depends(get_store)
) -> HTMLResponse:
    listing = store.list_articles(SearchFilters(outlet=outlet), offset=page_offset(offset), limit=30)
    return render(request, "articles.html", listing=listing, outlet=outlet)


@router.get("/articles/{article_id:path}", response_class=HTMLResponse, name="article")
def article(request: Request, article_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    detail = found(store.get_article(article_id))
    return render(request, "article.html", article=detail, paragraphs=annotated_paragraphs(detail))

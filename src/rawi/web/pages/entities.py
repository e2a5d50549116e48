from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from rawi.store import Store
from rawi.web.deps import get_store
from rawi.web.pages.common import found, page_offset, render

router = APIRouter()


@router.get("/entities", response_class=HTMLResponse, name="entities")
def entities(
    request: Request, q: str | None = None, order: str = "mentions", offset: int = 0, store: Store = Depends(get_store)
) -> HTMLResponse:
    order = "quotes" if order == "quotes" else "mentions"
    listing = store.list_entities(query=q, order=order, offset=page_offset(offset), limit=40)
    return render(request, "entities.html", listing=listing, q=q or "", order=order)


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse, name="entity")
def entity(request: Request, entity_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    return render(request, "entity.html", entity=found(store.get_entity(entity_id)))

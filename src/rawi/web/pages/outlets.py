from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from rawi.store import Store
from rawi.web.deps import get_store
from rawi.web.pages.common import found, page_offset, render

router = APIRouter()


@router.get("/outlets", response_class=HTMLResponse, name="outlets")
def outlets(request: Request, offset: int = 0, store: Store = Depends(get_store)) -> HTMLResponse:
    return render(request, "outlets.html", listing=store.list_outlets(offset=page_offset(offset), limit=60))


@router.get("/outlets/{outlet_id:path}", response_class=HTMLResponse, name="outlet")
def outlet(request: Request, outlet_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    return render(request, "outlet.html", outlet=found(store.get_outlet(outlet_id)))

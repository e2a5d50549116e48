from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from rawi.store import Store
from rawi.web.deps import get_store
from rawi.web.pages.common import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse, name="home")
def home(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    return render(request, "home.html", home=store.home())

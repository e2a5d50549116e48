from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from rawi.store import Store
from rawi.web.deps import get_store
from rawi.web.pages.common import found, page_offset, render

router = APIRouter()


@router.get("/stories", response_class=HTMLResponse, name="stories")
def stories(
    request: Request, order: str = "latest", offset: int = 0, store: Store = Depends(get_store)
) -> HTMLResponse:
    order = "largest" if order == "largest" else "latest"
    listing = store.list_stories(order=order, offset=page_offset(offset), limit=30)
    return render(request, "stories.html", listing=listing, order=order)


@router.get("/stories/{story_id:path}", response_class=HTMLResponse, name="story")
def story(request: Request, story_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    return render(request, "story.html", story=found(store.get_story(story_id)))

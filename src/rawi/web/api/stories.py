from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends

from rawi.store import Store
from rawi.store.records import StoryDetail, StoryList
from rawi.web.api.common import Limit, Offset, found
from rawi.web.deps import get_store

router = APIRouter(prefix="/stories", tags=["stories"])


@router.get("", response_model=StoryList, summary="Stories, latest or largest first")
def list_stories(
    order: Literal["latest", "largest"] = "latest",
    offset: Offset = 0,
    limit: Limit = 20,
    store: Store = Depends(get_store),
) -> StoryList:
    return store.list_stories(order=order, offset=offset, limit=limit)


@router.get("/{story_id:path}", response_model=StoryDetail, summary="One story: summary, timeline, outlets, quotes")
def get_story(story_id: str, store: Store = Depends(get_store)) -> StoryDetail:
    return found(store.get_story(story_id), "story")

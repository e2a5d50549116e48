from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends

from rawi.store import Store
from rawi.store.records import EntityDetail, EntityList
from rawi.web.api.common import Limit, Offset, ShortText, found
from rawi.web.deps import get_store

router = APIRouter(prefix="/entities", tags=["entities"])


@router.get("", response_model=EntityList, summary="Entities, most mentioned (or most quoted) first")
def list_entities(
    q: ShortText = None,
    label: Literal["PER", "ORG", "LOC", "MISC"] | None = None,
    order: Literal["mentions", "quotes"] = "mentions",
    offset: Offset = 0,
    limit: Limit = 20,
    store: Store = Depends(get_store),
) -> EntityList:
    return store.list_entities(query=q, label=label, order=order, offset=offset, limit=limit)


@router.get("/{entity_id:path}", response_model=EntityDetail, summary="One entity with its aliases and quotes")
def get_entity(entity_id: str, store: Store = Depends(get_store)) -> EntityDetail:
    return found(store.get_entity(entity_id), "entity")

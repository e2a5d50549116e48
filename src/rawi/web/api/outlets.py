from __future__ import annotations

from fastapi import APIRouter, Depends

from rawi.store import Store
from rawi.store.records import OutletDetail, OutletList
from rawi.web.api.common import Limit, Offset, found
from rawi.web.deps import get_store

router = APIRouter(prefix="/outlets", tags=["outlets"])


@router.get("", response_model=OutletList, summary="Outlets and agencies, busiest first")
def list_outlets(offset: Offset = 0, limit: Limit = 50, store: Store = Depends(get_store)) -> OutletList:
    return store.list_outlets(offset=offset, limit=limit)


@router.get("/{outlet_id:path}", response_model=OutletDetail, summary="One outlet with its provenance edges")
def get_outlet(outlet_id: str, store: Store = Depends(get_store)) -> OutletDetail:
    return found(store.get_outlet(outlet_id), "outlet")

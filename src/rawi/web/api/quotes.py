from __future__ import annotations

from fastapi import APIRouter, Depends

from rawi.store import Store
from rawi.store.records import QuoteList
from rawi.web.api.common import DateFrom, DateTo, Limit, Offset, ShortText, iso
from rawi.web.deps import get_store

router = APIRouter(prefix="/quotes", tags=["quotes"])


@router.get("", response_model=QuoteList, summary="Quotations, newest first, by speaker and date")
def list_quotes(
    speaker: ShortText = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    offset: Offset = 0,
    limit: Limit = 20,
    store: Store = Depends(get_store),
) -> QuoteList:
    return store.list_quotes(
        speaker=speaker, date_from=iso(date_from), date_to=iso(date_to), offset=offset, limit=limit
    )

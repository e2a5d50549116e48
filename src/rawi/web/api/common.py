"""Query parameters shared by the API's routers."""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeVar

from fastapi import HTTPException, Query

T = TypeVar("T")

Offset = Annotated[int, Query(ge=0, le=100_000, description="How many items to skip.")]
Limit = Annotated[int, Query(ge=1, le=100, description="How many items to return.")]
# Ids and names are short; a longer value is refused with a 422 before it reaches the store.
ShortText = Annotated[str | None, Query(max_length=200, description="An id or a name.")]
DateFrom = Annotated[date | None, Query(description="From this day (YYYY-MM-DD), inclusive.")]
DateTo = Annotated[date | None, Query(description="To this day (YYYY-MM-DD), inclusive.")]


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def found(item: T | None, what: str) -> T:
    if item is None:
        raise HTTPException(status_code=404, detail=f"no such {what}")
    return item

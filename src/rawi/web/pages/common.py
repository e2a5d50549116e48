"""Rendering helpers shared by the page routers."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse

from rawi.web.deps import get_templates

T = TypeVar("T")
MAX_OFFSET = 100_000  # as the API's: a larger offset is no page anyone reads, and overflows SQLite's integers


def page_offset(offset: int) -> int:
    return min(max(0, offset), MAX_OFFSET)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return get_templates(request).TemplateResponse(request, template, context, status_code=status_code)


def found(item: T | None) -> T:
    if item is None:
        raise HTTPException(status_code=404, detail="not found")
    return item

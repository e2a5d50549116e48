"""The dashboard: server-rendered Arabic pages (dir="rtl"), one router per kind of page."""

from __future__ import annotations

from fastapi import APIRouter

from rawi.web.pages import articles, entities, home, outlets, search, stories

router = APIRouter(include_in_schema=False)
for module in (home, articles, stories, entities, outlets, search):
    router.include_router(module.router)

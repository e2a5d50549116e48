"""The JSON API, /api/v1: one router per resource, typed responses (rawi.store.records), pagination by
offset and limit."""

from __future__ import annotations

from fastapi import APIRouter

from rawi.web.api import articles, entities, outlets, quotes, search, stories

router = APIRouter(prefix="/api/v1")
for module in (articles, stories, entities, quotes, outlets, search):
    router.include_router(module.router)

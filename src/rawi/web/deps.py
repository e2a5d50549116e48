"""What every route needs: the store the app was started with, and the templates."""

from __future__ import annotations

from fastapi import Request
from fastapi.templating import Jinja2Templates

from rawi.store import Store


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates

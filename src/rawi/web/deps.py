"""What every route needs: the store the app was started with, and the templates.

Routes whose store reads are short and bounded (search, one article, stats) are `async def`: answered on
the event loop, they skip the two worker-thread hops (endpoint, then response validation) that FastAPI
gives a plain `def` route, and a server process answers them in order instead of contending for the GIL.
Routes that read more (lists with filters, home, entity, story and outlet pages) stay on worker threads,
so that they never hold up the loop. `rawi serve --workers N` uses more cores.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.templating import Jinja2Templates

from rawi.store import Store


async def get_store(request: Request) -> Store:
    # async: FastAPI runs a plain def dependency on a worker thread, a hop (~0.4 ms) for one attribute
    return request.app.state.store


def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates

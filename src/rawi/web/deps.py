"""What every route needs: the store the app was started with, and the templates.

Routes are plain `def`, answered on worker threads: tried as `async def` on the event loop (no thread
hops, ~0.4 ms less CPU a request when alone), the search and article routes gave half the throughput and
twice the p99 under bench/load.py on the shared 2-core machine, where SQLite (which releases the GIL) no
longer overlapped with the Python of other requests. `rawi serve --workers N` uses more cores.
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

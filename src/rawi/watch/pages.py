"""A fetched page → an analyzed page, with the readers and the per-article pipeline every engine uses."""

from __future__ import annotations

from datetime import UTC, datetime

from rawi.annotate.pipeline import Annotator, default_annotators
from rawi.engine.stages import PageFailure, analyze_or_fail
from rawi.errors import InputError
from rawi.model import SegmentedPage
from rawi.read._common import make_page, normalize_newlines
from rawi.read.html import page_from_html
from rawi.read.text import decode_text
from rawi.watch.http import Fetched


class PageAnalyzer:
    """Holds the annotators (their models load once)."""

    def __init__(self, annotators: list[Annotator] | None = None, max_bytes: int = 10_000_000) -> None:
        self.annotators = default_annotators() if annotators is None else annotators
        self.max_bytes = max_bytes

    def analyze(self, fetched: Fetched, uri: str) -> SegmentedPage | PageFailure:
        """`uri` is the item link the feed gave: the page is stored under it, so a restart finds it."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            if fetched.content_type.split(";")[0].strip().lower() == "text/plain":
                text = normalize_newlines(decode_text(fetched.body, uri))
                page = make_page(uri=uri, raw=text, text=text, kind="text", fetched=now)
            else:
                page = page_from_html(
                    fetched.body, source=uri, uri=uri, fetched=now, charset=fetched.charset, max_bytes=self.max_bytes
                )
        except InputError as exc:
            return PageFailure(uri, None, "read", exc.problem)
        except Exception as exc:  # one odd page must not end a watch
            return PageFailure(uri, None, "read", f"{type(exc).__name__}: {exc}"[:500])
        page.meta.setdefault("final_url", fetched.final_url)
        result = analyze_or_fail(page, None, self.annotators)
        return result

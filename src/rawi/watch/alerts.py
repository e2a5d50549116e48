"""Alerts out: an Atom feed file (rewritten whole from the state, so a restart never duplicates an entry)
and a JSON webhook (each alert POSTed until it is accepted, with retries and back-off)."""

from __future__ import annotations

import os
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from rawi.model import Article
from rawi.watch.config import USER_AGENT

ATOM = "http://www.w3.org/2005/Atom"


def alert_entry(
    watch: str,
    article: Article,
    why: dict[str, Any],
    *,
    uri: str,
    page_title: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
) -> dict[str, Any]:
    """What an alert says, the same in the Atom feed and the webhook body."""
    lead = next((p for p in article.paragraphs if p.strip()), "")
    return {
        "watch": watch,
        "article_id": article.id,
        "page_id": article.page_id,
        "uri": uri,
        "title": article.title or page_title or lead[:100],
        "lead": lead[:500],
        "published": article.published or published,
        "outlet": outlet,
        "matched": why,
        "raised": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_atom(path: Path, entries: list[dict[str, Any]], *, title: str = "rawi alerts") -> None:
    """The feed of the latest alerts, newest first; written to a temporary file and renamed into place so
    a reader never sees half a feed."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = "urn:rawi:alerts"
    updated = entries[0]["raised"] if entries else datetime.now(UTC).isoformat(timespec="seconds")
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "rawi watch"
    for e in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:rawi:alert:{e['watch']}:{e['article_id']}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = f"[{e['watch']}] {e['title']}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = e["raised"]
        if e.get("published"):
            ET.SubElement(entry, f"{{{ATOM}}}published").text = e["published"]
        ET.SubElement(entry, f"{{{ATOM}}}link", href=e["uri"])
        ET.SubElement(entry, f"{{{ATOM}}}category", term=e["watch"])
        quotes = e["matched"].get("quotes") or []
        said = "\n".join(f"{q['speaker']}: {q['text']}" for q in quotes)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = said or e["lead"]
        ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = e["lead"]
    tmp = path.with_name(path.name + ".tmp")
    ET.ElementTree(feed).write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)


class Webhook:
    """POSTs one JSON object per alert; retries server errors and network failures with back-off."""

    def __init__(self, url: str, *, tries: int = 3, backoff: float = 0.5, timeout: float = 10.0) -> None:
        self.url = url
        self.tries = tries
        self.backoff = backoff
        self.client = httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})

    def close(self) -> None:
        self.client.close()

    def send(self, entry: dict[str, Any]) -> str | None:
        """None when delivered, else why not (after every try)."""
        problem = "not tried"
        for attempt in range(self.tries):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self.client.post(self.url, json=entry)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
                continue
            if response.is_success:
                return None
            problem = f"HTTP {response.status_code}"
            if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
                break  # the receiver refuses this body: trying again will not help
        return f"webhook {self.url}: {problem}"

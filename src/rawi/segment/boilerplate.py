"""Boilerplate learned from the corpus: a line that recurs on many pages of one outlet is not news.

SaudiNewsNet carries such lines ("للتواصل مع الكاتب ارسل رسالة sms", "عين اليوم - متابعات", "// انتهى //"),
worded differently by every outlet, so no fixed list can hold them. The index counts, per outlet, on how
many distinct pages each short line appears; memory stays bounded by dropping lines seen once when the
table grows too large (lossy counting: a line recurring often enough is counted again soon).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable

from rawi.model import Page
from rawi.segment.markers import strip_bullet, word_count
from rawi.text import match_form

_DIGITS = re.compile(r"\d+")
MAX_LINE_WORDS = 15  # long recurring lines are republished paragraphs, which connect/ handles, not footers


class BoilerplateIndex:
    """Counts short lines per outlet over a corpus; `is_boilerplate` answers for one line."""

    def __init__(self, min_pages: int = 8, min_share: float = 0.002, max_entries: int = 2_000_000) -> None:
        self.min_pages = min_pages
        self.min_share = min_share
        self.max_entries = max_entries
        self.lines: Counter[tuple[str, bytes]] = Counter()
        self.pages: Counter[str] = Counter()

    @staticmethod
    def _key(line: str) -> bytes:
        # Digits are folded: footers differ only by a writer's code or a phone number ("بالرمز (84)").
        form = _DIGITS.sub("0", match_form(" ".join(line.split())))
        return hashlib.blake2b(form.encode(), digest_size=8).digest()

    def observe(self, page: Page) -> None:
        outlet = page.outlet or ""
        self.pages[outlet] += 1
        seen: set[bytes] = set()
        for raw in page.text.split("\n"):
            line = strip_bullet(raw)
            if line and word_count(line) <= MAX_LINE_WORDS:
                seen.add(self._key(line))
        for key in seen:
            self.lines[(outlet, key)] += 1
        if len(self.lines) > self.max_entries:
            self.lines = Counter({k: c for k, c in self.lines.items() if c > 1})

    def observe_all(self, pages: Iterable[Page]) -> BoilerplateIndex:
        for page in pages:
            self.observe(page)
        return self

    def is_boilerplate(self, outlet: str | None, line: str) -> bool:
        if word_count(line) > MAX_LINE_WORDS:
            return False
        outlet = outlet or ""
        count = self.lines.get((outlet, self._key(line)), 0)
        return count >= max(self.min_pages, self.min_share * self.pages[outlet])

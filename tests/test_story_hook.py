"""The stories update hook on real SaudiNewsNet days: `rawi ingest` in batches keeps stories that score like a
batch run on the hand-labelled sample, never splits near duplicates, and a fresh process (a later `rawi
ingest`) goes on with the stories an earlier one left open. Pages are segmented, not annotated (no entities):
the hook must do without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from rawi.connect.dedup import dedup_paths
from rawi.connect.story_eval import bcubed, read_labels
from rawi.connect.story_hook import StoryHook
from rawi.errors import InputError
from rawi.model import SegmentedPage
from rawi.read import iter_pages
from rawi.segment import segment_page
from rawi.store import Store, open_store

SAMPLE = Path(__file__).parent / "data" / "stories_sample.tsv"
DAYS = ("2015-08-10", "2015-08-11")


def _files(shared: Path) -> list[Path]:
    return [shared / "corpus" / "saudinewsnet" / f"{d}.jsonl.gz" for d in DAYS]


@pytest.fixture(scope="module")
def days(shared: Path) -> list[list[SegmentedPage]]:
    return [[segment_page(p) for p in iter_pages([f]) if not isinstance(p, InputError)] for f in _files(shared)]


def _story_of_uri(store: Store) -> dict[str, str]:
    """Page uri -> story id of its main article, through the store's own connection."""
    query = (
        "SELECT p.uri, s.story_id FROM story_articles s JOIN articles a ON a.id = s.article_id "
        "JOIN pages p ON p.id = a.page_id WHERE a.position = 0"
    )
    return {uri: sid for uri, sid in store._all(query)}  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def ingested(days: list[list[SegmentedPage]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Day one in one `rawi ingest`, day two in another (a fresh hook that loads the open stories)."""
    db = tmp_path_factory.mktemp("hook") / "rawi.db"
    with open_store(str(db)) as store:
        for pages in days:
            store.ingest(pages, hooks=[StoryHook()])
        story = _story_of_uri(store)
        assert store.counts().stories == len(set(story.values()))  # no story left without articles
    return story


def test_every_article_has_one_story(ingested: dict[str, str], days: list[list[SegmentedPage]]) -> None:
    story = ingested
    uris = {p.page.uri for pages in days for p in pages if p.articles and p.articles[0].paragraphs}
    assert uris <= set(story)


def test_incremental_stories_score_like_a_batch_run(ingested: dict[str, str]) -> None:
    story = ingested
    score = bcubed(read_labels(SAMPLE, "story"), story)
    assert score["items"] >= 250
    assert score["f1"] >= 0.86, score  # measured 0.895; the batch run scores 0.882 on these days (test_stories.py)


def test_incremental_keeps_near_duplicates_together(ingested: dict[str, str], shared: Path) -> None:
    story = ingested
    dedup = dedup_paths(_files(shared), jobs=1)
    split = [g for g in dedup.groups if len({story.get(dedup.corpus.ids[m]) for m in g.members}) > 1]
    assert not split


def test_a_later_ingest_goes_on_with_open_stories(ingested: dict[str, str], days: list[list[SegmentedPage]]) -> None:
    """Stories that the first day opened take articles of the second (ingested by a fresh hook)."""
    story = ingested
    first = {story[p.page.uri] for p in days[0] if p.page.uri in story}
    second = {story[p.page.uri] for p in days[1] if p.page.uri in story}
    assert len(first & second) >= 20


def test_incremental_keeps_template_texts_apart(ingested: dict[str, str]) -> None:
    """The hard negatives of tests/test_stories.py (market closes and the wire's press reviews of different
    days and countries), here across two separate ingests."""
    story = ingested
    gold = read_labels(SAMPLE, "story")
    labels = {lab for lab in gold.values() if "bourse" in lab or lab.startswith(("muscat", "press_"))}
    members = {lab: {story[u] for u, g in gold.items() if g == lab and u in story} for lab in labels}
    assert len(labels) >= 8 and all(members.values())
    merged = [(a, b) for a in labels for b in labels if a < b and members[a] & members[b]]
    assert not merged

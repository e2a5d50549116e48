"""Stories on real SaudiNewsNet days: quality on the hand-labelled sample, near duplicates, wire dispatches,
template hard negatives, order independence, summaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from rawi.annotate.summary import summarize
from rawi.connect.stories import StoryRun, base_title, build_stories, stories_paths
from rawi.connect.story_cluster import StoryParams, _series_title
from rawi.connect.story_eval import bcubed, read_labels
from rawi.connect.story_features import stems
from rawi.model import Article

SAMPLE = Path(__file__).parent / "data" / "stories_sample.tsv"
DAYS = ("2015-08-10", "2015-08-11")


@pytest.fixture(scope="module")
def run(shared: Path) -> StoryRun:
    return stories_paths([shared / "corpus" / "saudinewsnet" / f"{d}.jsonl.gz" for d in DAYS], jobs=2)


def test_bcubed_on_the_labelled_sample(run: StoryRun) -> None:
    gold = read_labels(SAMPLE, "story")
    assert len(read_labels(SAMPLE, "story")) >= 300
    score = bcubed(gold, run.story_of_uri())
    assert score["items"] >= 250
    assert score["f1"] >= 0.87, score  # measured 0.882 on these days (0.866 before the series rules and links)


def test_near_duplicates_share_a_story(run: StoryRun, shared: Path) -> None:
    from rawi.connect.dedup import dedup_paths

    dedup = dedup_paths([shared / "corpus" / "saudinewsnet" / f"{d}.jsonl.gz" for d in DAYS], jobs=1)
    story = run.story_of_uri()
    split = [g for g in dedup.groups if len({story.get(dedup.corpus.ids[m]) for m in g.members}) > 1]
    assert dedup.groups and not split


def test_wire_dispatch_parts_join_their_dispatch(run: StoryRun) -> None:
    assert base_title("عام / نائب خادم الحرمين الشريفين يرأس جلسة مجلس الوزراء        إضافة ثانية")
    assert base_title("عام / نائب خادم الحرمين الشريفين يرأس جلسة مجلس الوزراء") is None
    story = {aid: s.id for s in run.stories for aid in s.article_ids}
    parts = [d for d in run.docs if base_title(d.title)]
    assert parts
    for d in parts:
        base = base_title(d.title)
        mains = [
            m
            for m in run.docs
            if m.outlet == d.outlet
            and m.title
            and m.title.strip()
            and m.id != d.id
            and (base_title(m.title) or "") == base
        ]
        assert all(story[m.id] == story[d.id] for m in mains)


def _merged(story: dict[str, str], prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
    """Pairs of sample labels (those containing one of `prefixes`) that share a story."""
    gold = read_labels(SAMPLE, "story")
    labels = {lab for lab in gold.values() if any(x in lab for x in prefixes)}
    assert len(labels) >= 8
    members = {lab: {story[u] for u, g in gold.items() if g == lab and u in story} for lab in labels}
    return [(a, b) for a in labels for b in labels if a < b and members[a] & members[b]]


def test_template_texts_about_different_events_stay_apart(run: StoryRun) -> None:
    """Hard negatives from the sample: market closes of different days and markets, and the wire's press
    reviews of one country after another, on two days (too few for template phrases to be learned: the
    outlet-series rules on numbers and titles keep them apart)."""
    assert not _merged(run.story_of_uri(), ("bourse", "muscat", "press_"))


@pytest.mark.xfail(strict=True, reason="a bulletin crawled next morning is within template_hours of the last one")
def test_weather_bulletins_of_different_days_stay_apart(run: StoryRun) -> None:
    """The daily forecast of 08-10 and of 08-11 (and the multi-day warning beside them) are different stories;
    today the next morning's bulletins join the previous evening's story."""
    assert not _merged(run.story_of_uri(), ("wx_",))


def test_order_does_not_matter(run: StoryRun) -> None:
    docs = run.docs[:1500]
    arts = {}
    a = build_stories(docs, arts)
    b = build_stories(list(reversed(docs)), arts)
    assert sorted(s.article_ids for s in a) == sorted(s.article_ids for s in b)


def test_stories_are_described(run: StoryRun) -> None:
    big = max(run.stories, key=lambda s: len(s.article_ids))
    assert len(big.article_ids) >= 5 and big.title and big.summary
    assert all(x["article_id"] in big.article_ids for x in big.summary)
    times = [e.time for e in big.timeline if e.time]
    assert times == sorted(times) and big.first_seen == times[0] and big.last_seen == times[-1]


def test_article_summary_skips_fragments() -> None:
    art = Article(
        "a",
        "p",
        0,
        "main",
        None,
        [],
        [
            "الرياض - واس",
            "أعلنت وزارة الصحة اليوم تسجيل حالات جديدة بفيروس كورونا في مدينة الرياض خلال الأسبوع الماضي.",
            "وقالت الوزارة إن الحالات المسجلة تتلقى العلاج في المستشفيات وإن حالتها مستقرة.",
            "وكانت الوزارة قد دعت المواطنين إلى اتباع الإرشادات الصحية.",
        ],
    )
    summary = summarize(art)
    assert 1 <= len(summary) <= 3 and "الرياض - واس" not in summary
    assert summary[0].startswith("أعلنت")


def test_series_titles_tell_issues_from_updates() -> None:
    """Same-outlet titles differing in one stem are two issues of a series, except when only a figure
    changed within hours: that is an update of one event (a death toll rising), not another issue."""
    p = StoryParams()
    hour = 3600.0

    def series(a: str, b: str, hours_apart: float) -> bool:
        return _series_title(tuple(stems(a)), 0.0, tuple(stems(b)), hours_apart * hour, p)

    assert series("اهتمامات الصحف المصرية", "اهتمامات الصحف الجزائرية", 0.5)
    assert not series("ارتفاع عدد ضحايا تفجير مسجد الكويت إلى 15", "ارتفاع عدد ضحايا تفجير مسجد الكويت إلى 27", 3)
    assert series("عبور 45 سفينة قناة السويس اليوم", "عبور 57 سفينة قناة السويس اليوم", 24)
    assert series("حالة الطقس المتوقعة اليوم", "حالة الطقس المتوقعة اليوم", 24)
    assert not series("حالة الطقس المتوقعة اليوم", "حالة الطقس المتوقعة اليوم", 1)

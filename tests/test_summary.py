"""Single-article summaries on real SaudiNewsNet text: on days the summary model was never trained or tuned on,
the trained scorer beats the lead-2 baseline in ROUGE-1 and ROUGE-2 against the titles (the proxy for a human
standfirst); summaries keep text order, take 2-3 real sentences (no datelines, credits or fragments), never
read the title, and odd articles (empty, one sentence) do not crash."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rawi.annotate.summary import FEATURES, MIN_WORDS, _lines, features, scorer, summarize
from rawi.model import Article, Page
from rawi.read import iter_pages
from rawi.text.sentences import split_sentences

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # the Arabic ROUGE lives with the bench
from rouge import rouge_n

HELD_OUT_FROM = "2015-08-06"  # training/train_summary.py's test days: never trained or tuned on
SAMPLE = 600


def _article(paragraphs: list[str], title: str | None = None) -> Article:
    return Article("a", "p", 0, "main", title, [], paragraphs)


@pytest.fixture(scope="module")
def held_out(shared: Path) -> list[tuple[str, Article]]:
    """Every k-th article of the held-out days with a title and a body: (title, article without its title)."""
    files = sorted(f for f in (shared / "corpus" / "saudinewsnet").glob("*.jsonl.gz") if f.name >= HELD_OUT_FROM)
    assert len(files) == 6
    read = iter_pages(files)
    pages = [p for p in read if isinstance(p, Page) and p.title and p.text.strip()]  # empty bodies are errors
    pages = pages[:: max(1, len(pages) // SAMPLE)][:SAMPLE]
    return [(p.title or "", _article([b for b in p.text.split("\n") if b.strip()])) for p in pages]


def _lead2(article: Article) -> list[str]:
    text = article.text
    return [text[s.start : s.end] for s in split_sentences(text)[:2]]


def _mean_rouge(pairs: list[tuple[str, list[str]]], n: int) -> tuple[float, float]:
    """Mean (precision, F1) of ROUGE-n over (reference, summary sentences) pairs."""
    scores = [rouge_n(" ".join(summary), ref, n) for ref, summary in pairs]
    return sum(s.precision for s in scores) / len(scores), sum(s.f1 for s in scores) / len(scores)


def test_beats_lead2_on_held_out_days(held_out: list[tuple[str, Article]]) -> None:
    assert len(held_out) == SAMPLE
    ours = [(title, summarize(article)) for title, article in held_out]
    lead = [(title, _lead2(article)) for title, article in held_out]
    # F1 and precision; recall is not claimed: lead-2 is longer (bench/summary.py has the figures)
    for n in (1, 2):
        ours_p, ours_f = _mean_rouge(ours, n)
        lead_p, lead_f = _mean_rouge(lead, n)
        assert ours_f > lead_f, f"ROUGE-{n} F1 {ours_f:.4f} <= lead-2 {lead_f:.4f}"
        assert ours_p > lead_p, f"ROUGE-{n} precision {ours_p:.4f} <= lead-2 {lead_p:.4f}"


def test_summaries_are_real_sentences_in_text_order(held_out: list[tuple[str, Article]]) -> None:
    size = scorer().size
    for _, article in held_out:
        summary = summarize(article)
        candidates = _lines(article, scorer().max_words)
        assert len(summary) == min(size, len(candidates))
        assert 2 <= size <= 3
        texts = [c.sentence.text for c in candidates]
        positions = [texts.index(s) for s in summary]
        assert positions == sorted(positions), "summary sentences out of text order"
        for s in summary:
            assert len(s.split()) >= MIN_WORDS, f"fragment in a summary: {s!r}"


def test_summary_never_reads_the_title(held_out: list[tuple[str, Article]]) -> None:
    for title, article in held_out[:50]:
        titled = _article(article.paragraphs, title)
        assert summarize(titled) == summarize(article)


def test_datelines_credits_and_links_are_skipped() -> None:
    art = _article(
        [
            "الرياض - واس",
            "تصوير: محمد العتيبي",
            "أعلنت وزارة الصحة اليوم تسجيل حالات جديدة بفيروس كورونا في مدينة الرياض خلال الأسبوع الماضي.",
            "وقالت الوزارة إن الحالات المسجلة تتلقى العلاج في المستشفيات وإن حالتها مستقرة.",
            "وكانت الوزارة قد دعت المواطنين إلى اتباع الإرشادات الصحية وزيارة موقعها www.moh.gov.sa للمزيد.",
            "وأكدت الوزارة أن فرقها الميدانية تتابع المخالطين للحالات الجديدة في الرياض وتجري لهم الفحوص اللازمة.",
        ]
    )
    summary = summarize(art)
    assert 2 <= len(summary) <= 3
    assert summary[0].startswith("أعلنت")
    assert not any(s.split()[-1] == "واس" or s.startswith("تصوير") or "www." in s for s in summary)


def test_odd_articles_do_not_crash() -> None:
    assert summarize(_article([])) == []
    assert summarize(_article(["", "  "])) == []
    assert summarize(_article(["الرياض - واس"])) == []
    one = "أعلنت وزارة الصحة اليوم تسجيل حالات جديدة بفيروس كورونا في مدينة الرياض."
    assert summarize(_article([one])) == [one]
    assert features(_lines(_article([one]), 80)).shape == (1, len(FEATURES))
    assert features([]).shape == (0, len(FEATURES))


def test_arabic_rouge_keeps_arabic_words() -> None:
    # Google's rouge_score drops Arabic letters; ours folds spelling variants and counts them
    sc = rouge_n("أعلنت الأمم المتحدة اليوم", "اعلنت الامم المتحدة", 1)
    assert sc.recall == 1.0 and sc.precision == 0.75
    assert rouge_n("أعلنت الأمم المتحدة", "اعلنت الامم المتحدة", 2).f1 == 1.0

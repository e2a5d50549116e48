"""Segmentation: the seed pages against their hand annotations, and the same rules on unseen page shapes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from rawi.model import Page, SegmentedPage
from rawi.segment import BoilerplateIndex, segment_page
from rawi.segment.tags import page_phrases, split_tags


def _page(text: str, uri: str = "test.txt", **kw: object) -> Page:
    return Page(id=Page.make_id(uri, text), uri=uri, raw=text, text=text, **kw)  # type: ignore[arg-type]


def _segment(text: str, **kw: object) -> SegmentedPage:
    return segment_page(_page(text, **kw))


GOLD_PAGES = ["000_7be0f9684ebf0992.txt", "001_4d27d996705a06bd.txt", "004_3bd3b5d9f01e1814.txt"]


@pytest.mark.parametrize("name", GOLD_PAGES)
def test_seed_page_matches_gold(shared: Path, name: str) -> None:
    gold = json.loads((shared / "gold" / "seeds.json").read_text(encoding="utf-8"))["pages"][name]
    text = (shared / "corpus" / "seeds" / name).read_text(encoding="utf-8")
    result = segment_page(_page(text, uri=name))

    assert [a.role for a in result.articles] == [g["role"] for g in gold["articles"]]
    for article, expected in zip(result.articles, gold["articles"], strict=True):
        assert article.title == expected["title"]
        assert article.subheadings == expected["subheadings"]
        assert article.paragraphs == expected["body"]
        assert [c.to_json() for c in article.credits] == expected["credits"]
        assert article.cited == expected["cited"]
    assert result.tags == gold["tags"]
    assert result.related_headlines == gold["related_headlines"]
    assert [(r.line, r.kind, r.text) for r in result.removed] == [
        (r["line"], r["kind"], r["text"]) for r in gold["removed"]
    ]


def test_nothing_is_lost_on_seed_pages(shared: Path) -> None:
    """Every non-empty line ends up somewhere: a title, subheading, paragraph, related headline or removed."""
    for name in GOLD_PAGES:
        text = (shared / "corpus" / "seeds" / name).read_text(encoding="utf-8")
        result = segment_page(_page(text, uri=name))
        kept = set(result.related_headlines) | {r.text for r in result.removed}
        for a in result.articles:
            kept |= set(a.paragraphs) | set(a.subheadings) | ({a.title} if a.title else set())
        lines = [ln.strip().lstrip("•").strip() for ln in text.split("\n") if ln.strip()]
        assert [ln for ln in lines if ln not in kept] == []


def test_output_offsets_and_text_are_the_pages_own_characters(shared: Path) -> None:
    text = (shared / "corpus" / "seeds" / GOLD_PAGES[0]).read_text(encoding="utf-8")
    result = segment_page(_page(text))
    for article in result.articles:
        for paragraph in article.paragraphs:
            assert paragraph in text
    assert "الولایات" in result.removed[3].text  # the Persian ی is shown as written


# ---- the same rules on page shapes the seeds do not have -------------------------------------------

BODY_1 = "أعلن وزير المالية أن الحكومة ستخفض الضرائب على الشركات الصغيرة في العام المقبل لتشجيع الاستثمار."
BODY_2 = "وأضاف الوزير في مؤتمر صحفي أن القرار جاء بعد مشاورات طويلة مع ممثلي القطاع الخاص والنقابات."
BODY_3 = "وأشار إلى أن العجز في الموازنة تراجع بنسبة 12% خلال الربع الأول من العام الجاري مقارنة بالعام الماضي."


def test_inline_read_also_headline_leaves_the_body_and_paragraphs_stay() -> None:
    text = "\n".join([BODY_1, "اقرأ أيضا: الحكومة تعلن عن خطة لدعم المشاريع الصغيرة", BODY_2, BODY_3])
    result = _segment(text)
    assert len(result.articles) == 1
    assert result.articles[0].paragraphs == [BODY_1, BODY_2, BODY_3]
    assert result.related_headlines == ["الحكومة تعلن عن خطة لدعم المشاريع الصغيرة"]
    assert [r.kind for r in result.removed] == ["read_also"]


def test_read_also_marker_inside_a_running_article_does_not_cut_it() -> None:
    text = "\n".join([BODY_1, "طالع أيضاً", "وزير المالية يلتقي وفد صندوق النقد الدولي", BODY_2, BODY_3])
    result = _segment(text)
    assert len(result.articles) == 1
    assert result.articles[0].paragraphs == [BODY_1, BODY_2, BODY_3]
    assert result.related_headlines == ["وزير المالية يلتقي وفد صندوق النقد الدولي"]


def test_read_also_after_the_credit_starts_an_embedded_article() -> None:
    text = "\n".join([BODY_1, BODY_2, "المصدر: وكالة الأناضول", "اقرأ كذلك:", "عنوان الخبر الثاني عن الموازنة", BODY_3])
    result = _segment(text)
    assert [a.role for a in result.articles] == ["main", "embedded"]
    assert result.articles[1].title == "عنوان الخبر الثاني عن الموازنة"
    assert result.articles[1].paragraphs == [BODY_3]
    assert [c.to_json() for c in result.articles[0].credits] == [{"name": "وكالة الأناضول", "kind": "agency"}]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("تابعونا على تلغرام", "promo"),
        ("اشترك في قناتنا على يوتيوب ليصلك كل جديد", "promo"),
        ("الكلمات المفتاحية: الموازنة الضرائب", "keywords"),
        ("الوسوم: الموازنة", "keywords"),
        ("ذات صلة", "related_header"),
        ("الأكثر قراءة", "related_header"),
        ("شارك الخبر", "share_bar"),
        ("جميع الحقوق محفوظة © 2024", "footer"),
        ("// انتهى //", "footer"),
        ("المصدر : رويترز", "credit"),
        ("نقلا عن سكاي نيوز عربية", "credit"),
        ("الرئيسية > أخبار > سياسة", "breadcrumb"),
        ("نشر في: 12/03/2024 - 10:22", "timestamp"),
        ("الاثنين، 18 فبراير 2025 05:30 م", "timestamp"),
        ("كتب: محمد علي", "byline"),
        ("(صورة: رويترز)", "caption"),
        ("إعلان", "ad"),
        ("أضف تعليقك", "comments"),
        ("لمتابعة آخر الأخبار اضغط هنا", "promo"),
        ("كتب محمد علي", "byline"),
        ("#السعودية #الرياض", "hashtags"),
        ("(وكالات)", "credit"),
        ("(رويترز)", "credit"),
        ("فيسبوك تويتر واتساب", "share_bar"),
    ],
)
def test_unseen_marker_variants_are_removed_with_their_kind(line: str, kind: str) -> None:
    result = _segment("\n".join([BODY_1, BODY_2, line, BODY_3]) if kind != "related_header" else f"{BODY_1}\n{line}")
    assert [r.kind for r in result.removed] == [kind]
    assert result.removed[0].text == line
    assert BODY_1 in result.articles[0].paragraphs


def test_read_also_list_at_the_end_is_links_not_an_article() -> None:
    text = "\n".join([BODY_1, BODY_2, "المصدر: رويترز", "اقرأ أيضا", "عنوان أول عن الموازنة", "عنوان ثان عن الضرائب"])
    result = _segment(text)
    assert len(result.articles) == 1
    assert result.related_headlines == ["عنوان أول عن الموازنة", "عنوان ثان عن الضرائب"]


def test_title_and_deck_before_the_body() -> None:
    text = "\n".join(["الحكومة تخفض الضرائب", "قرار يشمل الشركات الصغيرة والمتوسطة", BODY_1, BODY_2])
    article = _segment(text).articles[0]
    assert article.title == "الحكومة تخفض الضرائب"
    assert article.subheadings == ["قرار يشمل الشركات الصغيرة والمتوسطة"]
    assert article.paragraphs == [BODY_1, BODY_2]


def test_prose_that_looks_like_furniture_stays() -> None:
    lines = [
        "كتب الوزير أن الحكومة ماضية في خطتها رغم الانتقادات التي وجهها النواب للموازنة الجديدة.",
        "شارك 500 متطوع في حملة تنظيف الشواطئ التي نظمتها البلدية يوم الجمعة الماضي.",
        "وتابع أن الهيئة ستجري عمليات تشغيل تجريبية أخرى في القناة قبل افتتاحها رسميا.",
    ]
    result = _segment("\n".join([BODY_1, *lines]))
    assert result.removed == []
    assert result.articles[0].paragraphs == [BODY_1, *lines]


def test_credit_kinds() -> None:
    text = "\n".join([BODY_1, "المصدر: رويترز", "وكالة الأنباء الألمانية", "نقلا عن موقع أكسيوس"])
    credits = [c.to_json() for c in _segment(text).articles[0].credits]
    assert credits == [
        {"name": "رويترز", "kind": "agency"},
        {"name": "الأنباء الألمانية", "kind": "agency"},
        {"name": "موقع أكسيوس", "kind": "via"},
    ]


def test_glued_related_headlines_are_removed_but_a_subheading_is_kept() -> None:
    glued = "الحكومة تخفض الضرائب على الشركات الصغيرةوزير المالية يرفع الفائدة للمرة الثالثة"
    text = "\n".join([BODY_1, glued, BODY_2, "خطة للإصلاح: ما الذي يتغير", BODY_3])
    result = _segment(text)
    assert [(r.kind, r.text) for r in result.removed] == [("related_links", glued)]
    assert result.articles[0].subheadings == ["خطة للإصلاح: ما الذي يتغير"]
    assert result.articles[0].paragraphs == [BODY_1, BODY_2, BODY_3]


def test_source_title_is_the_title_and_dateline_is_found() -> None:
    text = "القاهرة - رويترز - " + BODY_1 + "\n" + BODY_2
    result = _segment(text, title="الحكومة تخفض الضرائب")
    article = result.articles[0]
    assert article.title == "الحكومة تخفض الضرائب"
    assert article.dateline == "القاهرة"
    assert article.paragraphs[0].startswith("القاهرة - رويترز")
    assert {"name": "رويترز", "kind": "agency"} in [c.to_json() for c in article.credits]


def test_cited_outlets_are_known_outlets_after_a_citing_cue() -> None:
    text = BODY_1 + " وفقا لصحيفة نيويورك تايمز، بحسب ما نقلت وسائل إعلام محلية، وذكرت وكالة رويترز ذلك."
    assert _segment(text).articles[0].cited == ["نيويورك تايمز", "رويترز"]


def test_tags_split_on_the_pages_own_phrases() -> None:
    body = "قال رئيس الوزراء العراقي محمد شياع السوداني إن بغداد تريد علاقات متوازنة مع الولايات المتحدة."
    phrases = page_phrases(body)
    assert split_tags("بغداد رئيس الوزراء العراقي محمد شياع السوداني الولايات المتحدة", phrases) == [
        "بغداد",
        "رئيس الوزراء العراقي",
        "محمد شياع السوداني",
        "الولايات المتحدة",
    ]


def test_empty_and_non_arabic_pages_do_not_crash() -> None:
    assert _segment("").articles == []
    result = _segment("Breaking news: markets rally.\nShares rose 3% on Monday in early trading.")
    assert result.articles[0].language == "en"


def test_boilerplate_learned_from_saudinewsnet_outlet_footers(shared: Path) -> None:
    """A footer that recurs across an outlet's pages is removed, whatever its wording; bodies stay."""
    path = shared / "corpus" / "saudinewsnet" / "2015-08-06.jsonl.gz"
    pages = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            row = json.loads(line)
            text = row["content"]
            pages.append(_page(text, uri=row["url"] or f"{path}#L{n + 1}", outlet=row["source"]))
    index = BoilerplateIndex().observe_all(pages)
    results = [segment_page(p, index) for p in pages]
    removed = {r.text for res in results for r in res.removed if r.kind == "boilerplate"}
    # Al-Madina's SMS footer lines carry no shared phrase a rule could know; only recurrence finds them.
    assert {"88591 - Stc", "635031 - Mobily", "737221 - Zain"} <= removed
    assert all(len(t.split()) <= 15 for t in removed)
    # bodies survive: almost every page keeps at least one article with real paragraphs
    with_body = sum(1 for res in results if any(len(" ".join(a.paragraphs)) > 100 for a in res.articles))
    assert with_body / len(results) > 0.95


def test_a_missing_space_inside_one_sentence_is_not_glued_headlines() -> None:
    typo = "وأعلن مدير الطوارىء أن المئات من الطلاب اقتحموا وزارةالتعليم احتجاجا على سياسة الحكومة"
    result = _segment("\n".join([BODY_1, typo, BODY_2]))
    assert result.removed == []
    assert typo in result.articles[0].paragraphs

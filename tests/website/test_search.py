"""Search over articles, partners, people and events: /<lang>/search/?q=…

Both databases answer every test, and both find other forms of a word (by its stem) and
forgive apostrophes. Where they legitimately differ (ranking, which only PostgreSQL does),
the assertion says which database finds what. How well search finds what it should is
measured over a judged set of queries in test_search_quality.py.
"""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

import intloffice.website.search
from intloffice.core.query import MAX_QUERY_LENGTH
from news.models import Article
from tests.conftest import SEED_SLUG
from tests.factories import (
    make_agreement,
    make_article,
    make_event,
    make_organization,
    make_person,
    make_visit,
)

CHINESE_TITLE = "中俄工科大学联盟第五届峰会在西安举行"


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def search(client, query, language="en", **params):
    response = client.get(f"/{language}/search/", {"q": query, **params})
    assert response.status_code == 200
    return response


def found_articles(client, query, language="en"):
    results = search(client, query, language).context.get("results")
    return [hit.object.slug for hit in results.article_hits] if results else []


def found(client, query, group, language="en"):
    results = search(client, query, language).context.get("results")
    sections = {"partner": "partners", "person": "people", "event": "events", "ours": "ours"}
    return [hit.object.slug for hit in getattr(results, sections[group]).hits] if results else []


@pytest.mark.parametrize(
    "query", ["Xi'an", "xi'an", "Xi’an", "Xian", "xian", "Arseniev", "ATURC", "aturc", "university"]
)
def test_seed_article_is_found_by_its_words(client, seed_article, query):
    assert found_articles(client, query) == [SEED_SLUG]


def test_several_words_must_all_match(client, seed_article):
    assert found_articles(client, "ATURC Arseniev") == [SEED_SLUG]
    assert found_articles(client, "ATURC zanzibar") == []


def test_other_forms_of_an_english_word_are_found(client, db):
    article = make_article(title_en="The university opens a summer school")
    assert found_articles(client, "university") == [article.slug]
    assert found_articles(client, "universities") == [article.slug]


def test_russian_article_is_found_by_its_word_in_any_case_and_form(client, db):
    article = make_article(
        title_en="",
        summary_en="",
        body_en="",
        title_ru="Делегация университета посетила Сиань",
        original_language="ru",
    )
    assert found_articles(client, "Делегация", "ru") == [article.slug]
    assert found_articles(client, "делегация", "ru") == [article.slug]
    assert found_articles(client, "ДЕЛЕГАЦИЯ", "ru") == [article.slug]
    assert found_articles(client, "делегации", "ru") == [article.slug]
    assert found_articles(client, "университеты", "ru") == [article.slug]


def test_apostrophe_as_phones_type_it_finds_and_marks_the_ascii_one(client, seed_article):
    html = search(client, "Xi’an").text
    assert "Xi’an" in html  # the query shown as typed
    assert "<mark>Xi&#x27;an</mark>" in html


def test_chinese_article_is_found_by_a_part_of_its_title(client, db):
    article = make_article(title_en="", summary_en="", body_en="", title_zh_hans=CHINESE_TITLE)
    assert found_articles(client, "西安", "zh-hans") == [article.slug]
    assert found_articles(client, "峰会 西安", "zh-hans") == [article.slug]
    # The characters of the query must be next to each other, in order.
    assert found_articles(client, "安西", "zh-hans") == []
    html = search(client, "西安", "zh-hans").text
    assert "<mark>西安</mark>" in html


def test_chinese_query_in_quotes_is_still_a_phrase(client, db):
    article = make_article(title_zh_hans=CHINESE_TITLE)
    assert found_articles(client, '"西安举行"', "zh-hans") == [article.slug]
    assert found_articles(client, '"举行西安"', "zh-hans") == []


@pytest.mark.parametrize(
    ("query", "group", "slug"),
    [
        ("АТУРК", "partner", "aturc"),
        ("атурк", "partner", "aturc"),
        ("中俄工科大学联盟", "partner", "aturc"),
        ("SPbPU", "ours", "spbpu"),  # the host university: found, and not as a partner
        ("Арсеньев", "person", "dmitry-arseniev"),
        ("арсеньев", "person", "dmitry-arseniev"),
        ("Arseniev", "person", "dmitry-arseniev"),
        ("Vice-Rector", "person", "dmitry-arseniev"),
        ("阿尔谢尼耶夫", "person", "dmitry-arseniev"),
        ("Сиань", "event", "fifth-aturc-summit-2022"),
        ("саммит", "event", "fifth-aturc-summit-2022"),
        ("University-City-Development", "event", "aturc-rectors-forum-2022"),
    ],
)
def test_partners_people_and_events_are_found_by_name_in_any_language(
    client, seed_entities, query, group, slug
):
    assert slug in found(client, query, group)


def test_group_counts_and_top_ten(client, db):
    for number in range(12):
        make_organization(name_en=f"Zebra Institute {number}", slug=f"zebra-{number:02}")
    response = search(client, "zebra")
    assert len(response.context["results"].partners.hits) == 10
    assert response.context["results"].partners.count == 12
    assert response.context["results"].count == 12
    assert "12 results" in response.text


def test_drafts_and_future_articles_never_appear(client, db):
    make_article(title_en="Zebra crossing draft", status=Article.Status.DRAFT)
    make_article(title_en="Zebra crossing in review", status=Article.Status.REVIEW)
    make_article(title_en="Zebra crossing archived", status=Article.Status.ARCHIVED)
    make_article(title_en="Zebra crossing tomorrow", publish_at=timezone.now() + dt.timedelta(1))
    public = make_article(title_en="Zebra crossing today")
    response = search(client, "zebra")
    assert [hit.object.slug for hit in response.context["results"].article_hits] == [public.slug]
    assert response.context["results"].articles.paginator.count == 1
    assert "draft" not in response.text and "tomorrow" not in response.text


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   \t  ",
        "x" * 10240,
        "ATURC " * 2000,
        "'; DROP TABLE news_article; --",
        "!!! ??? ...",
        '"unbalanced quote',
        "((( ATURC",
        "ATURC ))) OR",
        "- OR -- |& !",
        "a\x00b",
        "<script>alert(1)</script>",
        "%_\\",
        "西" * 300,
    ],
)
def test_awkward_queries_get_a_friendly_page(client, seed_article, query):
    response = search(client, query)
    assert 'name="robots" content="noindex"' in response.text
    assert len(response.context["query"]) <= MAX_QUERY_LENGTH
    assert response.context.get("message") or response.context["results"].count
    assert "<script>alert(1)" not in response.text
    assert Article.objects.filter(slug=SEED_SLUG).exists()


def test_empty_and_punctuation_only_queries_say_what_to_do(client, db):
    assert "Type a name" in search(client, "").text
    assert "no words to look for" in search(client, "!!! ??? ...").text
    assert "Nothing matches" in search(client, "zanzibar").text


def test_long_query_is_truncated_and_said_so(client, seed_article):
    response = search(client, "ATURC " + "x" * 10000)
    assert response.context["truncated"]
    assert response.context["query"] == ("ATURC " + "x" * 10000)[:MAX_QUERY_LENGTH]
    assert "Only the first 200 characters" in response.text


def test_matches_are_marked_and_content_is_escaped(client, db):
    make_article(
        title_en="Zebra <script>alert('x')</script> & friends",
        summary_en="",
        body_en="<p>" + "Lorem ipsum. " * 40 + "A zebra &amp; a <b>horse</b> met.</p>",
    )
    response = search(client, "zebra")
    hit = response.context["results"].article_hits[0]
    assert hit.title == (
        "<mark>Zebra</mark> &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; friends"
    )
    # The snippet is the body around the match, as text, not the beginning of the body.
    assert hit.snippet.startswith("…") and len(hit.snippet) < 300
    assert hit.snippet.endswith("A <mark>zebra</mark> &amp; a horse met.")
    assert hit.title in response.text and hit.snippet in response.text
    assert "<script>alert" not in response.text and "<b>horse</b>" not in response.text


def test_fallback_text_carries_its_language(client, english_seed_article):
    html = search(client, "ATURC", "ru").text
    assert '<h3 class="card-title" lang="en">' in html


def test_snippet_from_another_language_carries_that_language(client, db):
    make_article(title_en="Summit", summary_en="A summit.", summary_ru="Саммит в Сиане.")
    html = search(client, "Сиане").text
    assert '<p lang="ru">Саммит в <mark>Сиане</mark>.</p>' in html


def test_search_form_is_labelled(client, db):
    html = search(client, "").text
    assert '<form class="search-form" role="search"' in html
    assert '<label for="search-page-query" id="search-page-label">' in html
    assert html.count("<h1>") == 1


def test_article_results_are_paginated(client, db):
    for number in range(25):
        make_article(title_en=f"Zebra news {number}")
    first = search(client, "zebra")
    assert len(first.context["results"].article_hits) == 10
    assert first.context["results"].articles.paginator.count == 25
    assert "?q=zebra&amp;page=2" in first.text
    third = search(client, "zebra", page=3)
    assert len(third.context["results"].article_hits) == 5
    assert search(client, "zebra", page="not-a-number").context["page_obj"].number == 1
    assert search(client, "zebra", page=99).context["page_obj"].number == 3


def test_newer_articles_come_first_among_equals(client, db):
    old = make_article(title_en="Zebra report", publish_at=timezone.now() - dt.timedelta(900))
    new = make_article(title_en="Zebra report", publish_at=timezone.now() - dt.timedelta(9))
    assert found_articles(client, "zebra report") == [new.slug, old.slug]


def test_title_match_ranks_first_on_postgresql(client, db):
    in_body = make_article(
        title_en="Other news", body_en="<p>A zebra.</p>", publish_at=timezone.now()
    )
    in_title = make_article(
        title_en="Zebra", body_en="<p>Text.</p>", publish_at=timezone.now() - dt.timedelta(99)
    )
    expected = [in_title.slug, in_body.slug] if on_postgresql() else [in_body.slug, in_title.slug]
    assert found_articles(client, "zebra") == expected


@pytest.mark.parametrize("count", [1, 30])
def test_query_count_is_fixed(client, db, django_assert_max_num_queries, count):
    association = make_organization(name_en="Zebra Association", kind="association")
    for number in range(count):
        make_article(title_en=f"Zebra news {number}", organizations=[association])
        make_organization(name_en=f"Zebra University {number}", parent=association)
        make_person(name_en=f"Zebra Person {number}", organization=association)
        make_event(name_en=f"Zebra Event {number}")
        make_agreement(title_en=f"Zebra agreement {number}")
    # Articles: the ranked matches, then the page's rows; then one query per group
    # (partners, people, events, the host university apart from the partners, information
    # pages, agreements); the menus, once per content generation (warmed here).
    client.get("/en/")
    with django_assert_max_num_queries(8):
        response = search(client, "zebra")
    assert response.context["results"].count == 5 * count + 1


def test_no_query_costs_no_database_work(client, db, django_assert_num_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the page cache's own bookkeeping is not search's
    client.get("/en/")  # nor are the menus, remembered once per content generation
    with django_assert_num_queries(0):
        search(client, "")
        search(client, "!!!")


def test_saved_changes_are_searchable_at_once(client, db):
    article = make_article(title_en="Zebra crossing")
    organization = make_organization(name_en="Okapi Institute")
    article.title_en = "Giraffe crossing"
    article.save()
    organization.aliases = "Tapir Institute"
    organization.save(update_fields=["aliases"])
    assert found_articles(client, "giraffe") == [article.slug]
    assert found_articles(client, "zebra") == []
    assert found(client, "tapir", "partner") == [organization.slug]


def test_imported_article_is_searchable_at_once(client, db, tmp_path):
    from news.importing import import_articles

    source = tmp_path / "okapi.txt"
    source.write_text(
        "Okapi sighted near the Polytechnic campus\n\nA rare okapi visited.\n\n"
        "Дата публикации: 2022.06.11\n",
        encoding="utf-8",
    )
    report = import_articles([source])
    assert report.created == 1
    article = Article.objects.get()
    assert (article.search_vector is not None) is on_postgresql()
    assert found_articles(client, "okapi") == [article.slug]
    if on_postgresql():
        assert found_articles(client, "sightings") == [article.slug]

    source.write_text(source.read_text().replace("okapi visited", "tapir visited"))
    assert import_articles([source]).updated == 1
    assert found_articles(client, "tapir") == [article.slug]


def test_a_common_word_ranks_only_the_newest_matches_and_says_so(client, db, monkeypatch):
    """Ranking reads each candidate's vector: with many matches only the newest are ranked."""
    monkeypatch.setattr(intloffice.website.search, "RANKED_ARTICLES", 3)
    now = timezone.now()
    bodies = [
        make_article(
            title_en=f"Report {n}", body_en="<p>A yak.</p>", publish_at=now - dt.timedelta(n)
        )
        for n in range(3)
    ]
    # Older than the three newest matches: not a candidate, however well it matches.
    make_article(title_en="Yak", body_en="<p>Yak.</p>", publish_at=now - dt.timedelta(999))
    response = search(client, "yak")
    assert response.context["results"].more_articles
    assert response.context["results"].articles.paginator.count == 3
    hits = [hit.object.slug for hit in response.context["results"].article_hits]
    assert hits == [article.slug for article in bodies]
    assert "Many results for" in response.text
    assert "(3+)" in response.text
    # Below the limit, the count is exact and nothing is said.
    few = search(client, "report")
    assert few.context["results"].articles.paginator.count == 3
    assert "Many results" not in few.text


def test_the_best_of_the_newest_matches_comes_first_on_postgresql(client, db, monkeypatch):
    monkeypatch.setattr(intloffice.website.search, "RANKED_ARTICLES", 3)
    older = make_article(title_en="Report", body_en="<p>A yak.</p>")
    in_title = make_article(
        title_en="Yak", body_en="<p>Text.</p>", publish_at=older.publish_at - dt.timedelta(1)
    )
    newest = make_article(title_en="News", body_en="<p>A yak.</p>", publish_at=timezone.now())
    expected = [newest, older, in_title]
    if on_postgresql():
        expected = [in_title, newest, older]
    assert found_articles(client, "yak") == [article.slug for article in expected]


def test_a_visit_is_found_by_its_purpose_outcomes_and_follow_up(client, db):
    visit = make_visit(
        name_en="Delegation from Harbin",
        purpose_ru="Обсуждение программы двойного диплома по мехатронике",
        outcomes_en="A joint laboratory for cryogenics was agreed.",
        follow_up_en="Faculty exchange planned for spring.",
    )
    assert found(client, "мехатроника", "event", "ru") == [visit.slug]
    assert found(client, "cryogenics", "event") == [visit.slug]
    assert found(client, "spring exchange", "event") == [visit.slug]

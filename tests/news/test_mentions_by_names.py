"""Every name of an organisation, in every language, links the articles that mention it
(news/mentions.py reads the names partners keep): ATURC is mentioned as АТУРК in Russian,
ASRTU in English, 中俄工科大学联盟 in Chinese."""

import pytest
from django.core.management import call_command

from news.importing import import_articles
from news.mentions import MentionMatcher, link_all_articles
from news.models import Article
from partners.models import Organization, OrganizationName
from tests.factories import make_article, make_organization

DATE_LINE = "Дата публикации: 2024.05.17"


def imported(tmp_path, name: str, title: str, body: str):
    """An article imported from a file as the importer links it."""
    path = tmp_path / f"{name}.txt"
    path.write_text(f"{title}\n\n{body}\n\n{DATE_LINE}\n", encoding="utf-8")
    report = import_articles([path])
    assert report.failed == 0, report.failures
    return Article.objects.get(source_file__endswith=f"{name}.txt")


@pytest.mark.parametrize(
    ("name", "title", "body"),
    [
        ("russian", "Встреча ректоров", "Делегация приняла участие в форуме АТУРК в Сиане."),
        ("english", "Rectors meet", "The delegation attended the ASRTU forum in Xi'an."),
        ("chinese", "校长会晤", "代表团参加了中俄工科大学联盟论坛。"),
        (
            "english-long",
            "Rectors meet",
            "The Association of Sino-Russian Technical Universities met.",
        ),
    ],
)
def test_an_article_naming_aturc_in_any_of_its_names_links_to_it(
    seed_entities, tmp_path, name, title, body
):
    article = imported(tmp_path, name, title, body)
    assert set(article.organizations.values_list("slug", flat=True)) == {"aturc"}


@pytest.mark.parametrize(
    ("language", "kind", "value", "text"),
    [
        ("ru", "acronym", "ХПИ", "Делегация ХПИ приехала."),
        ("zh-hans", "label", "哈尔滨工业大学", "哈尔滨工业大学代表团来访。"),
        ("en", "alias", "Harbin Polytech", "Delegates of Harbin Polytech came."),
        ("", "acronym", "HIT", "Делегация HIT приехала."),  # any language
    ],
)
def test_each_other_name_in_each_language_feeds_mention_linking(db, language, kind, value, text):
    hit = make_organization(name_en="Harbin Institute of Technology")
    OrganizationName.objects.create(organization=hit, language=language, kind=kind, value=value)
    assert MentionMatcher.from_database().find(text).organizations == {hit.pk}


def test_a_name_added_or_removed_links_or_unlinks_the_articles_on_relinking(db):
    hit = make_organization(name_en="Harbin Institute of Technology")
    article = make_article(title_en="A visit", body_en="<p>Delegates of HITX came.</p>")
    link_all_articles()
    assert not article.organizations.exists()
    name = OrganizationName.objects.create(organization=hit, value="HITX", kind="acronym")
    call_command("link_mentions", verbosity=0)
    assert list(article.organizations.all()) == [hit]
    name.delete()
    link_all_articles()
    assert not article.organizations.exists()


def test_a_script_in_a_name_links_by_its_words_and_shows_as_text(client, db):
    script = '<script>alert("x")</script>'
    organization = make_organization(name_en=f"Zyx {script}")
    OrganizationName.objects.create(organization=organization, value=f"Qwv {script}")
    article = make_article(title_en="News", body_en="<p>Qwv script alert x script</p>")
    link_all_articles()
    assert list(article.organizations.all()) == [organization]
    html = client.get(article.get_absolute_url()).text
    assert script not in html and "Zyx &lt;script&gt;" in html


def test_the_migrated_seed_names_are_what_mentions_read(seed_entities):
    aturc = Organization.objects.get(slug="aturc")
    names = MentionMatcher.from_database()
    for text in ("АТУРК", "ASRTU", "ATURC", "中俄工科大学联盟"):
        assert names.find(text).organizations == {aturc.pk}, text

"""The template tags every page is drawn with (intloffice/core/templatetags/site_tags.py)."""

import logging
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template, TemplateSyntaxError
from django.utils.safestring import mark_safe
from django.utils.translation import override

from intloffice.core.images import normalised
from tests.core.test_images import encoded, halves
from tests.factories import make_article, make_event, make_organization, make_person

# templates/includes/picture.html as it was before {% picture %} replaced it, kept to show
# that the tag draws exactly what the include drew.
PICTURE_INCLUDE = (Path(__file__).parent / "data" / "picture_include.html").read_text()


def render(source: str, language: str = "en", **context) -> str:
    with override(language):
        return Template("{% load site_tags %}" + source).render(Context(context))


# --- {% link_to %} ----------------------------------------------------------------------


def test_link_escapes_the_name(db):
    organization = make_organization(slug="evil", name_en="<script>alert(\"x\")</script> & 'Co'")
    html = render('{% link_to organization "name" %}', organization=organization)
    assert html == (
        '<a href="/en/partners/evil/">'
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;Co&#x27;</a>"
    )


@pytest.mark.parametrize(
    ("names", "language", "link"),
    [
        ({"name_en": "", "name_ru": "Политех"}, "en", '<a href="/en/x/" lang="ru">Политех</a>'),
        ({"name_en": "Polytech", "name_ru": "Политех"}, "en", '<a href="/en/x/">Polytech</a>'),
        ({"name_en": "Polytech", "name_ru": "Политех"}, "ru", '<a href="/ru/x/">Политех</a>'),
    ],
)
def test_link_has_a_lang_only_when_its_name_falls_back_to_another_language(
    db, names, language, link
):
    organization = make_organization(slug="polytech", **names)
    html = render('{% link_to organization "name" %}', language, organization=organization)
    assert html == link.replace("/x/", "/partners/polytech/")


def test_link_text_given_safe_is_kept_and_given_plain_is_escaped(db):
    person = make_person(slug="ivanov", name_en="", name_ru="Иванов")
    highlighted = mark_safe("<mark>Иванов</mark>")
    assert render('{% link_to p "name" text %}', p=person, text=highlighted) == (
        '<a href="/en/people/ivanov/" lang="ru"><mark>Иванов</mark></a>'
    )
    assert render('{% link_to p "name" text %}', p=person, text="<b>") == (
        '<a href="/en/people/ivanov/" lang="ru">&lt;b&gt;</a>'
    )


def test_card_title_link_carries_the_lang_on_its_heading(db):
    article = make_article(slug="summit", title_en="", title_ru="Саммит")
    html = render('{% link_to article "title" heading="h2" %}', article=article)
    assert html == '<h2 class="card-title" lang="ru"><a href="/en/news/summit/">Саммит</a></h2>'


def test_link_heading_must_be_a_heading(db):
    article = make_article()
    with pytest.raises(TemplateSyntaxError, match="is not h1 to h6"):
        render('{% link_to article "title" heading="div" %}', article=article)


# --- {% picture %} ----------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    """Uploads and renditions go to a fresh folder; sorl's cached keys start empty."""
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield tmp_path
    cache.clear()


def upload(size, format="JPEG", mode="RGB", name="a.jpg"):
    return normalised(SimpleUploadedFile(name, encoded(halves(size, mode), format)))


def the_include(language="en", **parameters) -> str:
    with override(language):
        html = Template(PICTURE_INCLUDE).render(Context(parameters))
    return html.removesuffix("\n")  # the file's last newline


PICTURES = {
    "article image, description in Russian": (
        lambda: make_article(image=upload((1600, 900)), image_alt_ru='Делегаты "саммита" & гости'),
        '{% picture obj "image" alt_field="image_alt" decorative=obj.image_decorative main=True %}',
        lambda obj: {
            "image": obj.image,
            "alt": obj.image_alt,
            "alt_lang": mark_safe(' lang="ru"'),
            "decorative": obj.image_decorative,
            "main": True,
        },
    ),
    "decorative article image": (
        lambda: make_article(
            image=upload((1600, 900)), image_alt_en="Ignored", image_decorative=True
        ),
        '{% picture obj "image" alt_field="image_alt" decorative=obj.image_decorative main=True %}',
        lambda obj: {
            "image": obj.image,
            "alt": obj.image_alt,
            "alt_lang": "",
            "decorative": True,
            "main": True,
        },
    ),
    "small image, never upscaled": (
        lambda: make_article(image=upload((600, 300)), image_alt_en="Small"),
        '{% picture obj "image" alt_field="image_alt" %}',
        lambda obj: {"image": obj.image, "alt": obj.image_alt},
    ),
    "transparent logo": (
        lambda: make_organization(logo=upload((400, 200), "PNG", "RGBA", "logo.png")),
        '{% picture obj "logo" decorative=True img_class="logo" small=96 medium=96 large=192'
        ' sizes="96px" %}',
        lambda obj: {
            "image": obj.logo,
            "decorative": True,
            "class": "logo",
            "small": "96",
            "medium": "96",
            "large": "192",
            "sizes": "96px",
        },
    ),
    "portrait": (
        lambda: make_person(photo=upload((800, 1000)), photo_alt_en="Professor at a lectern"),
        '{% picture obj "photo" alt_field="photo_alt" img_class="portrait" small=160 medium=320'
        ' large=640 sizes="20rem" main=True %}',
        lambda obj: {
            "image": obj.photo,
            "alt": obj.photo_alt,
            "alt_lang": "",
            "class": "portrait",
            "small": "160",
            "medium": "320",
            "large": "640",
            "sizes": "20rem",
            "main": True,
        },
    ),
}


@pytest.mark.parametrize("case", PICTURES)
def test_picture_draws_what_the_include_drew(db, media, case):
    make, tag, include_parameters = PICTURES[case]
    obj = make()
    drawn = render(tag, obj=obj)
    assert drawn.startswith('<picture>\n  <source type="image/webp" srcset=')
    assert drawn == the_include(**include_parameters(obj))


def test_picture_of_nothing_is_nothing(db):
    assert render('{% picture obj "image" alt_field="image_alt" %}', obj=make_article()) == ""


def test_picture_whose_file_is_gone_is_left_out_and_logged(db, media, caplog):
    article = make_article(image=upload((300, 200)))
    (media / article.image.name).unlink()
    with caplog.at_level(logging.ERROR, logger="sorl.thumbnail"):
        assert render('{% picture obj "image" %}', obj=article) == ""
    assert "Thumbnail tag failed" in caplog.text


# --- {% page_url %} ---------------------------------------------------------------------


def test_page_url_keeps_the_filters():
    assert render("{% page_url 3 %}", filter_query="q=a%26b&year=2022") == (
        "?q=a%26b&amp;year=2022&amp;page=3"
    )
    assert render("{% page_url 3 %}", filter_query="") == "?page=3"


# --- Languages: excerpts, separators, titles, places, short names ----------------------


def test_excerpt_filter_cuts_at_a_word_and_escapes(db):
    drawn = render("{{ text|excerpt:24 }}", text="<b>Rectors</b> & deans met in Xi'an")
    assert drawn == "&lt;b&gt;Rectors&lt;/b&gt; &amp; deans…"


def test_separators_follow_the_page_language():
    assert render("{% list_comma %}|{% phrase_comma %}|{% label_colon %}", "zh-hans") == "、|，|："
    assert render("{% list_comma %}|{% phrase_comma %}|{% label_colon %}", "ru") == ", |, |: "


def test_a_chinese_title_is_written_after_the_name(db):
    person = make_person(
        honorific_en="Professor",
        honorific_zh_hans="教授",
        name_en="Dmitry Arseniev",
        name_zh_hans="德米特里·阿尔谢尼耶夫",
    )
    chinese = render("{% name_with_title person %}", "zh-hans", person=person)
    assert chinese == '<span>德米特里·阿尔谢尼耶夫</span><span class="honorific">教授</span>'
    english = render("{% name_with_title person %}", "en", person=person)
    assert english == '<span class="honorific">Professor</span> <span>Dmitry Arseniev</span>'
    assert render("{% name_with_title person plain=True %}", "zh-hans", person=person) == (
        "德米特里·阿尔谢尼耶夫教授"
    )


def test_a_title_shown_in_another_language_keeps_that_languages_order(db):
    person = make_person(honorific_en="Professor", name_en="Dmitry Arseniev")
    drawn = render("{% name_with_title person %}", "zh-hans", person=person)
    assert drawn == (
        '<span class="honorific" lang="en">Professor</span> <span lang="en">Dmitry Arseniev</span>'
    )


def test_a_name_with_a_title_is_escaped(db):
    person = make_person(honorific_en="<i>Dr</i>", name_en="A & B")
    drawn = render("{% name_with_title person %}", person=person)
    assert "&lt;i&gt;Dr&lt;/i&gt;" in drawn and "A &amp; B" in drawn
    assert render("{% name_with_title person plain=True %}", person=person) == (
        "&lt;i&gt;Dr&lt;/i&gt; A &amp; B"
    )


def test_a_place_is_written_in_the_order_of_the_page_language(db):
    event = make_organization(city_en="Xi'an", city_ru="Сиань", city_zh_hans="西安", country="CN")
    assert render("{% place obj %}", "en", obj=event) == "<span>Xi&#x27;an</span>, China"
    assert render("{% place obj %}", "ru", obj=event) == "<span>Сиань</span>, Китай"
    assert render("{% place obj %}", "zh-hans", obj=event) == "中国<span>西安</span>"
    only_english = make_organization(city_en="Harbin", country="CN")
    assert render("{% place obj %}", "zh-hans", obj=only_english) == (
        '中国 <span lang="en">Harbin</span>'
    )
    assert render("{% place obj %}", "en", obj=make_organization(country="RU")) == "Russia"


def test_a_venue_comes_first_or_in_chinese_last(db):
    event = make_event(
        venue_en="Innovation Harbour",
        venue_zh_hans="创新港",
        city_en="Xi'an",
        city_zh_hans="西安",
        country="CN",
    )
    assert render("{% place obj venue=True %}", "en", obj=event) == (
        "<span>Innovation Harbour</span>, <span>Xi&#x27;an</span>, China"
    )
    assert render("{% place obj venue=True %}", "zh-hans", obj=event) == (
        "中国<span>西安</span>，<span>创新港</span>"
    )


def test_a_short_name_in_parentheses_of_the_page_language(db):
    aturc = make_organization(
        name_en="Association of Technical Universities of Russia and China",
        name_ru="Ассоциация технических университетов России и Китая",
        short_name_en="ATURC",
        short_name_ru="АТУРК",
    )
    assert render("{% short_name obj %}", "ru", obj=aturc) == (
        ' <span class="short-name">(АТУРК)</span>'
    )
    assert render("{% short_name obj %}", "zh-hans", obj=aturc) == (
        '<span class="short-name" lang="en">（ATURC）</span>'
    )
    same = make_organization(name_en="RSF", short_name_en="RSF")
    assert render("{% short_name obj %}", obj=same) == ""


def test_a_monogram_stands_in_for_a_missing_logo(db):
    assert render("{{ obj|monogram }}", obj=make_organization(short_name_en="RSF")) == "RSF"
    named = make_organization(name_en="Harbin Institute of Technology", short_name_en="")
    assert render("{{ obj|monogram }}", obj=named) == "HIT"

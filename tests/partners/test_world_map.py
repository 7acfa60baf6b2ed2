"""The partner map: its outline data, the counts by country, the page and the filtered list."""

import gzip
import re
from html.parser import HTMLParser

import pytest
from django_countries import countries

from partners.world_map import SHADES, outline, partner_map, partners_by_country, shade
from tests.factories import make_organization

MAP = "/{lang}/partners/map/"
# A whole SVG path: one or more closed rings, each an absolute start and relative steps.
PATH = re.compile(r"^(M-?\d+ -?\d+l[-\d ]*z)+$")


# The outline (partners/data/world.json, made by tools/make_world_map.py)


def test_every_country_of_the_outline_is_a_valid_code_with_a_closed_path():
    world = outline()
    assert (world["width"], world["height"]) == (1000, pytest.approx(431, abs=5))
    assert len(world["countries"]) >= 180
    for code, path in world["countries"].items():
        assert code in countries, code
        assert PATH.match(path), code
    for code, (x, y) in world["points"].items():
        assert code in countries, code
        assert 0 <= x <= world["width"] and 0 <= y <= world["height"], code
    assert PATH.match(world["other"])  # Kosovo, Northern Cyprus, Somaliland...


def test_the_outline_has_the_partners_countries_and_dots_for_small_ones():
    world = outline()
    # The big ones drawn, the city states a dot where a reader can click.
    assert {"CN", "RU", "KZ", "MN", "DE", "US", "BR", "AU", "IN"} <= set(world["countries"])
    assert {"SG", "HK", "MO", "MT", "BH", "LU"} <= set(world["points"])
    assert "AQ" not in world["countries"]  # Antarctica is left out
    # Russia reaches across the antimeridian: Chukotka is cut there, not drawn as a line
    # across the world, so no step of its outline is longer than a tenth of the map.
    steps = [
        abs(int(dx))
        for ring in re.findall(r"l([-\d ]*)z", world["countries"]["RU"])
        for dx in re.findall(r"-?\d+", ring)[::2]
    ]
    assert max(steps) < world["width"] / 10


def test_the_outline_is_small_enough_to_send_inline():
    world = outline()
    text = "".join(world["countries"].values()) + world["other"]
    assert len(text) < 80_000


# Counting


def test_partners_are_counted_by_country_without_the_host_university(db, settings):
    host = make_organization(slug=settings.SITE_HOST_ORGANIZATION, country="RU")
    make_organization(parent=host, country="CN")  # its office in China: ours, not a partner
    for _ in range(3):
        make_organization(country="CN")
    make_organization(country="KZ")
    make_organization(kind="association")  # no country
    assert partners_by_country() == {"CN": 3, "KZ": 1, "": 1}


def test_the_shades_follow_the_number_of_partners():
    assert SHADES == (1, 2, 10)
    assert [shade(n) for n in (1, 2, 9, 10, 68)] == [1, 2, 2, 3, 3]


def test_the_map_names_countries_in_the_readers_language_most_partners_first(db):
    from django.utils import translation

    for _ in range(2):
        make_organization(country="KZ")
    make_organization(country="SG")
    make_organization(country="CN")
    with translation.override("ru"):
        found = partner_map()
        kazakhstan = found.countries[0]
        assert kazakhstan.label.startswith("Казахстан: 2 ")
    # Then by name as the reader reads it: Китай before Сингапур.
    assert [(c.code, c.name, c.partners) for c in found.countries] == [
        ("KZ", "Казахстан", 2),
        ("CN", "Китай", 1),
        ("SG", "Сингапур", 1),
    ]
    with translation.override("en"):
        assert partner_map().countries[0].label == "Kazakhstan: 2 partners"
        assert partner_map().countries[1].label == "China: 1 partner"
    assert kazakhstan.path == outline()["countries"]["KZ"]
    assert kazakhstan.point is None
    singapore = found.countries[2]
    assert singapore.point == tuple(outline()["points"]["SG"])  # too small to see: a dot
    # The land is every other country: the partners' countries are drawn once, as links.
    assert kazakhstan.path not in found.land and outline()["countries"]["MN"] in found.land


# The page


class Links(HTMLParser):
    """The map's links (inside the SVG) and the table's rows, as a reader's tools see them."""

    def __init__(self):
        super().__init__()
        self.map_links, self.rows, self.focusable_shapes = [], [], 0
        self.in_svg = self.in_row = False
        self.cells: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and "world-map" in (attrs.get("class") or ""):
            self.in_svg = True
        elif self.in_svg and tag == "a":
            self.map_links.append((attrs["aria-label"], attrs["href"]))
        elif self.in_svg and "tabindex" in attrs:
            self.focusable_shapes += 1
        elif tag == "tr":
            self.in_row, self.cells = True, []
        elif self.in_row and tag == "a":
            self.cells.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "svg":
            self.in_svg = False
        elif tag == "tr" and self.in_row:
            self.in_row = False
            self.rows.append(tuple(self.cells))

    def handle_data(self, data):
        if self.in_row and data.strip():
            self.cells.append(data.strip())


def links_of(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


@pytest.fixture
def partners_abroad(db, settings):
    """Partners in three countries, the host university with an office in China, and an
    association of several countries without one."""
    host = make_organization(slug=settings.SITE_HOST_ORGANIZATION, country="RU")
    make_organization(slug="shanghai-office", parent=host, country="CN")
    for number in range(3):
        make_organization(
            slug=f"chinese-{number}", name_en=f"Chinese University {number}", country="CN"
        )
    make_organization(slug="astana", name_en="Astana University", country="KZ")
    make_organization(slug="singapore", name_en="Singapore University", country="SG")
    make_organization(slug="aturc", kind="association", name_en="Association")


def test_the_map_links_each_partner_country_to_its_partners_and_the_table_says_the_same(
    client, partners_abroad
):
    response = client.get(MAP.format(lang="en"))
    assert response.status_code == 200
    page = links_of(response.text)
    assert page.map_links == [
        ("China: 3 partners", "/en/partners/?country=CN"),
        ("Kazakhstan: 1 partner", "/en/partners/?country=KZ"),
        ("Singapore: 1 partner", "/en/partners/?country=SG"),
    ]
    assert page.rows == [
        ("Country", "Partners"),
        ("/en/partners/?country=CN", "China", "3"),
        ("/en/partners/?country=KZ", "Kazakhstan", "1"),
        ("/en/partners/?country=SG", "Singapore", "1"),
    ]
    # Russia has only the host university, not a partner: plain land, no link.
    assert "?country=RU" not in response.text
    assert page.focusable_shapes == 0
    assert "1 partner has no country recorded" in response.text
    html = response.text
    svg = html[html.index('<svg class="world-map"') : html.index("<title id=")]
    assert 'role="group"' in svg
    assert 'aria-labelledby="map-title" aria-describedby="map-description"' in svg
    assert '<title id="map-title">' in html and '<desc id="map-description">' in html


@pytest.mark.parametrize(
    ("lang", "china", "kazakhstan"),
    [
        ("en", "China", "Kazakhstan"),
        ("ru", "Китай", "Казахстан"),
        ("zh-hans", "中国", "哈萨克斯坦"),
    ],
)
def test_countries_are_named_in_the_pages_language(
    client, partners_abroad, lang, china, kazakhstan
):
    page = links_of(client.get(MAP.format(lang=lang)).text)
    assert [row[1:] for row in page.rows[1:3]] == [(china, "3"), (kazakhstan, "1")]
    assert page.map_links[0][0].startswith(f"{china}")
    assert page.map_links[0][1] == f"/{lang}/partners/?country=CN"


def test_a_map_link_leads_to_the_partners_in_that_country(client, partners_abroad):
    response = client.get("/en/partners/?country=CN")
    listed = [organization.slug for organization in response.context["object_list"]]
    assert listed == ["chinese-0", "chinese-1", "chinese-2"]
    assert "<h1>Partners in China</h1>" in response.text
    assert "3 partners." in response.text
    # The host university's office in China is ours: neither listed nor counted.
    assert "shanghai-office" not in response.text
    assert 'href="/en/partners/map/"' in response.text


def test_the_partners_list_leads_to_the_map_and_ignores_an_unknown_country(client, partners_abroad):
    for query in ["", "?country=XX", "?country=cn", "?country=%3Cscript%3E"]:
        response = client.get(f"/en/partners/{query}")
        assert response.status_code == 200
        assert len(response.context["object_list"]) == 6, query
        assert '<a href="/en/partners/map/">Partners on the map</a>' in response.text
        assert "<script>" not in response.text.split("</head>")[1]


def test_a_country_with_no_partners_says_so(client, partners_abroad):
    response = client.get("/en/partners/?country=FR")
    assert list(response.context["object_list"]) == []
    assert "No partners in this country." in response.text
    assert "No partners yet." not in response.text


def test_each_country_is_its_own_cached_page(client, partners_abroad):
    """The list reads ?country= (query_parameters): the page cache must not serve China's
    list for Kazakhstan's."""
    assert client.get("/en/partners/?country=CN")["X-Page-Cache"] == "miss"
    kazakhstan = client.get("/en/partners/?country=KZ")
    assert kazakhstan["X-Page-Cache"] == "miss"
    assert "Astana University" in kazakhstan.text and "Chinese University" not in kazakhstan.text
    assert client.get("/en/partners/?country=CN")["X-Page-Cache"] == "hit"


def test_the_map_changes_when_organisations_change(client, partners_abroad):
    from partners.models import Organization

    url = MAP.format(lang="en")
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    make_organization(country="MN")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert 'aria-label="Mongolia: 1 partner"' in response.text
    Organization.objects.get(slug="astana").delete()
    assert "Kazakhstan" not in client.get(url).text


def test_a_country_the_outline_lacks_is_in_the_table_only(client, db):
    """No invisible link for the keyboard to land on: Tuvalu is too small for the outline."""
    assert "TV" not in outline()["countries"] and "TV" not in outline()["points"]
    make_organization(country="TV")
    page = links_of(client.get(MAP.format(lang="en")).text)
    assert page.map_links == []
    assert page.rows[1:] == [("/en/partners/?country=TV", "Tuvalu", "1")]


def test_the_map_without_partners_is_the_plain_world(client, db):
    response = client.get(MAP.format(lang="en"))
    assert response.status_code == 200
    assert "No partners yet." in response.text
    assert links_of(response.text).map_links == []
    svg = response.text[response.text.index('<svg class="world-map"') :]
    svg = svg[: svg.index("</svg>")]
    assert svg.count("<path") == 1  # all the land, in one path
    assert "map-legend" not in response.text


def test_names_on_the_filtered_list_are_escaped_and_the_map_shows_none(client, db):
    make_organization(name_en="<script>alert('x')</script> University", country="CN")
    listed = client.get("/en/partners/?country=CN").text
    assert "<script>alert" not in listed
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; University" in listed
    assert "alert" not in client.get(MAP.format(lang="en")).text


@pytest.mark.parametrize("count", [1, 50])
def test_the_map_and_a_countrys_list_cost_a_fixed_number_of_queries(
    client, db, django_assert_max_num_queries, count
):
    codes = [code for code in outline()["countries"] if code != "CN"][:count]
    for number in range(count):
        make_organization(country=codes[number % len(codes)])
        make_organization(country="CN")
    # The map: one query, counting partners by country; and the site's menus, read once
    # per content generation (this is the first page after a change).
    with django_assert_max_num_queries(2):
        response = client.get(MAP.format(lang="ru"))
    assert response.status_code == 200
    assert len(links_of(response.text).map_links) == len(set(codes) | {"CN"})
    # A country's partners: one query (the host university is shown on the whole list only).
    with django_assert_max_num_queries(1):
        response = client.get("/en/partners/?country=CN")
    assert len(response.context["object_list"]) == count


def test_the_map_page_is_small(client, db):
    """The whole world inline: some 65 KB of HTML, 20 KB as sent (gzip)."""
    for code in ["CN", "KZ", "MN", "DE", "FR", "US", "BR", "IN", "SG", "VN"]:
        make_organization(country=code)
    html = client.get(MAP.format(lang="zh-hans")).content
    assert len(html) < 150_000
    assert len(gzip.compress(html)) < 40_000

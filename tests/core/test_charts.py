"""Bar charts drawn on the server: well-formed SVG, bars in proportion, every number
written beside its bar, names escaped."""

import xml.etree.ElementTree as ET

from intloffice.core.charts import PLOT_WIDTH, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def draw(categories, series, title="Visits by country"):
    svg = bar_chart(categories, series, title=title, description="Visits in and out in 2025.")
    return svg, ET.fromstring(svg)


def bars(root):
    # The legend's swatches are 12 px squares; the bars are the rest.
    return [r for r in root.iter(f"{SVG}rect") if r.get("height") != "12"]


def test_bars_are_in_proportion_and_carry_their_numbers():
    svg, root = draw(["China", "Russia"], [("Visits in", [4, 2]), ("Visits out", [1, 0])])
    widths = [float(bar.get("width")) for bar in bars(root)]
    assert widths == [PLOT_WIDTH, PLOT_WIDTH / 4, PLOT_WIDTH / 2, 0]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["Visits in", "Visits out", "China", "4", "1", "Russia", "2", "0"]
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").text == "Visits in and out in 2025."
    assert desc_id.endswith("-desc")


def test_the_same_chart_is_drawn_the_same_way_every_time():
    first, _root = draw(["China"], [("Visits in", [1])])
    again, _root = draw(["China"], [("Visits in", [1])])
    other, _root = draw(["China"], [("Visits in", [1])], title="Agreements")
    assert first == again
    assert first.split('aria-labelledby="')[1][:17] != other.split('aria-labelledby="')[1][:17]


def test_names_are_escaped():
    svg, root = draw(["<script>alert(1)</script>"], [("A & B", [1])], title="<b>")
    assert "<script>" not in svg and "<b>" not in svg
    assert [t.text for t in root.iter(f"{SVG}text")][:2] == ["A & B", "<script>alert(1)</script>"]


def test_no_data_draws_an_empty_chart_not_an_error():
    _svg, root = draw([], [("Visits in", [])])
    assert bars(root) == []
    _svg, root = draw(["China"], [("Visits in", [0])])
    assert [bar.get("width") for bar in bars(root)] == ["0"]

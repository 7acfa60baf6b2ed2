"""Bar charts drawn on the server as inline SVG: no script, no CDN, readable offline and in
print. A chart is a picture of a table the page shows beside it (the table is what a
screen reader reads); the SVG is named by its title and description.

Each bar carries its number as text, so no reader has to tell colours apart to read it.
"""

import zlib

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# Colours of the series, each at least 3:1 against white (WCAG 1.4.11 for graphics).
PALETTE = ("#0b3a66", "#a6192e", "#2e6b30", "#8a4b00", "#5b3f99", "#00626b")
BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_GAP = 12
PLOT_WIDTH = 440
VALUE_ROOM = 44  # after the longest bar, for its number
LEGEND_HEIGHT = 24
CHARACTER_WIDTH = 7  # of the 12 px label font, roughly; wide (CJK) characters count twice


def text_width(text: str) -> int:
    return sum(CHARACTER_WIDTH * (2 if ord(char) > 0x2E80 else 1) for char in text)


def bar_chart(
    categories: list[str], series: list[tuple[str, list[int]]], *, title: str, description: str
) -> SafeString:
    """A horizontal grouped bar chart: one group of bars per category (a country), one bar
    per series (visits in, visits out, …) in the series' colour, its number at its end."""
    label_width = min(max([text_width(c) for c in categories] or [0]) + 12, 240)
    largest = max([value for _name, values in series for value in values] or [0])
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + GROUP_GAP
    width = label_width + PLOT_WIDTH + VALUE_ROOM
    height = LEGEND_HEIGHT + max(len(categories), 1) * group_height

    legend, x = [], 0
    for index, (name, _values) in enumerate(series):
        legend.append(
            format_html(
                '<rect x="{}" y="4" width="12" height="12" fill="{}"/>'
                '<text x="{}" y="14">{}</text>',
                x,
                PALETTE[index % len(PALETTE)],
                x + 16,
                name,
            )
        )
        x += 16 + text_width(name) + 18

    groups = []
    for row, category in enumerate(categories):
        top = LEGEND_HEIGHT + row * group_height
        middle = top + (group_height - GROUP_GAP) / 2
        parts = [
            format_html(
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
                label_width - 8,
                round(middle, 1),
                category,
            )
        ]
        for index, (_name, values) in enumerate(series):
            value = values[row]
            bar = round(PLOT_WIDTH * value / largest, 1) if largest else 0
            y = top + index * (BAR_HEIGHT + BAR_GAP)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                    '<text x="{}" y="{}" dominant-baseline="middle">{}</text>',
                    label_width,
                    y,
                    bar,
                    BAR_HEIGHT,
                    PALETTE[index % len(PALETTE)],
                    round(label_width + bar + 4, 1),
                    y + BAR_HEIGHT / 2,
                    value,
                )
            )
        groups.append(mark_safe("".join(parts)))  # noqa: S308 - each part built by format_html

    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'width="{}" height="{}" role="img" aria-labelledby="{} {}" font-size="12" '
        'font-family="inherit" fill="#1a1a1a">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>'
        '<g class="chart-legend">{}</g>{}</svg>',
        width,
        height,
        width,
        height,
        chart_id(title, "title"),
        chart_id(title, "desc"),
        chart_id(title, "title"),
        title,
        chart_id(title, "desc"),
        description,
        mark_safe("".join(legend)),  # noqa: S308 - built by format_html above
        format_html_join("", "<g>{}</g>", ((group,) for group in groups)),
    )


def chart_id(title: str, part: str) -> str:
    """An id for the chart's title or description: the same for the same title in every
    process (a page's ETag must not change between workers), distinct between charts."""
    return f"chart-{zlib.crc32(title.encode()):08x}-{part}"

"""Make partners/data/world.json, the outline of the partner map, from world-atlas TopoJSON.

Run once, when the outline should change (a newer world-atlas, another simplification):

    npm install --prefix /tmp/world-atlas world-atlas@2.0.2
    .venv/bin/python tools/make_world_map.py \
        /tmp/world-atlas/node_modules/world-atlas/countries-50m.json

and commit the result: the site reads the JSON and never this script, nor npm.

world-atlas (ISC licence, Mike Bostock) is Natural Earth's Admin 0 countries (public domain)
as TopoJSON in longitude and latitude. This script decodes its arcs, projects them with the
Equal Earth projection, simplifies each arc (Douglas-Peucker, a border shared by two
countries the same way for both, so no gaps open between them), rounds them to whole units
of the drawing, and writes one SVG path per country, keyed by its ISO 3166-1 alpha-2 code
(world-atlas names countries by their numeric code; django_countries' tables translate).
Antarctica is left out: no partner is there, and it would take a fifth of the height.
Territories without an ISO code (Kosovo, Northern Cyprus, Somaliland...) are drawn as land
that no partner can be in.
"""

import argparse
import json
import math
import sys
from pathlib import Path

from django_countries.data import ALT_CODES

REPOSITORY = Path(__file__).resolve().parents[1]
OUTPUT = REPOSITORY / "partners" / "data" / "world.json"

WIDTH = 1000  # units of the drawing across, from 180°W to 180°E
TOLERANCE = 0.3  # how far (in those units) a simplified border may stray from the original
# A country smaller than this across (Singapore, Malta, Bahrain) also gets a point, where
# the page draws a dot a reader can see and click.
SMALL = 8
LEFT_OUT = {"010"}  # Antarctica
SOURCE = (
    "world-atlas 2.0.2 (https://github.com/topojson/world-atlas, ISC licence), "
    "made from Natural Earth 4.1.0 Admin 0 countries, 1:50m "
    "(https://www.naturalearthdata.com/, public domain)"
)

# Equal Earth (Šavrič, Patterson and Jenny, 2018): areas true, shapes familiar.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """(x, y) of a point in degrees, y growing northwards, x in [-2.7, 2.7]."""
    theta = math.asin(M * math.sin(math.radians(latitude)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        math.radians(longitude)
        * math.cos(theta)
        / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    )
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


X_LIMIT = equal_earth(180, 0)[0]
SCALE = WIDTH / (2 * X_LIMIT)


def projected(longitude: float, latitude: float) -> tuple[float, float]:
    """A point in drawing units: x from 0 (180°W) to WIDTH (180°E), y downwards."""
    x, y = equal_earth(longitude, latitude)
    return (x + X_LIMIT) * SCALE, -y * SCALE


def unwrapped(longitude: float, previous: float) -> float:
    """The longitude moved by whole turns to within 180° of the previous one, so that a
    line crossing the antimeridian (179°E to 179°W) is two degrees long, not 358."""
    while longitude - previous > 180:
        longitude -= 360
    while longitude - previous < -180:
        longitude += 360
    return longitude


def decoded_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Each arc as (longitude, latitude) points, the longitudes made continuous."""
    (kx, ky), (dx, dy) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for step_x, step_y in arc:
            x, y = x + step_x, y + step_y
            longitude = x * kx + dx
            if points:
                longitude = unwrapped(longitude, points[-1][0])
            points.append((longitude, y * ky + dy))
        arcs.append(points)
    return arcs


def simplified(points: list, tolerance: float) -> list:
    """Douglas-Peucker on the projected arc, keeping both ends (where it meets the next
    border); the points kept are returned as they came, in degrees."""
    if len(points) < 3:
        return points
    flat = [projected(*point) for point in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = flat[first], flat[last]
        length = math.hypot(x2 - x1, y2 - y1)
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = flat[index]
            if length:
                d = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length
            else:
                d = math.hypot(x - x1, y - y1)
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def joined(ring: list[int], arcs: list) -> list[tuple[float, float]]:
    """A ring's arcs joined (a negative index is the arc reversed), in degrees, the
    longitudes continuous along the whole ring."""
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        for longitude, latitude in arc:
            if points:
                longitude = unwrapped(longitude, points[-1][0])
            points.append((longitude, latitude))
    return points


def clipped(points: list, meridian: float, east: bool) -> list:
    """The part of a ring east (or west) of a meridian (Sutherland-Hodgman)."""

    def inside(point):
        return point[0] >= meridian if east else point[0] <= meridian

    result = []
    for index, current in enumerate(points):
        previous = points[index - 1]
        if inside(current) != inside(previous):
            share = (meridian - previous[0]) / (current[0] - previous[0])
            result.append((meridian, previous[1] + share * (current[1] - previous[1])))
        if inside(current):
            result.append(current)
    return result


def on_the_map(points: list) -> list[list]:
    """A ring as one or two rings within 180°W..180°E: one crossing the antimeridian
    (Chukotka, Fiji) is cut there, and the part beyond it drawn at the other edge."""
    if not points:
        return []
    turns = round(sum(lon for lon, _lat in points) / len(points) / 360)
    points = [(lon - 360 * turns, lat) for lon, lat in points]
    if max(lon for lon, _lat in points) > 180:
        beyond = clipped(points, 180, east=True)
        return [clipped(points, 180, east=False), [(lon - 360, lat) for lon, lat in beyond]]
    if min(lon for lon, _lat in points) < -180:
        beyond = clipped(points, -180, east=False)
        return [clipped(points, -180, east=True), [(lon + 360, lat) for lon, lat in beyond]]
    return [points]


def drawn(points: list, rounded: bool = True) -> list[tuple]:
    """A ring in degrees as points of the drawing, rounded, without repeats."""
    result = []
    for longitude, latitude in points:
        x, y = projected(longitude, latitude)
        point = (round(x), round(y)) if rounded else (x, y)
        if not result or result[-1] != point:
            result.append(point)
    if len(result) > 1 and result[0] == result[-1]:
        result.pop()
    return result


def path_data(rings: list[list[tuple[int, int]]]) -> str:
    """Rings as compact SVG path data: an absolute start, then relative steps."""
    parts = []
    for points in rings:
        (x, y), steps = points[0], []
        for nx, ny in points[1:]:
            steps.append(f"{nx - x} {ny - y}".replace(" -", "-"))
            x, y = nx, ny
        parts.append(f"M{points[0][0]} {points[0][1]}l" + " ".join(steps).replace(" -", "-") + "z")
    return "".join(parts)


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def bounds(points) -> tuple[float, float, float, float]:
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def centre_if_small(rings: list) -> tuple[float, float] | None:
    """The centre of a country's largest ring when that ring is small, else None."""
    boxes = [bounds(ring) for ring in rings if ring]
    left, top, right, bottom = max(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    if max(right - left, bottom - top) >= SMALL:
        return None
    return ((left + right) / 2, (top + bottom) / 2)


def world_map(topology: dict, tolerance: float = TOLERANCE) -> dict:
    exact = decoded_arcs(topology)
    arcs = [simplified(arc, tolerance) for arc in exact]
    alpha2 = {numeric: code for code, (_alpha3, numeric) in ALT_CODES.items() if numeric}
    countries: dict[str, list] = {}
    exact_rings: dict[str, list] = {}
    other: list = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        number = geometry.get("id")
        if number in LEFT_OUT:
            continue
        rings = [
            shape
            for polygon in polygons(geometry)
            for ring in polygon
            for part in on_the_map(joined(ring, arcs))
            # A ring simplified to fewer than three points encloses nothing visible.
            if len(shape := drawn(part)) >= 3
        ]
        code = alpha2.get(int(number)) if number else None
        if not code:
            other.extend(rings)
            continue
        countries.setdefault(code, []).extend(rings)
        exact_rings.setdefault(code, []).extend(
            drawn(part, rounded=False)
            for polygon in polygons(geometry)
            for ring in polygon
            for part in on_the_map(joined(ring, exact))
        )
    points = {
        code: centre for code, rings in exact_rings.items() if (centre := centre_if_small(rings))
    }
    # The drawing starts at its northernmost point: y runs from 0 to the height.
    everything = [p for rings in (*countries.values(), other) for ring in rings for p in ring]
    _left, top, _right, bottom = bounds(everything)

    def shift(rings):
        return [[(x, y - top) for x, y in ring] for ring in rings]

    return {
        "source": SOURCE,
        "projection": "Equal Earth",
        "width": WIDTH,
        "height": bottom - top,
        "countries": {
            code: path_data(shift(rings)) for code, rings in sorted(countries.items()) if rings
        },
        # Where the page draws a dot for a small country, drawn or too small to draw.
        "points": {code: [round(x), round(y - top)] for code, (x, y) in sorted(points.items())},
        "other": path_data(shift(other)),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("topology", type=Path, help="world-atlas countries-50m.json")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    arguments = parser.parse_args(argv)
    try:
        topology = json.loads(arguments.topology.read_text())
    except (OSError, ValueError) as error:
        print(f"{arguments.topology}: {error}", file=sys.stderr)
        return 1
    result = world_map(topology, arguments.tolerance)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(result, ensure_ascii=False, indent=0) + "\n")
    size = arguments.output.stat().st_size
    print(f"{arguments.output}: {len(result['countries'])} countries, {size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

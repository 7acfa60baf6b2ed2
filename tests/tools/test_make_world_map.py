"""tools/make_world_map.py: TopoJSON arcs in, SVG paths by ISO alpha-2 code out."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "make_world_map.py"


@pytest.fixture(scope="module")
def maker():
    spec = importlib.util.spec_from_file_location("make_world_map", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def topology(geometries, arcs):
    """A TopoJSON topology in whole degrees (scale 1, no shift), arcs delta-encoded."""
    encoded = []
    for arc in arcs:
        steps, (x, y) = [], (0, 0)
        for px, py in arc:
            steps.append([px - x, py - y])
            x, y = px, py
        encoded.append(steps)
    return {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": encoded,
        "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries}},
    }


SQUARE = [(10, 10), (30, 10), (30, 30), (10, 30), (10, 10)]
CROSSING = [(170, 60), (-170, 60), (-170, 70), (170, 70), (170, 60)]
SOUTH_POLE = [(-180, -80), (180, -80), (180, -90), (-180, -90), (-180, -80)]
SPECK = [(100, 1), (100, 1.05), (100.05, 1.05), (100, 1)]


def test_countries_are_keyed_by_alpha_2_and_antarctica_is_left_out(maker):
    world = maker.world_map(
        topology(
            [
                {"type": "Polygon", "id": "156", "arcs": [[0]]},  # China
                {"type": "Polygon", "id": "010", "arcs": [[1]]},  # Antarctica
                {"type": "Polygon", "arcs": [[2]], "properties": {"name": "Kosovo"}},
                {"type": "Polygon", "id": "702", "arcs": [[3]]},  # Singapore
            ],
            [SQUARE, SOUTH_POLE, [(x + 40, y) for x, y in SQUARE], SPECK],
        )
    )
    assert set(world["countries"]) == {"CN"}  # Singapore is too small to draw...
    assert set(world["points"]) == {"SG"}  # ...so it is a dot
    assert world["countries"]["CN"].startswith("M") and world["countries"]["CN"].endswith("z")
    assert world["other"].count("M") == 1  # Kosovo: land without a code
    # The drawing runs from the northernmost point drawn (30°N) to the southernmost (10°N):
    # Antarctica takes no room.
    north, south = maker.projected(10, 30)[1], maker.projected(10, 10)[1]
    assert world["height"] == round(south) - round(north)


def xs_of(ring: str) -> list[int]:
    """The x of every point of one ring of path data ("10 20l5 0 0-10z")."""
    start, steps = ring.rstrip("z").split("l")
    x = int(start.split()[0])
    xs = [x]
    numbers = [int(n) for n in re.findall(r"-?\d+", steps)]
    for dx in numbers[::2]:
        x += dx
        xs.append(x)
    return xs


def test_a_country_across_the_antimeridian_is_cut_there(maker):
    world = maker.world_map(topology([{"type": "Polygon", "id": "643", "arcs": [[0]]}], [CROSSING]))
    path = world["countries"]["RU"]
    assert path.count("M") == 2  # one part at each edge of the map
    # 180°..170°W at the left edge, 170°E..180° at the right, no line across the world.
    west, east = sorted(xs_of(part) for part in path.split("M")[1:])

    def xs(*longitudes):
        return {round(maker.projected(lon, lat)[0]) for lon in longitudes for lat in (60, 70)}

    assert set(west) == xs(-180, -170) and set(east) == xs(170, 180)


def test_path_data_is_compact_and_relative(maker):
    assert maker.path_data([[(10, 20), (15, 20), (15, 10)]]) == "M10 20l5 0 0-10z"


def test_the_script_writes_json_and_refuses_a_bad_file_in_one_line(maker, tmp_path, capsys):
    source = tmp_path / "world.json"
    source.write_text(
        json.dumps(topology([{"type": "Polygon", "id": "398", "arcs": [[0]]}], [SQUARE]))
    )
    output = tmp_path / "out.json"
    assert maker.main([str(source), "--output", str(output)]) == 0
    assert set(json.loads(output.read_text())["countries"]) == {"KZ"}
    (tmp_path / "bad.json").write_text("{")
    assert maker.main([str(tmp_path / "bad.json"), "--output", str(output)]) == 1
    assert capsys.readouterr().err.count("\n") == 1

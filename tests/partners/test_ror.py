"""Organisations from ROR records (partners/ror.py, manage.py import_ror): created, completed
without overwriting what staff wrote, idempotent, and all or nothing on a bad file."""

import copy
import json
import logging
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from partners.models import Organization, OrganizationName
from partners.ror import RorError, parse_record, read_records
from tests.factories import make_organization

DATA = Path(__file__).parent / "data" / "ror"
XJTU = DATA / "017zhmm22.json"
HIT = DATA / "01yqg2h08.json"


def record(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def written(tmp_path, data, name="record.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def import_ror(*paths) -> str:
    out = StringIO()
    call_command("import_ror", *map(str, paths), stdout=out)
    return out.getvalue()


def snapshot() -> list:
    """Everything an import may write, to compare before and after."""
    organizations = list(Organization.objects.order_by("pk").values())
    names = list(OrganizationName.objects.order_by("pk").values())
    return [organizations, names]


# Reading


def test_a_real_record_is_read_with_its_names_identifiers_and_place():
    xjtu = parse_record(record(XJTU))
    assert xjtu.ror_id == "https://ror.org/017zhmm22"
    assert xjtu.name("en") == "Xi'an Jiaotong University"
    assert xjtu.short_name() == "XJTU"
    assert [(n.value, n.kind) for n in xjtu.names if "alias" in n.types] == [
        ("Xi'an Jiao Tong University", "alias")
    ]
    assert (xjtu.website, xjtu.country, xjtu.city) == ("http://en.xjtu.edu.cn/", "CN", "Xi'an")
    assert (xjtu.wikidata_id, xjtu.kind) == ("Q981237", "university")
    assert xjtu.all_domains() == {"en.xjtu.edu.cn"}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "holds no ROR record"),
        ("[1]", "record 1: not a ROR record"),
        ('"text"', "not a ROR record"),
        ('{"id": "https://ror.org/017zhmm22", "name": "Old"}', "a ROR schema v1 record"),
        ('{"id": "https://ror.org/017zhmm22"}', "not a ROR v2 record"),
        ("{not json", "is not JSON (Expecting property name"),
    ],
)
def test_what_is_not_a_ror_v2_record_is_refused_with_a_reason(tmp_path, data, reason):
    path = written(tmp_path, data if isinstance(data, str) else json.dumps(data))
    with pytest.raises(RorError, match=reason.replace("(", r"\(")):
        read_records(path)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": "https://ror.org/017zhmm23"}, "its id 'https://ror.org/017zhmm23' is not a ROR"),
        ({"names": "Xi'an"}, "its names is not a list"),
        ({"names": [{"value": "XJTU", "types": ["acronym"]}]}, "no name of type ror_display"),
        ({"status": "withdrawn"}, "is withdrawn from ROR"),
        (
            {"external_ids": [{"type": "wikidata", "all": ["P31"], "preferred": None}]},
            "its Wikidata ID 'P31' is not one",
        ),
    ],
)
def test_a_damaged_record_is_refused_with_a_reason(change, reason):
    with pytest.raises(RorError, match=reason):
        parse_record({**record(XJTU), **change})


# Creating


def test_a_record_creates_an_organisation_with_everything_it_has(db, caplog):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    output = import_ror(XJTU)
    xjtu = Organization.objects.get()
    assert (xjtu.slug, xjtu.kind, xjtu.name_en, xjtu.short_name_en) == (
        "xjtu",
        "university",
        "Xi'an Jiaotong University",
        "XJTU",
    )
    assert (xjtu.ror_id, xjtu.wikidata_id) == ("https://ror.org/017zhmm22", "Q981237")
    assert (xjtu.country.code, xjtu.city_en, xjtu.website) == (
        "CN",
        "Xi'an",
        "http://en.xjtu.edu.cn/",
    )
    assert list(xjtu.names.values_list("kind", "language", "value")) == [
        ("alias", "", "Xi'an Jiao Tong University")
    ]
    # Written into the column search and mention linking read.
    assert xjtu.aliases == "Xi'an Jiao Tong University"
    assert "created xjtu (https://ror.org/017zhmm22)" in output
    assert "Created 1, updated 0, unchanged 0." in output
    assert f"add organisation {xjtu.pk} 'XJTU' (from ROR https://ror.org/017zhmm22)" in caplog.text


def test_the_same_file_imported_again_changes_nothing(db):
    import_ror(XJTU, HIT)
    before = snapshot()
    output = import_ror(XJTU, HIT, XJTU)
    assert snapshot() == before
    assert Organization.objects.count() == 2
    assert "unchanged xjtu (https://ror.org/017zhmm22)" in output
    assert "Created 0, updated 0, unchanged 3." in output


def test_labels_in_the_sites_languages_become_its_names_the_rest_other_names(db, tmp_path):
    data = record(HIT)
    data["names"] += [
        {"value": "Харбинский политехнический университет", "types": ["label"], "lang": "ru"},
        {"value": "哈尔滨工业大学", "types": ["label"], "lang": "zh"},
        {"value": "哈工大", "types": ["acronym"], "lang": "zh"},
        {"value": "Technische Hochschule Harbin", "types": ["label"], "lang": "de"},
    ]
    import_ror(written(tmp_path, data))
    hit = Organization.objects.get()
    assert (hit.name_en, hit.name_ru, hit.name_zh_hans) == (
        "Harbin Institute of Technology",
        "Харбинский политехнический университет",
        "哈尔滨工业大学",
    )
    assert hit.short_name_en == "HIT"
    assert sorted(hit.names.values_list("kind", "language", "value")) == [
        ("acronym", "zh-hans", "哈工大"),
        # German is not a language of this site: the name is kept for any language.
        ("label", "", "Technische Hochschule Harbin"),
    ]


# Completing what is here


def test_a_record_completes_the_organisation_with_its_website_and_keeps_what_staff_wrote(
    db, tmp_path
):
    hit = make_organization(
        slug="hit",
        name_en="Harbin Tech",
        website="https://en.hit.edu.cn/",
        country="RU",
        kind="association",
    )
    output = import_ror(HIT)
    hit.refresh_from_db()
    assert Organization.objects.count() == 1
    assert (hit.ror_id, hit.wikidata_id, hit.short_name_en, hit.city_en) == (
        "https://ror.org/01yqg2h08",
        "Q632558",
        "HIT",
        "Harbin",
    )
    # Staff's name, country and kind are kept; ROR's name is one of the other names.
    assert (hit.name_en, hit.country.code, hit.kind) == ("Harbin Tech", "RU", "association")
    assert list(hit.names.values_list("kind", "language", "value")) == [
        ("label", "en", "Harbin Institute of Technology")
    ]
    assert "updated hit (https://ror.org/01yqg2h08): ror_id, short_name_en" in output
    assert "  kept name_en 'Harbin Tech' (ROR: 'Harbin Institute of Technology')" in output
    assert "  kept country 'RU' (ROR: 'CN')" in output
    assert "  kept kind 'association' (ROR: education)" in output
    # And so, once more, nothing changes.
    before = snapshot()
    assert "unchanged hit" in import_ror(HIT)
    assert snapshot() == before


def test_a_record_matches_by_wikidata_id_or_schac_code(db):
    by_wikidata = make_organization(slug="xjtu-here", wikidata_id="Q981237")
    by_schac = make_organization(slug="hit-here", schac_code="en.hit.edu.cn")
    import_ror(XJTU, HIT)
    assert Organization.objects.count() == 2
    by_wikidata.refresh_from_db()
    by_schac.refresh_from_db()
    assert by_wikidata.ror_id == "https://ror.org/017zhmm22"
    assert by_schac.ror_id == "https://ror.org/01yqg2h08"
    assert by_wikidata.parent is None and by_schac.parent is None  # no parent in ROR


def test_an_organisation_with_another_ror_id_is_another_organisation(db):
    other = make_organization(
        slug="other", ror_id="https://ror.org/02x91aj62", website="http://en.xjtu.edu.cn/"
    )
    import_ror(XJTU)
    assert Organization.objects.count() == 2
    other.refresh_from_db()
    assert other.ror_id == "https://ror.org/02x91aj62"


def test_a_wikidata_id_another_organisation_has_is_left_out(db):
    make_organization(slug="holder", wikidata_id="Q981237", ror_id="https://ror.org/02x91aj62")
    output = import_ror(XJTU)
    assert Organization.objects.get(slug="xjtu").wikidata_id is None
    assert "  left out Wikidata ID Q981237: it is holder's" in output


def test_a_parent_in_ror_becomes_the_parent_here(db, tmp_path):
    university = make_organization(slug="hit", ror_id="https://ror.org/01yqg2h08")
    campus = record(XJTU)
    campus["relationships"] = [
        {"type": "parent", "id": "https://ror.org/01yqg2h08", "label": "HIT"}
    ]
    import_ror(written(tmp_path, campus))
    assert Organization.objects.get(slug="xjtu").parent == university


# Bad files: a one-line error naming the file, and nothing written


def test_a_bad_file_among_good_ones_writes_nothing(db, tmp_path):
    bad = written(tmp_path, "{not json", "bad.json")
    with pytest.raises(CommandError) as refused:
        import_ror(XJTU, bad, HIT)
    message = str(refused.value)
    assert message.startswith(f"{bad}: is not JSON (") and "\n" not in message
    assert message.endswith("Nothing was imported.")
    assert not Organization.objects.exists()


def test_a_record_refused_while_writing_undoes_the_others(db, tmp_path):
    make_organization(slug="one", website="http://en.hit.edu.cn/")
    make_organization(slug="two", schac_code="en.hit.edu.cn")
    before = snapshot()
    with pytest.raises(CommandError, match=r"01yqg2h08\.json: its domain is that of several"):
        import_ror(XJTU, HIT)
    assert snapshot() == before  # XJTU, imported first, was undone


def test_a_record_of_a_type_without_a_kind_here_is_not_created(db, tmp_path):
    facility = {**record(XJTU), "types": ["facility"]}
    path = written(tmp_path, facility)
    with pytest.raises(CommandError, match="of ROR type facility, which has no kind here"):
        import_ror(path)
    # Added in the admin with its ROR ID, it is then completed.
    make_organization(slug="centre", kind="office", ror_id="https://ror.org/017zhmm22")
    assert "updated centre" in import_ror(path)


@pytest.mark.parametrize("name", ["missing.json", "."])
def test_a_file_that_cannot_be_read_is_one_line(db, tmp_path, name):
    with pytest.raises(CommandError, match=r"cannot be read \(") as refused:
        import_ror(tmp_path / name)
    assert "\n" not in str(refused.value)


def test_a_file_that_is_not_utf8(db, tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"names": "Xi’an"}'.encode("cp1252"))
    with pytest.raises(CommandError, match="latin1.json: is not UTF-8 text"):
        import_ror(path)


def test_the_data_dump_layout_a_list_of_records_is_read(db, tmp_path):
    dump = written(tmp_path, [record(XJTU), record(HIT)])
    assert "Created 2, updated 0, unchanged 0." in import_ror(dump)
    broken = copy.deepcopy([record(XJTU), record(HIT)])
    broken[1]["names"] = []
    with pytest.raises(CommandError, match=r"record 2: it has no name of type ror_display"):
        import_ror(written(tmp_path, broken, "broken.json"))

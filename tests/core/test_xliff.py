"""XLIFF 2.0 export and import (intloffice/core/xliff.py): what a translator's tool receives,
what comes back, and every file that cannot be trusted refused with one line."""

import xml.etree.ElementTree as ET

import pytest

from intloffice.core.xliff import NAMESPACE, Parsed, Unit, XliffError, bcp47, build, parse

NS = {"x": NAMESPACE, "mda": "urn:oasis:names:tc:xliff:metadata:2.0"}
BODY = (
    '<p>The <a href="/partners/aturc/" title="A &amp; B">ATURC</a> summit &lt;2026&gt;.</p>'
    "\n<p>Second  paragraph</p>"
)
UNITS = [
    Unit("news.article", "12", "title", "ATURC summit", "Саммит АТУРК", "d-title"),
    Unit("news.article", "12", "body", BODY, "", "d-body"),
    Unit("partners.organization", "3", "name", "Association", "中俄工科大学联盟", "d-name"),
]


def translated(data: bytes, targets: dict[str, str]) -> bytes:
    """The file as a translator's tool gives it back: targets filled, segments state-marked."""
    root = ET.fromstring(data)
    for unit in root.iter(f"{{{NAMESPACE}}}unit"):
        if unit.get("id") in targets:
            segment = unit.find("x:segment", NS)
            segment.find("x:target", NS).text = targets[unit.get("id")]
            segment.set("state", "translated")
    ET.register_namespace("", NAMESPACE)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def test_units_round_trip_with_russian_chinese_and_html_as_they_were():
    data = build(UNITS, "en", "ru")
    assert parse(data) == Parsed("en", "ru", UNITS)
    russian_body = '<p><a href="/partners/aturc/">АТУРК</a>: саммит «2026» &amp; итоги.</p>'
    back = parse(
        translated(data, {"body": russian_body}), source_language="en", target_language="ru"
    )
    assert back.units[1] == Unit("news.article", "12", "body", BODY, russian_body, "d-body")
    chinese = parse(
        build(
            [Unit("news.article", "1", "body", "<p>代表团</p>", "<p>代表团。</p>")], "ru", "zh-hans"
        )
    )
    assert (chinese.source_language, chinese.target_language) == ("ru", "zh-hans")
    assert chinese.units[0].target == "<p>代表团。</p>"


def test_the_file_is_xliff_2_with_one_file_per_object_and_one_unit_per_field():
    root = ET.fromstring(build(UNITS, "en", "zh-hans"))
    assert root.tag == f"{{{NAMESPACE}}}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == (
        "2.0",
        "en",
        "zh-Hans",
    )
    files = root.findall("x:file", NS)
    assert [len(f.findall("x:unit", NS)) for f in files] == [2, 1]
    assert len({f.get("id") for f in files}) == 2
    meta = {
        m.get("type"): m.text for m in files[0].iterfind("mda:metadata/mda:metaGroup/mda:meta", NS)
    }
    assert meta == {"model": "news.article", "pk": "12"}
    body = files[0].findall("x:unit", NS)[1]
    unit_meta = {
        m.get("type"): m.text for m in body.iterfind("mda:metadata/mda:metaGroup/mda:meta", NS)
    }
    assert unit_meta == {"field": "body", "source-digest": "d-body"}
    segment = body.find("x:segment", NS)
    # The HTML is text to a translator's tool: escaped, not markup of the XLIFF document.
    assert segment.find("x:source", NS).text == BODY and len(segment.find("x:source", NS)) == 0
    assert segment.find("x:target", NS).text is None and segment.get("state") == "initial"
    assert b"&lt;p&gt;The &lt;a href=" in build(UNITS, "en", "ru")


def test_a_unit_split_into_segments_by_a_tool_is_joined_back():
    data = build([Unit("news.article", "1", "body", "One. Two.")], "en", "ru").decode()
    split = data.replace(
        '<segment state="initial">\n        <source xml:space="preserve">One. Two.</source>\n'
        '        <target xml:space="preserve" />\n      </segment>',
        "<segment><source>One.</source><target>Раз.</target></segment>"
        "<ignorable><source> </source></ignorable>"
        "<segment><source>Two.</source><target>Два.</target></segment>",
    )
    assert split != data
    assert parse(split.encode()).units[0].target == "Раз. Два."


def test_bcp47_writes_the_sites_codes_as_xliff_does():
    assert [bcp47(c) for c in ("en", "ru", "zh-hans")] == ["en", "ru", "zh-Hans"]


HEADER = '<?xml version="1.0"?>\n'
XLIFF = '<xliff xmlns="{ns}" version="{version}" srcLang="{src}" trgLang="{trg}">{body}</xliff>'
GOOD_FILE = (
    '<file id="f1"><mda:metadata xmlns:mda="urn:oasis:names:tc:xliff:metadata:2.0">'
    '<mda:metaGroup category="intloffice"><mda:meta type="model">news.article</mda:meta>'
    '<mda:meta type="pk">1</mda:meta></mda:metaGroup></mda:metadata>'
    '<unit id="title"><segment><source>A</source><target>Б</target></segment></unit>{more}</file>'
)


def document(ns=NAMESPACE, version="2.0", src="en", trg="ru", body=None, more=""):
    body = GOOD_FILE.format(more=more) if body is None else body
    return (HEADER + XLIFF.format(ns=ns, version=version, src=src, trg=trg, body=body)).encode()


def test_the_document_helper_makes_a_readable_file():
    assert parse(document()).units == [Unit("news.article", "1", "title", "A", "Б")]


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en"'
    ' trgLang="ru">&c;</xliff>'
)
EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en"'
    ' trgLang="ru">&secret;</xliff>'
)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<xliff", "not well-formed XML (line 1, column 1: unclosed token)"),
        (b"", "not well-formed XML"),
        (b"\xff\xfe<", "not well-formed XML"),
        (BILLION_LAUGHS.encode(), "declares a DTD or entities"),
        (EXTERNAL.encode(), "declares a DTD or entities"),
        (b'<?xml version="1.0"?><!DOCTYPE xliff SYSTEM "http://example.org/x.dtd"><xliff/>', "DTD"),
        (
            document(ns="urn:oasis:names:tc:xliff:document:1.2"),
            "root is in urn:oasis:names:tc:xliff:document:1.2",
        ),
        (b"<xliff/>", "its root is in no namespace"),
        (document(version="1.2"), "XLIFF version '1.2'; 2.0 is read"),
        (document(src="de"), "srcLang 'de' is not a language of this site"),
        (document(trg=""), "trgLang '' is not a language of this site"),
        (document(trg="en"), "source and target languages are the same"),
        (document(body=""), "holds no unit"),
        (
            document(
                body='<file id="f1"><unit id="t"><segment><source>A</source></segment>'
                "</unit></file>"
            ),
            "does not name its object",
        ),
        (
            document(more='<unit id="title"><segment><source>A</source></segment></unit>'),
            "title of news.article 1 is in the file twice",
        ),
        (document(more='<unit id="body"/>'), "body of news.article 1 has no segment"),
        (
            document(more='<unit id="body"><segment><target>X</target></segment></unit>'),
            "without its source",
        ),
        (
            document(
                more='<unit id="body"><segment><source>A<ph id="1"/></source></segment></unit>'
            ),
            "inline markup",
        ),
    ],
)
def test_a_file_that_cannot_be_trusted_is_refused_with_one_line(data, reason):
    with pytest.raises(XliffError) as failure:
        parse(data)
    assert reason in str(failure.value)
    assert "\n" not in str(failure.value)


def test_a_file_in_other_languages_than_expected_is_refused():
    data = build(UNITS, "en", "ru")
    with pytest.raises(XliffError, match="trgLang is ru, not zh-Hans as expected"):
        parse(data, target_language="zh-hans")
    with pytest.raises(XliffError, match="srcLang is en, not ru as expected"):
        parse(data, source_language="ru")


def test_a_language_code_in_other_case_is_the_same_language():
    assert parse(document(src="EN", trg="RU")).target_language == "ru"
    data = build([Unit("news.article", "1", "title", "A")], "en", "zh-hans").replace(
        b"zh-Hans", b"ZH-HANS"
    )
    assert parse(data).target_language == "zh-hans"


@pytest.mark.parametrize(
    ("units", "languages", "reason"),
    [
        ([UNITS[0], UNITS[0]], ("en", "ru"), "The field title of news.article 12 is given twice."),
        (
            [Unit("news.article", "1", "body", "bell \x07")],
            ("en", "ru"),
            "holds a control character",
        ),
        (UNITS, ("en", "de"), "'de' is not a language of this site"),
    ],
)
def test_what_cannot_be_written_is_refused_with_one_line(units, languages, reason):
    with pytest.raises(XliffError, match=reason):
        build(units, *languages)

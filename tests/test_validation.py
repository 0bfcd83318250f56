"""kgraph.validation: the shapes and checks find exactly the planted faults, and nothing in good graphs."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kgraph
from kgraph.errors import SourceTextMismatch
from kgraph.validation import ValidationReport, validate

from .conftest import ARTICLE_TEXT, BUNDLED_TTL, FIXTURES, ROOT, TINY_TEXT, TINY_TTL

FAULTY_TTL = FIXTURES / "faulty.ttl"
SHAPES = ROOT / "src" / "kgraph" / "shapes" / "kgraph-shapes.ttl"
TINY_SHA = "ea86b119152b5dd6f271a84d33c16abf8b407934390c8177b74b2a1c314945ce"

FAULTS = {
    ("bad-day", "date-valid"),
    ("bad-month", "date-valid"),
    ("kgr:betastan", "offsets-ordered"),
    ("kgr:claim-keyless", "claim-description"),
    ("kgr:nameless", "actor-label"),
    ("kgr:source-broken", "source-length"),
    ("kgr:source-broken", "source-sha256"),
    ("kgr:typeless", "actor-type"),
    ("kgr:unnamed-event", "date-valid"),
    ("kgr:unnamed-event", "event-label"),
    ("negative-start", "offsets-valid"),
    ("no-evidence", "claim-evidence"),
    ("no-modality", "claim-modality"),
    ("no-note", "curator-note"),
    ("odd-modality", "claim-modality"),
    ("past-end", "evidence-in-text"),
    ("reversed", "offsets-ordered"),
    ("share-too-big", "share-in-range"),
    ("two-objects", "claim-object"),
    ("unattributed", "reported-attribution"),
    ("wrong-source", "claim-source"),
}
"""(focus, rule) for every fault planted in tests/fixtures/faulty.ttl, each commented there."""

FAULTS_WITH_TEXT = FAULTS | {("blank-span", "evidence-blank")}
"""Whitespace-only spans can be seen only in the real text."""

CHECK_RULES = {"date-valid", "evidence-in-text", "evidence-blank", "source-length"}
"""Rules checked in Python rather than (only) by a shape."""

PREFIXES = """\
@prefix kg: <https://w3id.org/kgraph/ns#> .
@prefix kgr: <https://w3id.org/kgraph/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


EVIDENCED_CLAIM = f"""
        kgr:s a kg:SourceDocument ; schema:sha256 "{TINY_SHA}" ; kg:textLength 404 .
        kgr:c a kg:Claim ; dcterms:identifier "c" ; dcterms:description "C"@en ;
            rdf:subject kgr:s ; rdf:predicate kg:x ; rdf:object kgr:s ;
            kg:modality kg:asserted ; prov:wasDerivedFrom kgr:s .
        kgr:c-ev a oa:Annotation ; oa:hasBody kgr:c ; oa:hasTarget kgr:c-target .
"""
"""A claim, its source and its annotation, whose target each test completes (or not)."""


def pairs(report: ValidationReport) -> list[tuple[str, str]]:
    return [(v.focus, v.rule) for v in report.violations]


def graph_file(tmp_path: Path, turtle: str) -> Path:
    path = tmp_path / "g.ttl"
    path.write_text(PREFIXES + turtle, encoding="utf-8")
    return path


# ---------------------------------------------------------------- good graphs


def test_tiny_graph_conforms_and_its_evidence_matches_its_text() -> None:
    report = validate(kgraph.open(TINY_TTL), [TINY_TEXT])
    assert report.violations == []
    assert report.conforms
    assert (report.claims, report.actors, report.events, report.sources) == (8, 6, 1, 1)
    [match] = report.source_texts
    assert (match.source, match.sha256, match.length) == ("kgr:source-tiny", TINY_SHA, 404)
    assert report.summary() == (
        "conforms: 8 claims, 6 actors, 1 event, 1 source checked; evidence verified against 1 source text"
    )


def test_bundled_graph_conforms() -> None:
    report = validate(kgraph.open())
    assert pairs(report) == []
    assert report.claims > 0


def test_bundled_graph_evidence_lies_inside_the_article(article_text: str) -> None:
    report = validate(kgraph.open(), [ARTICLE_TEXT])
    assert pairs(report) == []
    digest = hashlib.sha256(ARTICLE_TEXT.read_bytes()).hexdigest()
    assert [(m.sha256, m.length) for m in report.source_texts] == [(digest, len(article_text))]


def test_pyoxigraph_and_rdflib_read_the_bundled_graph_alike() -> None:
    import rdflib

    from kgraph.store import parse_file

    assert len(set(parse_file(BUNDLED_TTL))) == len(rdflib.Graph().parse(BUNDLED_TTL, format="turtle")) > 0


# ---------------------------------------------------------------- planted faults


def test_faulty_graph_reports_exactly_the_planted_faults() -> None:
    report = validate(kgraph.open(FAULTY_TTL))
    assert not report.conforms
    assert sorted(pairs(report)) == sorted(FAULTS)  # also: no fault reported twice
    assert (report.claims, report.actors, report.events, report.sources) == (16, 5, 1, 2)
    assert report.summary() == "21 violations (16 claims, 5 actors, 1 event, 2 sources checked)"


def test_the_real_text_finds_whitespace_spans() -> None:
    report = validate(kgraph.open(FAULTY_TTL), [TINY_TEXT])
    assert sorted(pairs(report)) == sorted(FAULTS_WITH_TEXT)
    [blank] = [v for v in report.violations if v.rule == "evidence-blank"]
    assert blank.value == "153–154"
    assert blank.message == "evidence span 153–154 of tiny-source.txt holds only whitespace"


def test_a_violation_names_its_claim_node_value_and_fix() -> None:
    report = validate(kgraph.open(FAULTY_TTL))
    [v] = [v for v in report.violations if v.focus == "past-end"]
    assert v.model_dump() == {
        "focus": "past-end",
        "kind": "claim",
        "label": "Betastan attacked Alphaland, says a span beyond t…",
        "rule": "evidence-in-text",
        "message": "evidence span 380–420 runs past the end of kgr:source-tiny, which is 404 code points long",  # noqa: E501
        "fix": "recount the offsets: Unicode code points from 0, end exclusive",
        "node": "kgr:claim-past-end-ev1-selector",
        "path": None,
        "value": "380–420",
        "iri": "https://w3id.org/kgraph/id/claim-past-end",
    }
    [share] = [v for v in report.violations if v.rule == "share-in-range"]
    assert (share.path, share.value) == ("kg:share", "1.5")
    assert share.message == "kg:share must be one xsd:decimal between 0 and 1"
    [actor] = [v for v in report.violations if v.focus == "kgr:betastan"]
    assert (actor.kind, actor.label) == ("actor", "Betastan")  # a mention's fault, shown on its actor


def test_each_bad_date_is_one_row_with_the_precise_message() -> None:
    report = validate(kgraph.open(FAULTY_TTL))
    dates = {v.focus: (v.path, v.value, v.message) for v in report.violations if v.rule == "date-valid"}
    assert dates == {
        "bad-day": ("dcterms:date", '"2023-02-30"^^xsd:date', "not a valid xsd:date"),
        "bad-month": ("schema:startDate", '"2022-13"^^xsd:gYearMonth', "not a valid xsd:gYearMonth"),
        "kgr:unnamed-event": ("dcterms:date", '"2021-02-29"^^xsd:date', "not a valid xsd:date"),
    }


def test_pyshacl_flags_an_impossible_xsd_date_but_not_an_impossible_gyearmonth() -> None:
    """Why date-valid is also checked in Python: rdflib only knows the value space of xsd:date."""
    import pyshacl
    import rdflib

    data = rdflib.Graph().parse(
        data=PREFIXES
        + 'kgr:a dcterms:date "2023-02-30"^^xsd:date . kgr:b dcterms:date "2022-13"^^xsd:gYearMonth .',
        format="turtle",
    )
    shapes = rdflib.Graph().parse(SHAPES)
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes)
    focus = {str(o) for o in results.objects(None, rdflib.SH.focusNode)}
    assert focus == {"https://w3id.org/kgraph/id/a"}


def test_a_date_of_the_wrong_type_is_caught_by_the_shape(tmp_path: Path) -> None:
    path = graph_file(tmp_path, 'kgr:e a kg:Event ; skos:prefLabel "E"@en ; schema:endDate "2021" .')
    [v] = validate(kgraph.open(path)).violations
    assert (v.focus, v.rule, v.value) == ("kgr:e", "date-valid", '"2021"')


def test_incomplete_evidence_is_no_evidence(tmp_path: Path) -> None:
    path = graph_file(
        tmp_path,
        EVIDENCED_CLAIM
        + """
        kgr:c-target a oa:SpecificResource ; oa:hasSource kgr:s .
        """,
    )
    assert pairs(validate(kgraph.open(path))) == [("c", "claim-evidence"), ("c", "evidence-target")]


@pytest.mark.parametrize(("start", "end", "path"), [("[]", "5", "oa:start"), ("1", "[]", "oa:end")])
def test_a_blank_node_offset_is_one_row_not_a_pyshacl_crash(
    tmp_path: Path, start: str, end: str, path: str
) -> None:
    """pyshacl raises on a blank node under sh:lessThan (a fuzz finding: exit 3); it is a value
    of the wrong kind, reported by the offset's own rule, on a file and on a store alike."""
    path_ = graph_file(
        tmp_path,
        EVIDENCED_CLAIM
        + f"""
        kgr:c-target a oa:SpecificResource ; oa:hasSource kgr:s ; oa:hasSelector kgr:c-sel .
        kgr:c-sel a oa:TextPositionSelector ; oa:start {start} ; oa:end {end} .
        """,
    )
    store = tmp_path / "store"
    loaded = subprocess.run(
        [sys.executable, "-m", "kgraph", "load", str(store), str(path_)], capture_output=True
    )
    assert loaded.returncode == 0, loaded.stderr
    for kg in (kgraph.open(path_), kgraph.open(store=store)):
        [v] = validate(kg).violations
        assert (v.focus, v.rule, v.path) == ("c", "offsets-valid", path)
        assert v.value is not None and v.value.startswith("_:")
        assert f"exactly one {path}" in v.message


def test_an_actor_typed_only_by_its_subclass_is_still_checked(tmp_path: Path) -> None:
    path = graph_file(tmp_path, "kgr:x a kg:State .")
    report = validate(kgraph.open(path))
    assert pairs(report) == [("kgr:x", "actor-label")]
    assert report.actors == 1


# ---------------------------------------------------------------- source texts


def test_the_real_text_makes_the_length_check_exact(tmp_path: Path) -> None:
    path = graph_file(
        tmp_path,
        f"""
        kgr:source-tiny a kg:SourceDocument ; schema:sha256 "{TINY_SHA}" ; kg:textLength 1000 .
        kgr:alphaland a kg:Actor, kg:State ; skos:prefLabel "Alphaland"@en .
        kgr:m a oa:Annotation ; oa:hasBody kgr:alphaland ; oa:hasTarget [ a oa:SpecificResource ;
            oa:hasSource kgr:source-tiny ;
            oa:hasSelector [ a oa:TextPositionSelector ; oa:start 400 ; oa:end 420 ] ] .
        """,
    )
    assert pairs(validate(kgraph.open(path))) == []  # the graph's own length allows the span
    report = validate(kgraph.open(path), [TINY_TEXT])
    assert pairs(report) == [("kgr:alphaland", "evidence-in-text"), ("kgr:source-tiny", "source-length")]
    assert report.violations[1].message == (
        "kg:textLength is 1000 but tiny-source.txt, which has this SHA-256, is 404 code points long"
    )


def test_a_text_that_matches_no_source_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("héllo\n", encoding="utf-8")
    digest = hashlib.sha256("héllo\n".encode()).hexdigest()
    with pytest.raises(SourceTextMismatch) as caught:
        validate(kgraph.open(TINY_TTL), [other])
    assert str(caught.value) == (
        f"{other}: SHA-256 {digest} (6 code points) matches no source document in the graph; "
        f"expected {TINY_SHA} (404 code points, kgr:source-tiny)"
    )


def test_the_text_is_hashed_as_it_is_on_disk(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(TINY_TEXT.read_bytes().replace(b"\n", b"\r\n"))
    with pytest.raises(SourceTextMismatch, match=r"\(409 code points\)"):
        validate(kgraph.open(TINY_TTL), [crlf])


# ---------------------------------------------------------------- shapes, docs, imports


def test_every_rule_shape_explains_itself_and_is_documented() -> None:
    import rdflib
    from rdflib import SH

    shapes = rdflib.Graph().parse(SHAPES)
    selecting = {SH.property, SH.targetClass, SH.targetSubjectsOf, SH.name, SH.message, SH.description}
    rules = set()
    for shape in set(shapes.subjects(rdflib.RDF.type, SH.NodeShape)) | set(
        shapes.subjects(rdflib.RDF.type, SH.PropertyShape)
    ):
        assert isinstance(shape, rdflib.URIRef)
        constraints = (
            {p for p in shapes.predicates(shape) if str(p).startswith(str(SH))} - selecting - {SH.path}
        )
        if not constraints:
            continue
        name, message, fix = (shapes.value(shape, p) for p in (SH.name, SH.message, SH.description))
        assert name is not None and message is not None and fix is not None, shape
        rules.add(str(name))
    assert len(rules) == 22
    docs = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", docs, re.MULTILINE))
    assert documented == rules | CHECK_RULES
    assert {rule for _, rule in FAULTS_WITH_TEXT} <= documented


def test_validation_imports_neither_rdflib_nor_pyshacl_until_it_runs() -> None:
    code = (
        "import sys, kgraph.validation, kgraph.cli.validate; "
        "print(sorted({'rdflib', 'pyshacl'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_source_not_held_is_cited_by_locator_and_offsets_into_it_are_refused(tmp_path: Path) -> None:
    import yaml

    from kgraph.build import compile_datasets

    from .conftest import TINY_YAML

    data = yaml.safe_load(TINY_YAML.read_text(encoding="utf-8"))
    data["sources"] = [
        {
            "id": "paywalled",
            "title": "A page we cannot hold",
            "kind": "article",
            "url": "https://example.org/p",
        }
    ]
    extra = dict(data["claims"][0], key="located", source="paywalled", text="Said behind a paywall.")
    extra["evidence"] = [{"url": "https://example.org/p", "section": "second paragraph"}]
    data["claims"].append(extra)

    def report_for(name: str) -> ValidationReport:
        claims = tmp_path / f"{name}.yaml"
        claims.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        graph = tmp_path / f"{name}.ttl"
        graph.write_text(compile_datasets([claims]), encoding="utf-8")
        return validate(kgraph.open(graph))

    good = report_for("good")
    assert good.conforms and good.not_anchored == ["located"]
    assert good.summary().endswith("; 1 claim cited by locator, not anchored to a text")
    extra["evidence"] = [{"start": 0, "end": 5}]
    bad = report_for("bad")
    assert [(v.focus, v.rule) for v in bad.violations] == [("located", "offsets-held")]

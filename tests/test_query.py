"""kgraph.query: safe reading of a query, named queries that port to other engines, W3C formats."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
import rdflib.compare
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)

import kgraph
from kgraph.errors import (
    FormatError,
    NotFoundError,
    QueryNotAllowedError,
    QuerySyntaxError,
    UsageError,
)
from kgraph.namespaces import KG, KGR, PREFIXES
from kgraph.query import (
    QueryResult,
    analyze,
    bind_parameters,
    check_allowed,
    check_format,
    check_query,
    format_for_path,
    json_rows,
    named_queries,
    named_query,
    parse_header,
    parse_term,
    run_query,
    serialize,
    table_rows,
    to_jsonld,
    to_ntriples,
    to_sparql_csv,
    to_sparql_json,
    to_sparql_tsv,
    to_turtle,
)
from kgraph.store import OxigraphBackend

from .conftest import BUNDLED_TTL, TINY_TTL

XSD = PREFIXES["xsd"]
SHIPPED = {
    "actors-by-degree",
    "arms-suppliers",
    "claim-evidence",
    "claim-links",
    "claims-by-source",
    "curator-additions",
    "figures",
    "hedged-claims",
    "reported-by",
    "timeline",
}


@pytest.fixture(scope="module")
def tiny() -> kgraph.KGraph:
    return kgraph.open(TINY_TTL)


# ---------------------------------------------------------------- reading a query: SERVICE and updates

SERVICE_CALLS = [
    "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * { service <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * { SERVICE?endpoint{ ?s ?p ?o } VALUES ?endpoint { <http://e.org/> } }",
    "SELECT * {SERVICE<http://example.org/sparql>{?s ?p ?o}}",
    "PREFIX ex: <http://example.org/>\nSELECT * { ?s ?p ?o . SERVICE ex:sparql { ?s ?p ?o } }",
    "SELECT * { ?s ?p 'a' # comment\n SERVICE <http://e.org/> { ?s ?p ?o } }",
    # SPARQL 1.1 sec. 19.2: codepoint escapes apply before parsing, for engines that honour it.
    "SELECT * { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    'SELECT * { ?s ?p """multi\nline""" . SERVICE <http://e.org/> { ?s ?p ?o } }',
    # A quote that opens no string (an engine might be laxer than the grammar) hides nothing.
    'SELECT * { ?s ?p "unterminated . SERVICE <http://e.org/> { ?s ?p ?o } }',
]

NOT_SERVICE = [
    'SELECT * { ?s ?p "SERVICE" }',
    "SELECT * { ?s ?p 'service' }",
    'SELECT * { ?s ?p """a SERVICE <http://e.org/> { } in a long string""" }',
    "SELECT * { ?s ?p '''SERVICE''' }",
    'SELECT * { ?s ?p "say \\"SERVICE\\" twice" }',
    "SELECT * { ?s a <http://example.org/SERVICE> }",
    "SELECT * { ?s a <http://example.org/#SERVICE> }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://example.org/sparql> { }",
    "SELECT ?service { ?service ?p ?o }",
    "SELECT $service { $service ?p ?o }",
    "PREFIX ex: <http://example.org/>\nSELECT * { ?s ex:SERVICE ?o }",
    "PREFIX service: <http://example.org/>\nSELECT * { ?s service:p ?o }",
    "PREFIX : <http://example.org/>\nSELECT * { ?s :SERVICE ?o }",
    "SELECT * { _:service ?p ?o }",
    'SELECT * { ?s ?p "x"@service }',
    "SELECT * { ?s ?p ?o FILTER(?o < 5 && ?o > 1) }",
]


@pytest.mark.parametrize("text", SERVICE_CALLS)
def test_service_is_found(text: str) -> None:
    assert analyze(text).service
    with pytest.raises(QueryNotAllowedError, match="--allow-service"):
        check_allowed(text)
    assert check_allowed(text, allow_service=True).form == "SELECT"


@pytest.mark.parametrize("text", NOT_SERVICE)
def test_service_in_strings_iris_and_names_is_not_a_call(text: str) -> None:
    info = analyze(text)
    assert (info.service, info.update, info.form) == (False, None, "SELECT")


UPDATES = [
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "INSERT"),
    ("insert data { <http://a> <http://b> <http://c> }", "INSERT"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "DELETE"),
    ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "DELETE"),
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ("LOAD SILENT <http://example.org/data.ttl> INTO GRAPH <http://g>", "LOAD"),
    ("CLEAR ALL", "CLEAR"),
    ("DROP GRAPH <http://g>", "DROP"),
    ("CREATE GRAPH <http://g>", "CREATE"),
    ("ADD <http://a> TO <http://b>", "ADD"),
    ("MOVE DEFAULT TO <http://b>", "MOVE"),
    ("COPY <http://a> TO DEFAULT", "COPY"),
    ("PREFIX ex: <http://example.org/>\n# a comment\nINSERT DATA { ex:a ex:b ex:c }", "INSERT"),
    ("SELECT * { ?s ?p ?o } ; DROP ALL", "DROP"),
]


@pytest.mark.parametrize(("text", "keyword"), UPDATES)
def test_updates_are_refused(text: str, keyword: str) -> None:
    assert analyze(text).update == keyword
    with pytest.raises(QueryNotAllowedError, match=rf"SPARQL update \({keyword}\)"):
        check_allowed(text, allow_service=True)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "INSERT DATA" }',
        "SELECT * { ?s ?p <http://example.org/DROP> }",
        "SELECT ?delete { ?delete ?p ?o }",
        "PREFIX load: <http://example.org/>\nSELECT * { ?s load:clear ?o }",
        "SELECT * { ?s ?p ?o } # LOAD <http://example.org/>",
    ],
)
def test_update_words_inside_a_query_are_not_updates(text: str) -> None:
    assert analyze(text).update is None
    assert check_allowed(text).form == "SELECT"


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <http://e.org/>\nBASE <http://b/>\nask { ?s ?p ?o }", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("# DESCRIBE\nDESCRIBE <http://e.org/x>", "DESCRIBE"),
    ],
)
def test_query_form_is_read_without_running(text: str, form: str) -> None:
    assert analyze(text).form == form


def test_a_prologue_alone_is_not_a_query() -> None:
    with pytest.raises(QuerySyntaxError, match="no query: expected SELECT"):
        check_allowed("PREFIX ex: <http://e.org/>\n# nothing else")


# ---------------------------------------------------------------- running


def test_select_rows_and_variables(tiny: kgraph.KGraph) -> None:
    # kg:attacked is asserted, so it is in the direct layer (docs/data-model.md, "The direct layer").
    result = run_query(tiny, "SELECT ?s ?o WHERE { ?s kg:attacked ?o }")
    assert run_query(tiny.backend, "SELECT ?s ?o WHERE { ?s kg:attacked ?o }").rows == result.rows
    assert result.form == "SELECT"
    assert result.variables == ["s", "o"]
    assert result.rows == [{"s": NamedNode(KGR + "betastan"), "o": NamedNode(KGR + "delta-valley")}]
    assert result.summary() == "1 row"


def test_ask_construct_describe(tiny: kgraph.KGraph) -> None:
    assert run_query(tiny, "ASK { kgr:betastan kg:attacked kgr:delta-valley }").boolean is True
    assert run_query(tiny, "ASK { kgr:delta-valley kg:attacked kgr:betastan }").boolean is False
    # The arms share is only reported: no direct triple, but a claim node.
    assert run_query(tiny, "ASK { kgr:alphaland kg:suppliesArmsTo kgr:betastan }").boolean is False
    built = run_query(
        tiny,
        "CONSTRUCT { ?o kg:receivesArmsFrom ?s } "
        "WHERE { ?c rdf:subject ?s ; rdf:predicate kg:suppliesArmsTo ; rdf:object ?o }",
    )
    assert built.form == "CONSTRUCT"
    assert built.triples == [
        Triple(NamedNode(KGR + "betastan"), NamedNode(KG + "receivesArmsFrom"), NamedNode(KGR + "alphaland"))
    ]
    described = run_query(tiny, "DESCRIBE kgr:alpha-intel")
    assert described.form == "DESCRIBE"
    assert {t.predicate.value for t in described.triples} == {
        PREFIXES["rdf"] + "type",
        PREFIXES["skos"] + "prefLabel",
        PREFIXES["skos"] + "altLabel",
    }


def test_a_query_may_declare_its_own_prefixes(tiny: kgraph.KGraph) -> None:
    other = run_query(tiny, "PREFIX kg: <http://example.org/> SELECT * WHERE { ?s kg:attacked ?o }")
    assert other.rows == []
    mine = run_query(tiny, "PREFIX k: <https://w3id.org/kgraph/ns#> SELECT ?s WHERE { ?s k:attacked ?o }")
    assert mine.rows == [{"s": NamedNode(KGR + "betastan")}]


def test_relative_iris_resolve_against_the_base(tiny: kgraph.KGraph) -> None:
    result = run_query(tiny, "SELECT ?x WHERE { BIND(<rel> AS ?x) }", base_iri="file:///work/q/")
    assert result.rows == [{"x": NamedNode("file:///work/q/rel")}]
    # The base goes to the engine, not into the text: errors count the user's lines...
    with pytest.raises(QuerySyntaxError, match=r"^malformed SPARQL: line 2, column \d+: "):
        run_query(tiny, "SELECT ?s\nWHERE { ?s ?p }", base_iri="file:///work/q/")
    with pytest.raises(QuerySyntaxError, match=r"^malformed SPARQL: line 1, column \d+: "):
        run_query(tiny, "SELECT ?s WHERE { ?s ?p }", base_iri="file:///work/q/")
    # ... and the query's own BASE wins.
    own = run_query(tiny, "BASE <http://e.org/>\nSELECT ?x WHERE { BIND(<t> AS ?x) }", base_iri="file:///q/")
    assert own.rows == [{"x": NamedNode("http://e.org/t")}]
    backend = tiny.backend
    assert isinstance(backend, OxigraphBackend)
    found = backend.query("SELECT ?x WHERE { BIND(<t> AS ?x) }", base_iri="http://b.org/d/")
    assert [r["x"] for r in found] == [NamedNode("http://b.org/d/t")]  # type: ignore[union-attr]


def test_syntax_errors_have_line_and_column(tiny: kgraph.KGraph) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        run_query(tiny, "SELECT *\nWHERE {\n  ?s ?p ?o ?x }")
    assert (caught.value.line, caught.value.column) == (3, 16)
    assert "\n" not in str(caught.value)


def test_an_unknown_prefix_is_named(tiny: kgraph.KGraph) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        run_query(tiny, "SELECT * WHERE {\n  ?s foo:bar ?o }")
    assert str(caught.value).startswith("malformed SPARQL: line 2, column 6: unknown prefix foo: (declare it")
    # A prefix the query declares itself is known.
    with pytest.raises(QuerySyntaxError, match="expected"):
        run_query(tiny, "PREFIX foo: <http://e.org/> SELECT * WHERE { ?s foo:bar }")


def test_engine_limits_are_usage_errors(tiny: kgraph.KGraph) -> None:
    with pytest.raises(UsageError, match=r"the query cannot run: The custom function <http://e\.org/f>"):
        run_query(tiny, "SELECT (<http://e.org/f>(1) AS ?x) WHERE { }")
    with pytest.raises(UsageError, match="fixes only variables the top-level SELECT returns"):
        run_query(tiny, "SELECT ?o WHERE { ?s kg:attacked ?o }", bindings={"s": NamedNode(KGR + "x")})


def test_sparql_turns_engine_refusals_into_usage_errors(tiny: kgraph.KGraph) -> None:
    # KGraph.sparql is the backend itself: pyoxigraph's RuntimeError must not escape it.
    with pytest.raises(UsageError, match=r"the query cannot run: .*\?s.*fixes only variables") as caught:
        tiny.sparql("SELECT ?o WHERE { ?s kg:attacked ?o }", {"s": NamedNode(KGR + "betastan")})
    assert "\n" not in str(caught.value)
    found = tiny.sparql("SELECT ?s ?o WHERE { ?s kg:attacked ?o }", {"s": NamedNode(KGR + "betastan")})
    assert [r["o"] for r in found] == [NamedNode(KGR + "delta-valley")]  # type: ignore[union-attr]
    nothing = tiny.sparql("SELECT ?s ?o WHERE { ?s kg:attacked ?o }", {"s": NamedNode(KGR + "alphaland")})
    assert list(nothing) == []  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"not an RDF term .*NamedNode, Literal"):
        tiny.sparql("SELECT ?s WHERE { ?s ?p ?o }", {"s": "kgr:alphaland"})  # type: ignore[dict-item]


def test_bindings_are_terms_not_text(tiny: kgraph.KGraph) -> None:
    hostile = Literal('Alphaland"@en } UNION { ?s ?p ?label } #', language="en")
    result = run_query(
        tiny, "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }", bindings={"label": hostile}
    )
    assert result.rows == []
    result = run_query(
        tiny,
        "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }",
        bindings={"label": Literal("Betastan", language="en")},
    )
    assert [r["s"] for r in result.rows] == [NamedNode(KGR + "betastan")]


# ---------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("kg:alleged", NamedNode(KG + "alleged")),
        ("<http://example.org/x>", NamedNode("http://example.org/x")),
        ("https://example.org/x", NamedNode("https://example.org/x")),
        ('"2015"^^xsd:gYear', Literal("2015", datatype=NamedNode(XSD + "gYear"))),
        ('"Baku"@en', Literal("Baku", language="en")),
        ("42", Literal("42", datatype=NamedNode(XSD + "integer"))),
        ("0.6", Literal("0.6", datatype=NamedNode(XSD + "decimal"))),
        ("true", Literal("true", datatype=NamedNode(XSD + "boolean"))),
        ("Beta City", Literal("Beta City")),
        ("foo:bar", Literal("foo:bar")),
        ("} UNION { ?s ?p ?o", Literal("} UNION { ?s ?p ?o")),
    ],
)
def test_parse_term(text: str, term: object) -> None:
    assert parse_term(text) == term


@pytest.mark.parametrize("text", ['"unterminated', '"a" . <urn:x> <urn:y> "b"', "<not an iri>"])
def test_parse_term_refuses_what_is_not_one_term(text: str) -> None:
    with pytest.raises(UsageError):
        parse_term(text)


def test_named_parameters_resolve_names(tiny: kgraph.KGraph) -> None:
    arms = named_query("arms-suppliers")
    assert bind_parameters(tiny, ["supplier=Alpha", "recipient=beta city"], arms) == {
        "supplier": NamedNode(KGR + "alphaland"),
        "recipient": NamedNode(KGR + "betastan"),
    }
    with pytest.raises(NotFoundError, match="no actor or event named 'Zeta'"):
        bind_parameters(tiny, ["supplier=Zeta"], arms)
    with pytest.raises(
        UsageError, match=r"arms-suppliers has no parameter 'who' \(it accepts: supplier, recipient\)"
    ):
        bind_parameters(tiny, ["who=Alpha"], arms)
    with pytest.raises(UsageError, match="write NAME=VALUE"):
        bind_parameters(tiny, ["supplier"], arms)
    with pytest.raises(UsageError, match="more than once"):
        bind_parameters(tiny, ["supplier=Alpha", "supplier=Betastan"], arms)
    links = named_query("claim-links")
    with pytest.raises(UsageError, match="is not an IRI"):
        bind_parameters(tiny, ["claim=some text"], links)
    assert bind_parameters(tiny, ["source=tiny"], named_query("claims-by-source")) == {
        "source": NamedNode(KGR + "source-tiny")
    }
    assert bind_parameters(tiny, ["?x=kg:alleged"]) == {"x": NamedNode(KG + "alleged")}


# ---------------------------------------------------------------- named queries


def test_named_queries_are_shipped_with_headers() -> None:
    queries = named_queries()
    assert {q.name for q in queries} >= SHIPPED
    for q in queries:
        assert q.description and "\n" not in q.description
        assert analyze(q.text).form == "SELECT", q.name
        assert analyze(q.text).service is False


def test_header_parsing() -> None:
    text = (
        "# description: Things\n"
        "# param who (actor): one actor,\n"
        "#    named as you like\n"
        "#\n"
        "# A note: with a colon.\n"
        "SELECT ?who WHERE { ?who ?p ?o }\n"
    )
    q = parse_header("things", text)
    assert q.description == "Things"
    assert [(p.name, p.kind, p.description) for p in q.parameters] == [
        ("who", "actor", "one actor, named as you like")
    ]
    assert q.notes == "A note: with a colon."
    with pytest.raises(ValueError, match="no '# description:' line"):
        parse_header("bare", "SELECT * {}")
    with pytest.raises(ValueError, match="unknown kind"):
        parse_header("odd", "# description: x\n# param who (person): y\nSELECT * {}")


def test_unknown_named_query_suggests_close_names() -> None:
    with pytest.raises(NotFoundError) as caught:
        named_query("arms-supplier")
    assert caught.value.suggestions == ["arms-suppliers"]
    assert "did you mean 'arms-suppliers'?" in str(caught.value)


@pytest.mark.parametrize("graph", [TINY_TTL, BUNDLED_TTL], ids=["tiny", "bundled"])
@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_named_query_parameters_are_projected(graph: Path, name: str) -> None:
    query = named_query(name)
    result = run_query(kgraph.open(graph), query.text)
    assert {p.name for p in query.parameters} <= set(result.variables)


def _key(term: object) -> str | None:
    """A term as N-Triples-ish text, numbers by value (Oxigraph writes 1000000000.0 as 1000000000)."""
    if term is None:
        return None
    if isinstance(term, rdflib.term.Identifier):
        if isinstance(term, rdflib.Literal):
            datatype = str(term.datatype) if term.datatype else None
            if datatype in (XSD + "decimal", XSD + "integer", XSD + "double"):
                return f"{Decimal(str(term)).normalize()}^^{datatype}"
            return (
                f"{str(term)!r}@{term.language}"
                if term.language
                else f"{str(term)!r}^^{datatype or XSD + 'string'}"
            )
        if isinstance(term, rdflib.BNode):
            return "_:"
        return f"<{term}>"
    if isinstance(term, Literal):
        datatype = term.datatype.value
        if datatype in (XSD + "decimal", XSD + "integer", XSD + "double"):
            return f"{Decimal(term.value).normalize()}^^{datatype}"
        return f"{term.value!r}@{term.language}" if term.language else f"{term.value!r}^^{datatype}"
    if isinstance(term, BlankNode):
        return "_:"
    assert isinstance(term, NamedNode)
    return f"<{term.value}>"


@pytest.mark.parametrize("graph", [TINY_TTL, BUNDLED_TTL], ids=["tiny", "bundled"])
@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_named_queries_port_to_rdflib(graph: Path, name: str) -> None:
    """The same rows come back from rdflib: the queries use nothing only Oxigraph has."""
    query = named_query(name)
    ours = run_query(kgraph.open(graph), query.text)
    assert ours.rows or graph == TINY_TTL or name == "claim-links"
    theirs = rdflib.Graph().parse(graph, format="turtle").query(query.text, initNs=PREFIXES)
    assert [str(v) for v in theirs.vars or []] == ours.variables
    mine = Counter(tuple(_key(row[v]) for v in ours.variables) for row in ours.rows)
    other = Counter(tuple(_key(row[v]) for v in ours.variables) for row in theirs)  # type: ignore[index]
    assert mine == other


def test_arms_suppliers_on_the_tiny_graph(tiny: kgraph.KGraph) -> None:
    result = run_query(tiny, named_query("arms-suppliers").text)
    assert table_rows(result) == [
        {
            "supplier": "kgr:alphaland",
            "recipient": "kgr:betastan",
            "item": "drones",
            "share": "0.6",
            "shareOf": "Betastan's arms imports",
            "value": None,
            "minValue": None,
            "maxValue": None,
            "unit": None,
            "approximate": None,
            "date": None,
            "start": "2015",
            "end": "2019",
            "reportedBy": "kgr:gamma-institute",
            "modality": "kg:reported",
            "evidence": "0-153",
            "claim": "kgr:claim-4118dc2ef3a96df1",
        }
    ]


def test_timeline_sorts_mixed_date_types(tmp_path: Path) -> None:
    extra = tmp_path / "dates.ttl"
    extra.write_text(
        "@prefix kg: <https://w3id.org/kgraph/ns#> . @prefix kgr: <https://w3id.org/kgraph/id/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'kgr:e1 a kg:Event ; skos:prefLabel "day"@en ; dcterms:date "2020-03-05"^^xsd:date .\n'
        'kgr:e2 a kg:Event ; skos:prefLabel "year"@en ; dcterms:date "1994"^^xsd:gYear .\n'
        'kgr:e3 a kg:Event ; skos:prefLabel "no year"@en ; dcterms:date "--09-19"^^xsd:gMonthDay .\n'
        'kgr:e4 a kg:Event ; skos:prefLabel "month"@en ; dcterms:date "2020-02"^^xsd:gYearMonth .\n'
    )
    result = run_query(kgraph.open(extra), named_query("timeline").text)
    assert [r["what"] for r in table_rows(result)] == ["year", "month", "day", "no year"]
    assert result.rows[0]["date"] == Literal("1994", datatype=NamedNode(XSD + "gYear"))


# ---------------------------------------------------------------- the direct layer of the bundled graph

# Direct triples between kgr: resources by a kg: relation. Claim nodes are left out: their kg: links
# (kg:supports, kg:since) belong to the claim layer, not to the direct one.
DIRECT_RELATIONS = """
  ?s ?p ?o .
  FILTER(isIRI(?s) && isIRI(?o) && STRSTARTS(STR(?p), STR(kg:))
         && STRSTARTS(STR(?s), STR(kgr:)) && STRSTARTS(STR(?o), STR(kgr:)))
  FILTER NOT EXISTS { ?s a kg:Claim }
"""


def test_every_direct_relation_of_the_bundled_graph_is_asserted() -> None:
    """docs/data-model.md, "The direct layer": only asserted claims appear as plain S P O triples."""
    bundled = kgraph.open()
    count = run_query(bundled, "SELECT (COUNT(*) AS ?n) WHERE {" + DIRECT_RELATIONS + "}")
    assert int(count.rows[0]["n"].value) > 0  # type: ignore[union-attr]
    asserted_claim = (
        "FILTER NOT EXISTS {"
        " ?claim a kg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:modality kg:asserted }"
    )
    unbacked = run_query(
        bundled, "SELECT ?s ?p ?o WHERE {" + DIRECT_RELATIONS + asserted_claim + "} ORDER BY ?s ?p ?o"
    )
    assert table_rows(unbacked) == []


# ---------------------------------------------------------------- W3C results formats


@pytest.fixture(scope="module")
def mixed(tiny: kgraph.KGraph) -> QueryResult:
    """Rows with IRIs, typed, plain and language literals, a blank node, and unbound cells."""
    return run_query(
        tiny,
        """SELECT ?s ?label ?share ?note ?b WHERE {
             ?s skos:prefLabel ?label .
             OPTIONAL { ?c rdf:subject ?s ; kg:share ?share }
             OPTIONAL { ?s dcterms:description ?note }
             BIND(IF(?s = kgr:omega-corp, BNODE("x"), ?nothing) AS ?b)
           } ORDER BY ?s""",
    )


def test_sparql_json_is_w3c(mixed: QueryResult) -> None:
    doc = json.loads(to_sparql_json(mixed))
    assert doc["head"] == {"vars": ["s", "label", "share", "note", "b"]}
    bindings = doc["results"]["bindings"]
    assert len(bindings) == len(mixed.rows) == 7
    alpha = next(b for b in bindings if b["s"]["value"] == KGR + "alphaland")
    assert alpha["s"] == {"type": "uri", "value": KGR + "alphaland"}
    assert alpha["label"] == {"type": "literal", "value": "Alphaland", "xml:lang": "en"}
    assert alpha["share"] == {"type": "literal", "value": "0.6", "datatype": XSD + "decimal"}
    assert "note" not in alpha and "b" not in alpha
    omega = next(b for b in bindings if b["s"]["value"] == KGR + "omega-corp")
    assert omega["b"]["type"] == "bnode"
    assert omega["note"]["value"].endswith("a\nnewline.")


@pytest.mark.parametrize(
    ("writer", "fmt"),
    [(to_sparql_json, QueryResultsFormat.JSON), (to_sparql_tsv, QueryResultsFormat.TSV)],
    ids=["json", "tsv"],
)
def test_results_read_back_with_oxigraph(mixed: QueryResult, writer: object, fmt: QueryResultsFormat) -> None:
    """Oxigraph's own results parser gets back every term (CSV is lossy by design: not parsed)."""
    text = writer(mixed)  # type: ignore[operator]
    back = parse_query_results(text.encode("utf-8"), format=fmt)
    assert [v.value for v in back.variables] == mixed.variables  # type: ignore[union-attr]
    rows = [{v: sol[v] for v in mixed.variables} for sol in back]  # type: ignore[union-attr]

    def without_bnode_labels(rows: list[dict[str, object]]) -> list[dict[str, object]]:
        return [{k: ("_:" if isinstance(v, BlankNode) else v) for k, v in r.items()} for r in rows]

    assert without_bnode_labels(rows) == without_bnode_labels(mixed.rows)  # type: ignore[arg-type]


def test_csv_is_rfc4180_with_plain_values(mixed: QueryResult) -> None:
    text = to_sparql_csv(mixed)
    assert text.startswith("s,label,share,note,b\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["s", "label", "share", "note", "b"]
    omega = next(r for r in rows if r[0] == KGR + "omega-corp")
    assert omega[1] == 'Omega Corp & "Sons" <Ltd>'
    assert omega[3] == 'A label full of characters that break naive exporters: & " < > and a\nnewline.'
    assert omega[4].startswith("_:")
    alpha = next(r for r in rows if r[0] == KGR + "alphaland")
    assert alpha[2] == "0.6" and alpha[3] == ""


def test_tsv_uses_ntriples_terms(mixed: QueryResult) -> None:
    lines = to_sparql_tsv(mixed).split("\n")
    assert lines[0] == "?s\t?label\t?share\t?note\t?b"
    assert lines[-1] == ""
    cells = [line.split("\t") for line in lines[1:-1]]
    assert all(len(c) == 5 for c in cells)
    alpha = next(c for c in cells if c[0] == f"<{KGR}alphaland>")
    assert alpha[1:4] == ['"Alphaland"@en', f'"0.6"^^<{XSD}decimal>', ""]
    omega = next(c for c in cells if c[0] == f"<{KGR}omega-corp>")
    assert (
        omega[3] == '"A label full of characters that break naive exporters: & \\" < > and a\\nnewline."@en'
    )


def test_ask_json() -> None:
    assert json.loads(to_sparql_json(QueryResult("ASK", boolean=True))) == {"head": {}, "boolean": True}
    assert serialize(QueryResult("ASK", boolean=False), "table") == "false\n"


def test_rows_for_tables_and_json_lines(mixed: QueryResult) -> None:
    table = {r["s"]: r for r in table_rows(mixed)}
    assert table["kgr:alphaland"]["label"] == "Alphaland"
    assert table["kgr:alphaland"]["share"] == "0.6"
    lines = {r["s"]: r for r in json_rows(mixed)}
    assert lines[KGR + "alphaland"]["share"] == 0.6
    assert lines[KGR + "alphaland"]["note"] is None
    count = QueryResult(
        "SELECT",
        ["n", "big", "flag"],
        [
            {
                "n": Literal("7", datatype=NamedNode(XSD + "integer")),
                "big": Literal("0.1000000000000000000001", datatype=NamedNode(XSD + "decimal")),
                "flag": Literal("true", datatype=NamedNode(XSD + "boolean")),
            }
        ],
    )
    # A number JSON cannot hold exactly stays text.
    assert json_rows(count) == [{"n": 7, "big": "0.1000000000000000000001", "flag": True}]


# ---------------------------------------------------------------- graph formats


def _everything(kg: kgraph.KGraph) -> list[Triple]:
    return run_query(kg, "CONSTRUCT WHERE { ?s ?p ?o }").triples


@pytest.mark.parametrize(
    ("writer", "rdflib_format", "ox_format"),
    [
        (to_turtle, "turtle", RdfFormat.TURTLE),
        (to_ntriples, "nt", RdfFormat.N_TRIPLES),
        (to_jsonld, "json-ld", RdfFormat.JSON_LD),
    ],
    ids=["turtle", "ntriples", "jsonld"],
)
@pytest.mark.parametrize("graph", [TINY_TTL, BUNDLED_TTL], ids=["tiny", "bundled"])
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's JSON-LD parser, not ours
def test_graph_formats_read_back_isomorphic(
    graph: Path, writer: object, rdflib_format: str, ox_format: RdfFormat
) -> None:
    kg = kgraph.open(graph)
    triples = _everything(kg)
    # A blank node too, to check labels survive.
    triples.append(Triple(BlankNode("b1"), NamedNode(KG + "item"), Literal("tab\there", language="en")))
    text = writer(triples)  # type: ignore[operator]
    expected = rdflib.Graph()
    for t in parse(to_ntriples(triples).encode(), format=RdfFormat.N_TRIPLES):
        expected.add(tuple(_to_rdflib(x) for x in (t.subject, t.predicate, t.object)))  # type: ignore[arg-type]
    with_rdflib = rdflib.Graph().parse(data=text, format=rdflib_format)
    assert rdflib.compare.isomorphic(with_rdflib, expected)
    with_oxigraph = rdflib.Graph()
    for t in parse(text.encode("utf-8"), format=ox_format):
        with_oxigraph.add(tuple(_to_rdflib(x) for x in (t.subject, t.predicate, t.object)))  # type: ignore[arg-type]
    assert rdflib.compare.isomorphic(with_oxigraph, expected)
    assert len(with_oxigraph) == len(set(triples))


def _to_rdflib(term: object) -> rdflib.term.Identifier:
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    assert isinstance(term, Literal)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD + "string":
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value), normalize=False)


def test_turtle_is_stable_and_uses_our_prefixes(tiny: kgraph.KGraph) -> None:
    triples = run_query(tiny, "CONSTRUCT WHERE { kgr:betastan ?p ?o }").triples
    text = to_turtle(triples)
    assert text == (
        "@prefix kg: <https://w3id.org/kgraph/ns#> .\n"
        "@prefix kgr: <https://w3id.org/kgraph/id/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "\n"
        "kgr:betastan a kg:Actor , kg:State ;\n"
        "\tkg:attacked kgr:delta-valley ;\n"
        '\tskos:altLabel "Beta City"@en , "Betastani"@en ;\n'
        '\tskos:prefLabel "Betastan"@en .\n'
    )
    assert to_turtle(list(reversed(triples))) == text
    assert to_turtle([]) == ""


def test_turtle_writes_numbers_and_odd_iris_safely() -> None:
    s = NamedNode(KGR + "claim-1")
    triples = [
        Triple(s, NamedNode(KG + "share"), Literal("0.6", datatype=NamedNode(XSD + "decimal"))),
        Triple(s, NamedNode(KG + "count"), Literal("12", datatype=NamedNode(XSD + "integer"))),
        Triple(s, NamedNode(KG + "approximate"), Literal("true", datatype=NamedNode(XSD + "boolean"))),
        Triple(s, NamedNode(KG + "when"), Literal("2015", datatype=NamedNode(XSD + "gYear"))),
        Triple(s, NamedNode(KGR + "-odd"), NamedNode(KGR + "ends.")),
    ]
    text = to_turtle(triples)
    assert "kg:share 0.6" in text and "kg:count 12" in text and "kg:approximate true" in text
    assert 'kg:when "2015"^^xsd:gYear' in text
    assert "kgr:\\-odd kgr:ends\\. ." in text  # escaped local names (Turtle's PN_LOCAL_ESC)
    assert {str(t) for t in parse(text.encode(), format=RdfFormat.TURTLE)} == {str(t) for t in triples}


def test_jsonld_context_is_our_prefixes(tiny: kgraph.KGraph) -> None:
    doc = json.loads(to_jsonld(run_query(tiny, "CONSTRUCT WHERE { kgr:alphaland ?p ?o }").triples))
    assert doc["@context"] == PREFIXES
    node = doc["@graph"][0]
    assert node["@id"] == "kgr:alphaland"
    assert node["@type"] == ["kg:Actor", "kg:State"]
    assert node["skos:prefLabel"] == [{"@value": "Alphaland", "@language": "en"}]


# ---------------------------------------------------------------- formats per query form


def test_formats_must_fit_the_form() -> None:
    assert check_format("SELECT", "CSV") == "csv"
    assert check_format("CONSTRUCT", "jsonld") == "jsonld"
    with pytest.raises(FormatError, match="a SELECT query gives rows: --format turtle does not fit"):
        check_format("SELECT", "turtle")
    with pytest.raises(
        FormatError, match="a ASK query gives true or false: --format csv does not fit; use table, json"
    ):
        check_format("ASK", "csv")
    with pytest.raises(FormatError, match="a DESCRIBE query gives triples"):
        check_format("DESCRIBE", "table")
    with pytest.raises(FormatError, match="unknown format 'xml'"):
        check_format("SELECT", "xml")
    assert format_for_path("out.CSV") == "csv"
    assert format_for_path("graph.ttl") == "turtle"
    assert format_for_path("graph.rdf") == "rdfxml"
    assert format_for_path("rows.json", "SELECT") == "json"
    assert format_for_path("graph.json", "CONSTRUCT") == "jsonld"
    for unknown in ("notes", "x.xyz", "results.srx"):
        with pytest.raises(FormatError, match=r"no query result format for .*name one with --format"):
            format_for_path(unknown)


def test_a_checked_query_is_not_checked_again(tiny: kgraph.KGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    import kgraph.query

    checked = check_query("SELECT ?s WHERE { ?s a kg:State }")
    calls: list[str] = []
    monkeypatch.setattr(kgraph.query, "check_allowed", lambda text, **kw: calls.append(text))
    assert len(run_query(tiny, checked).rows) == 2
    assert calls == []
    # A SERVICE allowed when checked but not when run is checked again, and refused.
    monkeypatch.undo()
    federated = check_query(
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", allow_service=True
    )
    with pytest.raises(QueryNotAllowedError, match="--allow-service"):
        run_query(tiny, federated)

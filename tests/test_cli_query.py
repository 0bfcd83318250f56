"""`kgraph query`: exact output on the tiny graph, every format re-read, errors in one line, safety."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import rdflib
import rdflib.compare
from pyoxigraph import RdfFormat, parse

from kgraph.namespaces import KGR, PREFIXES

from .conftest import BUNDLED_TTL, TINY_TTL

TINY = ("--graph", str(TINY_TTL))
STATES = "SELECT ?actor ?label WHERE { ?actor a kg:State ; skos:prefLabel ?label } ORDER BY ?label"
SHIPPED = [
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
]


def _one_line_error(result: object, code: int, text: str) -> None:
    assert result.code == code, (result.out, result.err)  # type: ignore[attr-defined]
    assert result.out == ""  # type: ignore[attr-defined]
    assert result.err.count("\n") == 1 and result.err.startswith("kgraph: "), result.err  # type: ignore[attr-defined]
    assert text in result.err, result.err  # type: ignore[attr-defined]
    assert "Traceback" not in result.err  # type: ignore[attr-defined]


# ---------------------------------------------------------------- each form, each format


def test_select_table(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", STATES, *TINY)
    assert result.code == 0 and result.err == ""
    assert result.out == (
        "actor          label\n-------------  ---------\nkgr:alphaland  Alphaland\nkgr:betastan   Betastan\n"
    )


def test_select_with_no_rows(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", "SELECT ?s WHERE { ?s kg:suppliesArmsTo kgr:nobody }", *TINY)
    assert (result.code, result.out) == (0, "(no results)\n")
    result = run_cli("query", "SELECT ?s WHERE { ?s kg:suppliesArmsTo kgr:nobody }", *TINY, "-f", "csv")
    assert (result.code, result.out) == (0, "s\r\n")


def test_select_json_is_w3c(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", STATES, *TINY, "--format", "json")
    assert result.code == 0
    doc = json.loads(result.out)
    assert doc["head"]["vars"] == ["actor", "label"]
    assert doc["results"]["bindings"] == [
        {
            "actor": {"type": "uri", "value": KGR + "alphaland"},
            "label": {"type": "literal", "value": "Alphaland", "xml:lang": "en"},
        },
        {
            "actor": {"type": "uri", "value": KGR + "betastan"},
            "label": {"type": "literal", "value": "Betastan", "xml:lang": "en"},
        },
    ]


def test_select_csv_and_tsv(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", STATES, *TINY, "--format", "csv")
    assert result.out == (f"actor,label\r\n{KGR}alphaland,Alphaland\r\n{KGR}betastan,Betastan\r\n")
    assert list(csv.DictReader(io.StringIO(result.out, newline=""))) == [
        {"actor": KGR + "alphaland", "label": "Alphaland"},
        {"actor": KGR + "betastan", "label": "Betastan"},
    ]
    result = run_cli("query", STATES, *TINY, "--format", "TSV")
    assert result.out == f'?actor\t?label\n<{KGR}alphaland>\t"Alphaland"@en\n<{KGR}betastan>\t"Betastan"@en\n'


def test_select_jsonl(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(
        "query",
        "SELECT ?claim ?share ?approx WHERE { ?claim kg:share ?share "
        "OPTIONAL { ?claim kg:approximate ?approx } }",
        *TINY,
        "-f",
        "jsonl",
    )
    assert [json.loads(line) for line in result.out.splitlines()] == [
        {"claim": KGR + "claim-4118dc2ef3a96df1", "share": 0.6, "approx": None}
    ]


def test_ask(run_cli) -> None:  # type: ignore[no-untyped-def]
    yes = run_cli("query", "ASK { kgr:betastan kg:attacked kgr:delta-valley }", *TINY)
    assert (yes.code, yes.out, yes.err) == (0, "true\n", "")
    no = run_cli("query", "ASK { kgr:delta-valley kg:attacked kgr:betastan }", *TINY)
    assert (no.code, no.out) == (0, "false\n")
    as_json = run_cli("query", "ASK { kgr:betastan kg:attacked kgr:delta-valley }", *TINY, "-f", "json")
    assert as_json.code == 0
    assert json.loads(as_json.out) == {"head": {}, "boolean": True}
    # Only reported: the arms share has no direct triple (docs/data-model.md, "The direct layer").
    reported = run_cli("query", "ASK { kgr:alphaland kg:suppliesArmsTo kgr:betastan }", *TINY, "-f", "json")
    assert json.loads(reported.out) == {"head": {}, "boolean": False}


# On the asserted (direct-layer) kg:attacked; the object's label has a non-ASCII letter.
CONSTRUCT = (
    "CONSTRUCT { ?o kg:attackedBy ?s ; skos:prefLabel ?l } WHERE { ?s kg:attacked ?o . ?o skos:prefLabel ?l }"
)


def _expected_construct() -> rdflib.Graph:
    graph = rdflib.Graph().parse(TINY_TTL)
    out = rdflib.Graph()
    kg = rdflib.Namespace(PREFIXES["kg"])
    skos = rdflib.Namespace(PREFIXES["skos"])
    for s, o in graph.subject_objects(kg.attacked):
        out.add((o, kg.attackedBy, s))
        for label in graph.objects(o, skos.prefLabel):
            out.add((o, skos.prefLabel, label))
    return out


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's JSON-LD parser
@pytest.mark.parametrize(
    ("fmt", "rdflib_format", "ox_format"),
    [
        ("turtle", "turtle", RdfFormat.TURTLE),
        ("ntriples", "nt", RdfFormat.N_TRIPLES),
        ("jsonld", "json-ld", RdfFormat.JSON_LD),
    ],
)
def test_construct_formats_read_back(run_cli, fmt: str, rdflib_format: str, ox_format: RdfFormat) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", CONSTRUCT, *TINY, "--format", fmt)
    assert result.code == 0 and result.err == ""
    expected = _expected_construct()
    assert len(expected) == 2
    assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=result.out, format=rdflib_format), expected)
    back = rdflib.Graph()
    for t in parse(result.out.encode(), format=ox_format):
        back.add(
            (
                rdflib.URIRef(t.subject.value),
                rdflib.URIRef(t.predicate.value),
                rdflib.URIRef(t.object.value)
                if t.object.__class__.__name__ == "NamedNode"
                else rdflib.Literal(t.object.value, lang=t.object.language),
            )
        )
    assert rdflib.compare.isomorphic(back, expected)


def test_construct_turtle_is_exact(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", CONSTRUCT, *TINY)
    assert result.out == (
        "@prefix kg: <https://w3id.org/kgraph/ns#> .\n"
        "@prefix kgr: <https://w3id.org/kgraph/id/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "\n"
        "kgr:delta-valley kg:attackedBy kgr:betastan ;\n"
        '\tskos:prefLabel "D\u00e9lta Valley"@en .\n'
    )


def test_describe(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", "DESCRIBE kgr:omega-corp", *TINY, "-f", "ntriples")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines == sorted(lines) and len(lines) == 5
    assert f'<{KGR}omega-corp> <{PREFIXES["skos"]}prefLabel> "Omega Corp & \\"Sons\\" <Ltd>"@en .' in lines


@pytest.mark.parametrize(
    ("query", "fmt", "message"),
    [
        (
            STATES,
            "turtle",
            "a SELECT query gives rows: --format turtle does not fit; use table, json, jsonl, csv, tsv",
        ),
        (
            "ASK { ?s ?p ?o }",
            "csv",
            "a ASK query gives true or false: --format csv does not fit; use table, json",
        ),
        (
            CONSTRUCT,
            "table",
            "a CONSTRUCT query gives triples: --format table does not fit; use turtle, ntriples, jsonld",
        ),
        ("DESCRIBE kgr:alphaland", "json", "a DESCRIBE query gives triples: --format json does not fit"),
        (STATES, "xml", "unknown format 'xml'"),
    ],
)
def test_a_format_that_does_not_fit_is_refused(run_cli, query: str, fmt: str, message: str) -> None:  # type: ignore[no-untyped-def]
    _one_line_error(run_cli("query", query, *TINY, "--format", fmt), 2, message)


# ---------------------------------------------------------------- where queries come from, results go


def test_query_from_a_file_and_from_stdin(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "states.rq"
    path.write_text("# our prefixes are pre-bound\n" + STATES + "\n", encoding="utf-8")
    from_file = run_cli("query", f"@{path}", *TINY)
    assert from_file.code == 0 and "kgr:betastan   Betastan" in from_file.out
    monkeypatch.setattr("sys.stdin", io.StringIO(STATES))
    from_stdin = run_cli("query", "-", *TINY)
    assert from_stdin.out == from_file.out


def test_relative_iris_resolve_against_the_query_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rel.rq"
    path.write_text("SELECT ?x WHERE { BIND(<other.ttl> AS ?x) }", encoding="utf-8")
    result = run_cli("query", f"@{path}", *TINY, "-f", "csv")
    assert result.out == f"x\r\n{(tmp_path / 'other.ttl').as_uri()}\r\n"


def test_unreadable_query_files(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _one_line_error(
        run_cli("query", f"@{tmp_path / 'missing.rq'}", *TINY), 2, "missing.rq: no such query file"
    )
    _one_line_error(run_cli("query", f"@{tmp_path}", *TINY), 2, "is a directory, not a query file")
    latin = tmp_path / "latin.rq"
    latin.write_bytes("SELECT * WHERE { ?s ?p 'caf\u00e9' }".encode("latin-1"))
    _one_line_error(run_cli("query", f"@{latin}", *TINY), 2, "latin.rq: not UTF-8 text")
    _one_line_error(run_cli("query", "@", *TINY), 2, "@ must be followed by a file name")
    plain = tmp_path / "plain.rq"
    plain.write_text(STATES)
    _one_line_error(run_cli("query", str(plain), *TINY), 2, f"write @{plain} to run the query it holds")


def test_output_file_is_written_atomically(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "states.csv"
    target.write_text("old contents")
    result = run_cli("query", STATES, *TINY, "-o", target)
    assert result.code == 0 and result.out == ""
    assert result.err == f"{target}: 2 rows\n"
    assert (
        target.read_bytes()
        == f"actor,label\r\n{KGR}alphaland,Alphaland\r\n{KGR}betastan,Betastan\r\n".encode()
    )
    assert [p.name for p in tmp_path.iterdir()] == ["states.csv"]
    turtle = tmp_path / "graph.ttl"
    assert run_cli("query", CONSTRUCT, *TINY, "--output", turtle).err == f"{turtle}: 2 triples\n"
    assert turtle.read_text().startswith("@prefix kg:")
    # An extension that does not fit is refused, not silently ignored.
    _one_line_error(
        run_cli("query", STATES, *TINY, "-o", tmp_path / "rows.ttl"), 2, "--format turtle does not fit"
    )
    _one_line_error(run_cli("query", STATES, *TINY, "-o", tmp_path / "nodir" / "x.csv"), 2, "does not exist")


# ---------------------------------------------------------------- named queries


def test_list_named_queries(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", "--list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["name", "description", "parameters"]
    names = [line.split()[0] for line in lines[2:]]
    assert names == SHIPPED
    arms = next(line for line in lines if line.startswith("arms-suppliers "))
    assert "Who supplies arms to whom" in arms and arms.endswith("supplier (actor), recipient (actor)")
    doc = json.loads(run_cli("query", "--list", "-f", "json").out)
    assert [q["name"] for q in doc] == SHIPPED
    assert doc[SHIPPED.index("arms-suppliers")]["parameters"][0] == {
        "name": "supplier",
        "kind": "actor",
        "description": "only this supplier (a name, alias, CURIE or IRI)",
    }


@pytest.mark.parametrize("graph", [TINY_TTL, BUNDLED_TTL], ids=["tiny", "bundled"])
@pytest.mark.parametrize("name", SHIPPED)
def test_every_named_query_runs(run_cli, graph: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", name, "--graph", graph, "-f", "json")
    assert result.code == 0 and result.err == ""
    doc = json.loads(result.out)
    assert doc["head"]["vars"]
    assert doc["results"]["bindings"] or (name == "claim-links" and graph == TINY_TTL)


def test_named_query_on_the_tiny_graph(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", "hedged-claims", *TINY)
    assert result.out == (
        "subject       predicate        object           text" + " " * 92 + "reportedBy  claim\n"
        "------------  ---------------  ---------------  "
        "----------------------------------------------------------------------------------------------  "
        "----------  --------------------------\n"
        "kgr:betastan  kg:grantsBaseTo  kgr:alpha-intel  "
        "Betastan would reportedly let Alphaland's intelligence service set up a base on its territory."
        "              kgr:claim-a3195a02ddfab514\n"
    )


def test_named_query_parameters(run_cli) -> None:  # type: ignore[no-untyped-def]
    alpha = run_cli("query", "arms-suppliers", *TINY, "--param", "supplier=Alpha", "-f", "csv")
    assert alpha.code == 0
    rows = list(csv.DictReader(io.StringIO(alpha.out, newline="")))
    assert [(r["supplier"], r["share"], r["start"], r["end"], r["reportedBy"]) for r in rows] == [
        (KGR + "alphaland", "0.6", "2015", "2019", KGR + "gamma-institute")
    ]
    none = run_cli("query", "arms-suppliers", *TINY, "-p", "supplier=Betastan", "-p", "recipient=Alphaland")
    assert none.out == "(no results)\n"
    _one_line_error(
        run_cli("query", "arms-suppliers", *TINY, "-p", "supplier=Zeta"), 1, "no actor or event named 'Zeta'"
    )
    _one_line_error(
        run_cli("query", "arms-suppliers", *TINY, "-p", "who=x"), 2, "arms-suppliers has no parameter 'who'"
    )


def test_parameters_of_any_query(run_cli) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }"
    found = run_cli("query", query, *TINY, "-p", 'label="Betastan"@en', "-f", "csv")
    assert found.out == f"s,label\r\n{KGR}betastan,Betastan\r\n"
    hostile = run_cli("query", query, *TINY, "-p", 'label=Betastan"@en } UNION { ?s ?p ?label } #')
    assert hostile.out == "(no results)\n"
    _one_line_error(
        run_cli("query", "SELECT ?label WHERE { ?s skos:prefLabel ?label }", *TINY, "-p", "s=kgr:alphaland"),
        2,
        "(a binding, such as --param, fixes only variables the top-level SELECT returns)",
    )


def test_unknown_named_query_suggests(run_cli) -> None:  # type: ignore[no-untyped-def]
    _one_line_error(
        run_cli("query", "arms-supplier", *TINY),
        1,
        "kgraph: no named query 'arms-supplier' (see `kgraph query --list`); did you mean 'arms-suppliers'?",
    )


# ---------------------------------------------------------------- errors


def test_malformed_sparql_is_one_line_with_position(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", "SELECT ?s\nWHERE { ?s ?p }", *TINY)
    _one_line_error(result, 2, "kgraph: malformed SPARQL: line 2, column ")
    result = run_cli("query", "SELECT * WHERE {\n  ?s foo:bar ?o }", *TINY)
    _one_line_error(result, 2, "kgraph: malformed SPARQL: line 2, column 6: unknown prefix foo:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give a query: SPARQL text, @FILE, - for stdin"),
        (("--list", "timeline"), "--list takes no query"),
        (("SELECT * {}", "--timeout", "-1"), "--timeout must be 0"),
        (("SELECT * {}", "--timeout", "nan"), "--timeout must be 0 (no limit) or a positive number"),
        (("SELECT * {}", "--timeout", "inf"), "--timeout must be at most"),
        (("SELECT * {}", "--timeout", "1e300"), "--timeout must be at most"),
        (("SELECT * {}", "--timeout", "-inf"), "--timeout must be 0"),
        (("SELECT * {}", "--graph", "missing.ttl"), "missing.ttl: no such graph file"),
        (("SELECT * {}", "--graph", str(TINY_TTL), "--endpoint", "http://127.0.0.1:9/"), "give only one of"),
    ],
)
def test_usage_errors(run_cli, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    _one_line_error(run_cli("query", *args), 2, message)


def test_timeout_stops_a_slow_query(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.nt"
    big.write_text(
        "".join(f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(3000))
    )
    cross = "SELECT * WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
    result = run_cli("query", cross, "--graph", big, "--timeout", "0.2")
    _one_line_error(result, 4, "kgraph: query stopped after 0.2 s (raise --timeout to wait longer)")
    # The abandoned worker notices and stops instead of filling memory with rows.
    for _ in range(100):
        if not any(t.name == "kgraph-query" and t.is_alive() for t in threading.enumerate()):
            break
        time.sleep(0.05)
    assert not any(t.name == "kgraph-query" and t.is_alive() for t in threading.enumerate())


def test_cli_start_does_not_import_rdflib() -> None:
    code = (
        "import sys\n"
        "from kgraph.cli.app import main\n"
        f"main(['query', 'ASK {{ ?s ?p ?o }}', '--graph', {str(TINY_TTL)!r}])\n"
        "main(['query', 'arms-suppliers', '--graph', " + repr(str(TINY_TTL)) + ", '-f', 'csv'])\n"
        "print('rdflib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "False"


# ---------------------------------------------------------------- safety: SERVICE and updates


@pytest.fixture
def endpoint(loopback_endpoint) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    return loopback_endpoint.url, loopback_endpoint.requests


def test_service_is_refused_before_any_request(run_cli, endpoint: tuple[str, list[str]]) -> None:  # type: ignore[no-untyped-def]
    url, requests = endpoint
    query = f"SELECT ?label WHERE {{ SERVICE <{url}> {{ ?s skos:prefLabel ?label }} }}"
    _one_line_error(
        run_cli("query", query, *TINY),
        2,
        "kgraph: the query calls SERVICE, which sends requests to another server; rerun with --allow-service",
    )
    # Asked of a remote endpoint, it is refused before the endpoint hears of it too.
    _one_line_error(run_cli("query", query, "--endpoint", url), 2, "rerun with --allow-service")
    assert requests == []


def test_allow_service_federates(run_cli, endpoint: tuple[str, list[str]]) -> None:  # type: ignore[no-untyped-def]
    url, requests = endpoint
    query = f"SELECT ?label WHERE {{ SERVICE <{url}> {{ kgr:alphaland skos:prefLabel ?label }} }}"
    result = run_cli("query", query, *TINY, "--allow-service", "-f", "csv")
    assert (result.code, result.out) == (0, "label\r\nAlphaland\r\n")
    assert len(requests) == 1 and "file:" not in requests[0]  # no local path is sent away


def test_service_words_elsewhere_are_fine(run_cli) -> None:  # type: ignore[no-untyped-def]
    query = (
        "PREFIX ex: <http://example.org/>\n"
        "SELECT ?service WHERE { ?service ex:SERVICE <http://example.org/SERVICE> . "
        "?service ?p 'SERVICE <http://example.org/> { }' } # SERVICE"
    )
    assert run_cli("query", query, *TINY).out == "(no results)\n"


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { kgr:a kg:suppliesArmsTo kgr:b }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/more.ttl>",
        "CLEAR DEFAULT",
        "drop all",
    ],
)
def test_updates_are_refused(run_cli, update: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    graph = tmp_path / "g.ttl"
    graph.write_bytes(TINY_TTL.read_bytes())
    keyword = update.split()[0].upper()
    _one_line_error(
        run_cli("query", update, "--graph", graph),
        2,
        f"kgraph: this is a SPARQL update ({keyword}); kgraph query only reads graphs and never changes one",
    )
    assert graph.read_bytes() == TINY_TTL.read_bytes()


# ---------------------------------------------------------------- other backends


def test_on_disk_store(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kgraph.store import load_into_store

    load_into_store(tmp_path / "db", [TINY_TTL])
    result = run_cli("query", STATES, "--store", tmp_path / "db")
    assert result.out == run_cli("query", STATES, *TINY).out


def test_remote_endpoint(run_cli, endpoint: tuple[str, list[str]]) -> None:  # type: ignore[no-untyped-def]
    url, requests = endpoint
    assert run_cli("query", STATES, "--endpoint", url).out == run_cli("query", STATES, *TINY).out
    assert run_cli("query", "ASK { ?s a kg:Claim }", "--endpoint", url).out == "true\n"
    local = run_cli("query", "arms-suppliers", *TINY, "-p", "supplier=Alphaland", "-f", "tsv").out
    assert (
        run_cli("query", "arms-suppliers", "--endpoint", url, "-p", "supplier=Alphaland", "-f", "tsv").out
        == local
    )
    assert all("file:" not in q for q in requests)  # no local base IRI is sent to the endpoint


# ---------------------------------------------------------------- -o FILE: its extension, from one table


@pytest.mark.parametrize("name", ["rows.xyz", "rows", "rows.srx", "rows.TXT.bak"])
def test_an_unknown_output_extension_is_refused(run_cli, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / name
    _one_line_error(
        run_cli("query", STATES, *TINY, "-o", target),
        2,
        "no query result format for",
    )
    assert not target.exists()
    # Named with --format, any file name will do.
    assert run_cli("query", STATES, *TINY, "-o", target, "-f", "csv").code == 0
    assert target.read_text().startswith("actor,label")


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("graph.rdf", lambda text: text.startswith('<?xml version="1.0"')),
        ("graph.owl", lambda text: "<rdf:RDF" in text),
        ("graph.json", lambda text: json.loads(text)["@context"] == PREFIXES),
        ("graph.nt", lambda text: text.startswith(f"<{KGR}")),
        ("graph.ttl", lambda text: text.startswith("@prefix kg:")),
    ],
)
def test_output_extension_sets_the_graph_format(run_cli, tmp_path: Path, name: str, check: object) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / name
    result = run_cli("query", CONSTRUCT, *TINY, "-o", target)
    assert result.code == 0, result.err
    text = target.read_text(encoding="utf-8")
    assert check(text)  # type: ignore[operator]
    fmt = {".rdf": RdfFormat.RDF_XML, ".owl": RdfFormat.RDF_XML, ".json": RdfFormat.JSON_LD}.get(
        target.suffix, RdfFormat.from_extension(target.suffix[1:])
    )
    assert len(list(parse(text.encode(), format=fmt))) == 2


def test_rdfxml_is_a_graph_format(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", CONSTRUCT, *TINY, "-f", "rdfxml")
    assert result.code == 0 and "<rdf:RDF" in result.out
    back = {str(t) for t in parse(result.out.encode(), format=RdfFormat.RDF_XML)}
    ntriples = run_cli("query", CONSTRUCT, *TINY, "-f", "ntriples").out
    assert back == {str(t) for t in parse(ntriples.encode(), format=RdfFormat.N_TRIPLES)}
    _one_line_error(run_cli("query", STATES, *TINY, "-f", "rdfxml"), 2, "--format rdfxml does not fit")
    odd = "CONSTRUCT { ?s <http://example.org/1> ?o } WHERE { ?s kg:attacked ?o }"
    _one_line_error(run_cli("query", odd, *TINY, "-f", "rdfxml"), 2, "RDF/XML cannot write the predicate")


def test_sparql_csv_and_tsv_results_are_not_neutralized(run_cli) -> None:  # type: ignore[no-untyped-def]
    # W3C results are an exchange format: values stay exactly what the graph holds.
    query = 'SELECT ?x ?y WHERE { BIND("=1+2" AS ?x) BIND("--09-19" AS ?y) }'
    assert run_cli("query", query, *TINY, "-f", "csv").out == "x,y\r\n=1+2,--09-19\r\n"
    assert run_cli("query", query, *TINY, "-f", "tsv").out == '?x\t?y\n"=1+2"\t"--09-19"\n'


def test_the_query_is_checked_once(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import kgraph.query

    calls: list[str] = []
    real = kgraph.query.analyze

    def counting(text: str) -> kgraph.query.QueryInfo:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(kgraph.query, "analyze", counting)
    assert run_cli("query", STATES, *TINY).code == 0
    assert calls == [STATES]


def test_a_param_the_query_does_not_return_is_refused_on_both_backends(  # type: ignore[no-untyped-def]
    run_cli, endpoint: tuple[str, list[str]]
) -> None:
    url, requests = endpoint
    query = "SELECT ?label WHERE { ?s skos:prefLabel ?label }"
    local = run_cli("query", query, *TINY, "-p", "s=kgr:alphaland")
    remote = run_cli("query", query, "--endpoint", url, "-p", "s=kgr:alphaland")
    _one_line_error(local, 2, "fixes only variables the top-level SELECT returns")
    _one_line_error(remote, 2, "fixes only variables the top-level SELECT returns")
    assert local.err == remote.err
    assert requests == []  # refused before anything was sent
    # A variable the SELECT returns is fine on both.
    ok = "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }"
    assert (
        run_cli("query", ok, "--endpoint", url, "-p", "s=kgr:alphaland").out
        == run_cli("query", ok, *TINY, "-p", "s=kgr:alphaland").out
    )


def test_a_streamed_select_is_stopped_when_no_row_comes_in_time(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    small = tmp_path / "small.nt"
    small.write_text(
        "".join(f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(300))
    )
    # A count over a cross product: seconds of work before the one row, in no memory.
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
    out = tmp_path / "rows.csv"
    result = run_cli("query", slow, "--graph", small, "--timeout", "0.3", "-o", out)
    _one_line_error(result, 4, "kgraph: query stopped after 0.3 s (raise --timeout to wait longer)")
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["small.nt"]
    # Oxigraph cannot be interrupted inside the count; the worker ends with it, writing nothing.
    for _ in range(600):
        if not any(t.name == "kgraph-stream" and t.is_alive() for t in threading.enumerate()):
            break
        time.sleep(0.05)
    else:
        pytest.fail("the streaming worker did not stop")


def test_a_streamed_select_writes_every_row(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.nt"
    big.write_text(
        "".join(f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(5000))
    )
    out = tmp_path / "rows.tsv"
    result = run_cli("query", "SELECT ?s ?o WHERE { ?s ?p ?o }", "--graph", big, "-o", out)
    assert (result.code, result.out, result.err) == (0, "", f"{out}: 5000 rows\n")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "?s\t?o" and len(lines) == 5001
    assert sorted(lines[1:]) == sorted(f'<http://example.org/s{i}>\t"{i}"' for i in range(5000))

"""Hostile input is one line on stderr and exit 2: never a signal, a traceback or exit 3
(kgraph.limits, the input checks of kgraph.store and kgraph.query; docs/security.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kgraph.errors import QuerySyntaxError, RdfSyntaxError
from kgraph.limits import MAX_JSON_DEPTH, MAX_SPARQL_DEPTH, check_json_depth, check_rdfxml, check_sparql_depth

from .conftest import TINY_TTL

RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/"'
DESCRIPTION = '<rdf:Description rdf:about="http://e/a{i}"><e:p>x</e:p></rdf:Description>'


def _one_line_error(result: object, text: str) -> None:
    assert result.code == 2, (result.out, result.err)  # type: ignore[attr-defined]
    assert result.err.count("\n") == 1 and result.err.startswith("kgraph: "), result.err  # type: ignore[attr-defined]
    assert text in result.err, result.err  # type: ignore[attr-defined]


def _kgraph(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """In a child process: a regression here is a segfault, which must not kill the test run."""
    return subprocess.run(
        [sys.executable, "-m", "kgraph", *args], input=stdin, capture_output=True, timeout=120, check=False
    )


# ---------------------------------------------------------------- nesting (was exit 139)


def test_deep_jsonld_is_refused_not_a_segfault(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonld"
    path.write_text('{"@id": "http://e/x", "http://e/p": ' * 4000 + "1" + "}" * 4000)
    done = _kgraph("stats", "--graph", str(path))
    assert done.returncode == 2
    assert done.stderr.decode() == (
        f"kgraph: {path}: JSON nests more than 500 deep; kgraph refuses such files (docs/security.md)\n"
    )


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
        "SELECT * { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    ],
    ids=["braces", "parentheses"],
)
def test_deep_sparql_is_refused_not_a_segfault(query: str) -> None:
    done = _kgraph("query", "-", "--graph", str(TINY_TTL), stdin=query.encode())
    assert done.returncode == 2
    assert done.stderr.decode() == (
        "kgraph: malformed SPARQL: line 1: brackets nest more than 200 deep; "
        "kgraph refuses such queries (docs/security.md)\n"
    )


def test_sparql_depth_ignores_brackets_in_strings_iris_and_comments() -> None:
    noise = '"{{{(" \'((\' """{\n{""" <http://e/{x}> # {{{{\n'
    check_sparql_depth("SELECT * { ?s ?p " + noise * (MAX_SPARQL_DEPTH + 1) + " }")
    check_sparql_depth(
        "SELECT * { FILTER(?a < ?b && ?b > 1) " + "{" * (MAX_SPARQL_DEPTH - 1) + "}" * 200 + "}"
    )
    with pytest.raises(QuerySyntaxError, match="line 2"):
        check_sparql_depth("SELECT *\n" + "{" * (MAX_SPARQL_DEPTH + 1))


def test_json_depth_counts_only_outside_strings() -> None:
    check_json_depth([b'{"a": "' + b"[{" * 1000 + b'\\"[["}'], "x.jsonld")
    check_json_depth([b"[" * MAX_JSON_DEPTH, b"]" * MAX_JSON_DEPTH], "x.jsonld")
    with pytest.raises(RdfSyntaxError, match="more than 500 deep"):
        check_json_depth([b"[" * 300, b'"]]]"', b"{" * 201], "x.jsonld")


# ---------------------------------------------------------------- RDF/XML


def test_entity_declarations_are_refused(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "lol.rdf"
    lols = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE r [{lols}]>\n'
        f'<rdf:RDF {RDF}><rdf:Description rdf:about="http://e/a"><e:p>&l9;</e:p></rdf:Description></rdf:RDF>'
    )
    result = run_cli("stats", "--graph", path)
    _one_line_error(result, f"{path}:2: declares XML entities (<!ENTITY>); kgraph refuses them")
    store = tmp_path / "store"
    _one_line_error(run_cli("load", store, path), "declares XML entities")
    assert not store.exists()


def test_deep_rdfxml_is_refused(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "deep.rdf"
    nest = '<rdf:Description rdf:about="http://e/a"><e:p rdf:parseType="Resource">'
    path.write_text(f"<rdf:RDF {RDF}>" + nest * 2000)
    _one_line_error(run_cli("stats", "--graph", path), f"{path}:1: elements nest more than 500 deep")


def test_truncated_rdfxml_is_refused_not_half_loaded(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cut.rdf"
    whole = f"<rdf:RDF {RDF}>" + "".join(DESCRIPTION.format(i=i) for i in range(10)) + "</rdf:RDF>"
    path.write_text(whole[: len(whole) // 2])
    message = "not well-formed XML: the file ends before the XML does (truncated?)"
    _one_line_error(run_cli("stats", "--graph", path), message)
    store = tmp_path / "store"
    _one_line_error(run_cli("load", store, path), message)
    assert not store.exists()
    path.write_text(whole)
    assert run_cli("load", store, path).code == 0


def test_well_formed_rdfxml_passes_the_check() -> None:
    check_rdfxml([f"<rdf:RDF {RDF}>".encode(), DESCRIPTION.format(i=1).encode(), b"</rdf:RDF>"], "ok.rdf")


# ---------------------------------------------------------------- not UTF-8 (was exit 3)


def test_argument_not_utf8_is_refused() -> None:
    done = _kgraph("show", "--graph", str(TINY_TTL), "\udcff\udcfeAlphaland")
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr == b"kgraph: argument 4 is not valid UTF-8 text\n"


def test_param_not_utf8_is_refused(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", "SELECT ?x {}", "--param", "x=\udcff", "--graph", TINY_TTL)
    _one_line_error(result, "argument 4 is not valid UTF-8 text")


def test_stdin_not_utf8_is_refused() -> None:
    done = _kgraph("query", "-", "--graph", str(TINY_TTL), stdin=b'SELECT * { ?s ?p "\xff" }')
    assert (done.returncode, done.stderr) == (2, b"kgraph: stdin: not UTF-8 text (byte 18)\n")


# ---------------------------------------------------------------- messages


def test_graph_directory_says_so(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _one_line_error(run_cli("stats", "--graph", tmp_path), f"{tmp_path}: is a directory, not an RDF file")


def test_graph_url_says_so_unmangled(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("stats", "--graph", "http://example.org/x.ttl")
    _one_line_error(result, "http://example.org/x.ttl: is a URL, not a file; kgraph reads only local files")


def test_remote_jsonld_context_is_refused_in_our_words(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "http://127.0.0.1:9/ctx", "@id": "http://e/a", "http://e/p": "x"}')
    result = run_cli("stats", "--graph", path)
    _one_line_error(result, f"{path}: the JSON-LD names a remote @context; kgraph never fetches one")


def test_leading_bom_is_accepted(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + TINY_TTL.read_bytes())
    assert run_cli("stats", "--graph", path).out == run_cli("stats", "--graph", TINY_TTL).out


# ---------------------------------------------------------------- reading what kgraph writes


@pytest.mark.parametrize("suffix", [".turtle", ".owl", ".rdf", ".nt", ".jsonld", ".json", ".trig", ".nq"])
def test_graph_reads_what_export_writes(run_cli, tmp_path: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    from pyoxigraph import RdfFormat, serialize

    from kgraph.store import parse_file, rdf_format_for

    triples = parse_file(TINY_TTL)
    path = tmp_path / f"copy{suffix}"
    fmt = rdf_format_for(path)
    quads = fmt in (RdfFormat.TRIG, RdfFormat.N_QUADS)
    from pyoxigraph import DefaultGraph, Quad

    path.write_bytes(serialize([Quad(*t, DefaultGraph()) for t in triples] if quads else triples, format=fmt))
    assert sorted(map(str, parse_file(path))) == sorted(map(str, triples))
    assert run_cli("stats", "--graph", path).out == run_cli("stats", "--graph", TINY_TTL).out


def test_graph_from_stdin_is_read_by_its_first_character() -> None:
    done = _kgraph("stats", "--graph", "-", stdin=TINY_TTL.read_bytes())
    assert done.returncode == 0 and b"274" in done.stdout, done.stderr
    nt = b"<http://e/a> <http://e/b> <http://e/c> .\n"
    done = _kgraph("query", "ASK { <http://e/a> ?p ?o }", "-f", "json", "--graph", "-", stdin=nt)
    assert done.returncode == 0 and b'"boolean": true' in done.stdout, done.stderr


# ---------------------------------------------------------------- claims not in kgraph's shape

CLAIM = "kgr:claim-253d991dfaa1ebc1"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('rdf:subject "Betastan"', 'a claim has one rdf:subject, not 2 ("Betastan", kgr:betastan)'),
        (
            'prov:wasAttributedTo "someone"',
            'prov:wasAttributedTo must name a resource, not the literal "someone"',
        ),
        ("kg:modality kg:analysis", "a claim has one kg:modality, not 2 (kg:analysis, kg:asserted)"),
    ],
    ids=["literal-subject", "literal-attribution", "two-modalities"],
)
def test_claim_in_the_wrong_shape_is_named(run_cli, tmp_path: Path, extra: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "odd.ttl"
    path.write_text(TINY_TTL.read_text() + f"\n{CLAIM} {extra} .\n")
    # Listed under every filter that picks the claim, kg:analysis too for the second modality.
    modalities = ["asserted", "analysis"] if "kg:modality" in extra else ["asserted"]
    for args in (["claims"], *(["claims", "--modality", m] for m in modalities)):
        _one_line_error(run_cli(*args, "--graph", path), f"kgraph: {CLAIM}: {message}")


def test_export_of_a_graph_without_claims_says_so(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    foaf = tmp_path / "foaf.ttl"
    foaf.write_text('@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<http://e/a> foaf:name "A" .\n')
    out = tmp_path / "out.csv"
    result = run_cli("export", "--graph", foaf, "-f", "csv", "-o", out)
    _one_line_error(result, f"{foaf} holds no kgraph claims (no kg:Claim nodes")
    assert not out.exists()


def test_empty_selection_of_a_kgraph_graph_is_no_error(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.csv"
    result = run_cli("export", "--graph", TINY_TTL, "-f", "csv", "--since", "2100", "-o", out)
    assert (result.code, result.err) == (0, f"{out}: csv, 0 actors and events, 0 claims\n")

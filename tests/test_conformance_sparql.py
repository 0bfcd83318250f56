"""The W3C SPARQL 1.1 syntax suites, run through `kgraph query @FILE` on the tiny graph.

Positive query tests parse and run (exit 0). Positive update tests are refused as updates
(exit 2): `kgraph query` never changes a graph. Negative tests, query or update, exit 2 with
one line on stderr. Manifests are read with rdflib, as a user's tool would.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import SHARED, TINY_TTL

SUITES = SHARED / "conformance" / "w3c-rdf-tests" / "sparql" / "sparql11"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"

# Positive tests Oxigraph cannot run, each with the reason; strict, so a fix shows up.
XFAIL = {
    "syntax-select-expr-04.rq": "Oxigraph parses it but refuses to evaluate a call to an unknown "
    "extension function (<http://example/function>) instead of treating the call as an error "
    "that leaves ?F unbound",
}


def _cases() -> list[tuple[str, str, Path]]:
    import rdflib

    cases = []
    for manifest in sorted(SUITES.glob("*/manifest.ttl")):
        graph = rdflib.Graph().parse(manifest, format="turtle")
        for test, kind in graph.subject_objects(rdflib.RDF.type):
            action = graph.value(test, rdflib.URIRef(MF + "action"))
            if action is None or not str(kind).startswith(MF):
                continue
            path = manifest.parent / str(action).rsplit("/", 1)[-1]
            cases.append((f"{manifest.parent.name}/{path.name}", str(kind)[len(MF) :], path))
    return sorted(cases)


CASES = _cases() if SUITES.is_dir() else []


def test_suites_are_present() -> None:
    if not CASES:
        if os.environ.get("CI"):
            pytest.fail(f"the W3C SPARQL suites are missing under {SUITES}")
        pytest.skip("the W3C SPARQL suites are not available")
    kinds = {kind for _, kind, _ in CASES}
    assert {"PositiveSyntaxTest11", "NegativeSyntaxTest11"} <= kinds
    assert sum(kind == "PositiveSyntaxTest11" for _, kind, _ in CASES) >= 60


def _params() -> list[object]:
    params = []
    for name, kind, path in CASES:
        marks = []
        if kind == "PositiveSyntaxTest11" and path.name in XFAIL:
            marks.append(pytest.mark.xfail(reason=XFAIL[path.name], strict=True))
        params.append(pytest.param(kind, path, id=name, marks=marks))
    return params


@pytest.mark.parametrize(("kind", "path"), _params())
def test_w3c_sparql_syntax(run_cli, kind: str, path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("query", f"@{path}", "--graph", TINY_TTL)
    lines = result.err.splitlines()
    assert "Traceback" not in result.err
    if kind == "PositiveSyntaxTest11":
        assert result.code == 0, result.err
        assert result.err == ""
    elif kind == "PositiveUpdateSyntaxTest11":
        # A valid update is refused as one; an update without operations (only a prologue) is
        # not a query either.
        assert result.code == 2
        assert len(lines) == 1
        assert "this is a SPARQL update" in lines[0] or "no query: expected SELECT" in lines[0], lines[0]
    else:
        assert kind in ("NegativeSyntaxTest11", "NegativeUpdateSyntaxTest11")
        assert result.code == 2, result.out
        assert len(lines) == 1 and lines[0].startswith("kgraph: "), result.err
        assert result.out == ""
        if kind == "NegativeSyntaxTest11" and "malformed SPARQL" in lines[0] and "no query" not in lines[0]:
            assert "line " in lines[0] and "column " in lines[0]

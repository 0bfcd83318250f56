"""The W3C RDF 1.1 Turtle and N-Triples test suites, read the way kgraph reads any graph file.

Positive tests load; evaluation tests give exactly the expected triples; negative tests are
refused with an RdfSyntaxError whose message is one line naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pyoxigraph import CanonicalizationAlgorithm, Dataset, DefaultGraph, NamedNode, Quad, RdfFormat, parse

from kgraph.errors import RdfSyntaxError
from kgraph.store import parse_file

from .conftest import SHARED

SUITES = SHARED / "conformance" / "w3c-rdf-tests" / "rdf" / "rdf11"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFT = "http://www.w3.org/ns/rdftest#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _cases() -> list[tuple[str, str, Path, Path | None, str]]:
    cases = []
    for suite, base in (
        ("rdf-turtle", "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/"),
        ("rdf-n-triples", "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-n-triples/"),
    ):
        manifest = SUITES / suite / "manifest.ttl"
        if not manifest.is_file():
            continue
        triples = list(parse(path=str(manifest), format=RdfFormat.TURTLE, base_iri=base + "manifest.ttl"))
        by_subject: dict[object, dict[str, object]] = {}
        for t in triples:
            by_subject.setdefault(t.subject, {})[t.predicate.value] = t.object
        for subject, props in by_subject.items():
            kind = props.get(RDF_TYPE.value)
            action = props.get(MF + "action")
            if not isinstance(kind, NamedNode) or not kind.value.startswith(RDFT) or action is None:
                continue
            result = props.get(MF + "result")
            name = str(props.get(MF + "name", subject)).strip('"')

            def to_path(node: NamedNode, suite: str = suite, base: str = base) -> Path:
                return SUITES / suite / node.value[len(base) :]

            cases.append(
                (
                    f"{suite}/{name}",
                    kind.value[len(RDFT) :],
                    to_path(action),
                    to_path(result) if result is not None else None,
                    base + to_path(action).name,
                )
            )
    return cases


CASES = _cases()


def test_suites_are_present() -> None:
    if not CASES:
        if os.environ.get("CI"):
            pytest.fail(f"W3C suites missing under {SUITES}")
        pytest.skip("W3C suites not available")
    assert len(CASES) > 350


def _canonical(path: Path, base: str) -> set[str]:
    """The triples with blank nodes canonically renamed (RDF canonicalization), as strings."""
    dataset = Dataset(
        Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in parse_file(path, base_iri=base)
    )
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in dataset}


@pytest.mark.parametrize(("name", "kind", "action", "result", "base"), CASES, ids=[c[0] for c in CASES])
def test_w3c_case(name: str, kind: str, action: Path, result: Path | None, base: str) -> None:
    if "Negative" in kind:
        with pytest.raises(RdfSyntaxError) as info:
            parse_file(action, base_iri=base)
        message = str(info.value)
        assert "\n" not in message and message.startswith(str(action))
        return
    triples = parse_file(action, base_iri=base)
    if kind.endswith("Eval") and result is not None:
        assert _canonical(action, base) == _canonical(result, base), name
    else:
        assert isinstance(triples, list)

"""Docs stay true: every CLI command has a section, every vocabulary term is documented."""

from __future__ import annotations

import re

import typer

from kgraph.cli.app import app

from .conftest import ROOT

DOCS = ROOT / "docs"


def _docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.md")))


def test_every_command_has_a_section() -> None:
    command = typer.main.get_command(app)
    names = sorted(command.commands)  # type: ignore[attr-defined]
    text = _docs_text()
    missing = [n for n in names if not re.search(rf"^#+ `?kgraph {re.escape(n)}\b", text, re.MULTILINE)]
    assert not missing, f"commands without a '## kgraph NAME' section in docs/: {missing}"


def test_every_vocabulary_term_is_documented_and_declared() -> None:
    import rdflib

    from kgraph.vocab import KG

    terms = sorted(KG.__annotations__)
    ontology = rdflib.Graph()
    for name in ("kgraph.ttl", "relations.ttl"):
        ontology.parse(ROOT / "src" / "kgraph" / "ontology" / name)
    declared = {str(s)[len(str(KG._NS)) :] for s in ontology.subjects() if str(s).startswith(str(KG._NS))}
    text = _docs_text()
    undeclared = [t for t in terms if t not in declared]
    undocumented = [t for t in terms if f"kg:{t}" not in text]
    unlabelled = [
        t
        for t in terms
        if (KG[t], rdflib.RDFS.label, None) not in ontology
        or (KG[t], rdflib.RDFS.comment, None) not in ontology
    ]
    extra = sorted(declared - set(terms))
    assert not undeclared, f"terms missing from the ontology: {undeclared}"
    assert not undocumented, f"terms missing from docs/: {undocumented}"
    assert not unlabelled, f"terms without rdfs:label and rdfs:comment: {unlabelled}"
    assert not extra, f"ontology declares terms the namespace lacks: {extra}"

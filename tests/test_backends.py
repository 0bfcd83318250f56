"""The read suite: every read command gives the same answer on every backend.

The bundled graph is read from its file, from an on-disk store made by `kgraph load`, from a
real Oxigraph server and from a real Virtuoso 7 (tests/servers.py starts both on loopback).
The files are the reference: each command's exit code, stdout and stderr must be the same,
byte for byte, through the other backends, but for the name of the graph where a command
prints it.
"""

from __future__ import annotations

import pytest

from tests.conftest import BUNDLED_TTL

READ_COMMANDS: list[tuple[str, ...]] = [
    ("show", "Israel"),
    ("show", "Azerbaijan"),
    ("show", "Iran"),
    ("show", "Baku"),
    ("show", "Q801"),
    ("show", "Armenia", "--exact"),
    ("show", "Israel", "-f", "json"),
    ("show", "Azerbaijan", "-f", "csv"),
    ("show", "Nowhereland"),
    ("claims",),
    ("claims", "--about", "Israel"),
    ("claims", "--about", "Azerbaijan", "-f", "json"),
    ("claims", "--modality", "alleged"),
    ("claims", "--modality", "curatorInferred", "-f", "jsonl"),
    ("claims", "--since", "2020"),
    ("claims", "--until", "2019", "-f", "csv"),
    ("claims", "--predicate", "suppliesArmsTo"),
    ("claims", "--source", "sipri-2021-nagorno-karabakh-backgrounder"),
    ("actors",),
    ("actors", "--type", "State"),
    ("actors", "-f", "json"),
    ("sources",),
    ("sources", "-f", "json"),
    ("events",),
    ("events", "-f", "json"),
    ("stats",),
    ("stats", "-f", "json"),
    ("path", "Israel", "Armenia"),
    ("path", "Iran", "Israel", "--max-hops", "2"),
    ("neighbors", "Israel"),
    ("neighbors", "Azerbaijan", "--depth", "2"),
    ("compare",),
    ("compare", "--about", "Israel", "-f", "json"),
    ("query", "actors-by-degree"),
    ("query", "arms-suppliers"),
    ("query", "arms-suppliers", "--param", "supplier=Israel"),
    ("query", "claim-evidence"),
    ("query", "claim-links"),
    ("query", "claims-by-source"),
    ("query", "curator-additions"),
    ("query", "figures"),
    ("query", "hedged-claims"),
    ("query", "reported-by"),
    ("query", "timeline"),
    ("query", "SELECT (COUNT(*) AS ?n) WHERE { ?c a kg:Claim }"),
    ("query", "ASK { kgr:israel skos:prefLabel ?l }", "-f", "json"),
    ("query", "CONSTRUCT { ?s schema:duration ?d } WHERE { ?s schema:duration ?d }", "-f", "ntriples"),
    ("export", "--focus", "Israel", "--depth", "1", "-f", "turtle"),
    ("export", "--focus", "Israel", "--depth", "1", "-f", "ntriples"),
    ("export", "--focus", "Azerbaijan", "--depth", "1", "-f", "cyjs"),
    ("export", "--focus", "Israel", "-f", "dot"),
    ("export", "--focus", "Iran", "-f", "graphml"),
    ("export", "--modality", "alleged", "-f", "csv"),
    ("export", "--focus", "Israel", "-f", "mermaid"),
    ("export", "-f", "ntriples"),
]


def _ids(command: tuple[str, ...]) -> str:
    return " ".join(command)[:60]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=_ids)
def test_every_backend_answers_like_the_file(
    run_cli, backend_args: list[str], command: tuple[str, ...]
) -> None:  # type: ignore[no-untyped-def]
    reference = run_cli(*command, "--graph", BUNDLED_TTL)
    assert reference.code in (0, 1), reference.err
    got = run_cli(*command, *backend_args)
    place = backend_args[-1]
    assert (got.code, got.out.replace(place, str(BUNDLED_TTL)), got.err) == (
        reference.code,
        reference.out,
        reference.err,
    )

"""`kgraph export` through the real entry point: formats, files, stdout, exit codes."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib

from .conftest import TINY_TTL
from .test_export_graphviz import need_dot

G = ("-g", str(TINY_TTL))


def test_default_is_turtle_on_stdout(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("export", *G, "--focus", "Alphaland")
    assert r.code == 0, r.err
    graph = rdflib.Graph().parse(data=r.out, format="turtle")
    assert len(graph) > 0
    assert r.err == ""


def test_format_by_extension(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name, check in [
        ("net.graphml", lambda p: ET.parse(p)),
        ("net.gexf", lambda p: ET.parse(p)),
        ("claims.csv", lambda p: list(csv.DictReader(p.open(encoding="utf-8", newline="")))),
        ("g.jsonld", lambda p: json.loads(p.read_text(encoding="utf-8"))),
        ("g.nt", lambda p: rdflib.Graph().parse(p, format="nt")),
        ("g.dot", lambda p: p.read_text(encoding="utf-8").startswith("digraph")),
    ]:
        out = tmp_path / name
        r = run_cli("export", *G, "-o", out)
        assert r.code == 0, r.err
        assert check(out)
        assert r.err.startswith(f"{out}: ") and "7 actors and events, 8 claims" in r.err


def test_format_option_overrides_extension(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "network.txt"
    r = run_cli("export", *G, "--format", "mermaid", "-o", out)
    assert r.code == 0, r.err
    assert out.read_text(encoding="utf-8").startswith("flowchart LR")


def test_svg_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    need_dot()
    out = tmp_path / "israel.svg"
    r = run_cli("export", *G, "--focus", "Betastan", "--depth", "1", "--rankdir", "TB", "-o", out)
    assert r.code == 0, r.err
    texts = {t.text for t in ET.parse(out).iter("{http://www.w3.org/2000/svg}text")}
    assert {"Betastan", "Alphaland", "Délta Valley"} <= texts


def test_stdout_formats(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("export", *G, "--modality", "alleged", "-f", "csv")
    assert r.code == 0
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert [row["key"] for row in rows] == ["base"]
    r = run_cli("export", *G, "--path", "Alpha", "Délta Valley", "-f", "mermaid", "-o", "-")
    assert r.code == 0 and r.out.count(" -->|") + r.out.count(" -.->|") == 3


def test_view_option(run_cli) -> None:  # type: ignore[no-untyped-def]
    claims = run_cli("export", *G, "-f", "nt", "--view", "claims").out
    actors = run_cli("export", *G, "-f", "nt", "--view", "actors").out
    assert len(actors.splitlines()) < len(claims.splitlines())
    assert "oa#Annotation" not in actors
    bad = run_cli("export", *G, "--view", "everything")
    assert bad.code == 2 and "--view" in bad.err


def test_construct_sources(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    query = "CONSTRUCT { ?a kg:attacked ?b } WHERE { ?a kg:attacked ?b }"
    rq = tmp_path / "q.rq"
    rq.write_text(query, encoding="utf-8")
    inline = run_cli("export", *G, "--construct", query, "-f", "csv")
    from_file = run_cli("export", *G, "--construct", f"@{rq}", "-f", "csv")
    monkeypatch.setattr("sys.stdin", io.StringIO(query))
    from_stdin = run_cli("export", *G, "--construct", "-", "-f", "csv")
    assert inline.code == from_file.code == from_stdin.code == 0
    assert inline.out == from_file.out == from_stdin.out
    assert len(list(csv.DictReader(io.StringIO(inline.out)))) == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--focus", "Nowhere"), 1, "no actor or event named 'Nowhere'"),
        (("--path", "Alphaland", "Gamma Institute"), 1, "no connection"),
        (("--source", "Daily Planet"), 1, "no source document or actor"),
        (("-f", "docx"), 2, "unknown export format 'docx'"),
        (("-o", "out.xyz"), 2, "no export format for .xyz"),
        (("--construct", "CONSTRUCT { ?s ?p ?o WHERE"), 2, "malformed SPARQL"),
        (("--construct", "SELECT * WHERE { ?s ?p ?o }"), 2, "CONSTRUCT"),
        (
            ("--construct", "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }"),
            2,
            "--allow-service",
        ),
        (("--construct", "@/nonexistent/q.rq"), 2, "no such query file"),
        (("--modality", "rumoured"), 2, "--modality: 'rumoured' is not one of"),
        (("--type", "Planet"), 1, "no actor type 'Planet' in this graph (known: Actor, Company, Event"),
        (("--predicate", "sellsCheeseTo"), 1, "no predicate 'sellsCheeseTo' in this graph (known: allyOf"),
        (("--focus", "http://a:b:c"), 1, "no actor or event named 'http://a:b:c'"),
        (("--path", "Alphaland", "http://a:b:c"), 1, "no actor or event named 'http://a:b:c'"),
        (("--source", "http://a:b:c"), 1, "no source document or actor named 'http://a:b:c'"),
        (("--predicate", "http://a:b:c"), 1, "no predicate 'http://a:b:c'"),
        (("--path", "Alphaland", "Délta Valley", "--max-hops", "1"), 1, "within 1 hops"),
        (("--path", "Alphaland", "Délta Valley", "--max-hops", "0"), 2, "--max-hops must be at least 1"),
        (("--timeout", "nan"), 2, "--timeout must be 0 (no limit) or a positive number of seconds"),
        (("--timeout", "inf"), 2, "--timeout must be at most"),
        (("--timeout", "1e300"), 2, "--timeout must be at most"),
        (("--timeout", "-1"), 2, "not -1"),
        (("--since", "yesterday"), 2, "not a date"),
        (("--depth", "-1"), 2, "depth"),
        (("--rankdir", "UP"), 2, "rankdir"),
        (("--merge", "all"), 2, "merge"),
        (("--focus", "Alphaland", "--construct", "CONSTRUCT {} WHERE {}"), 2, "on its own"),
    ],
)
def test_errors(run_cli, args: tuple[str, ...], code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("export", *G, *args)
    assert r.code == code, (r.out, r.err)
    assert message in r.err
    assert r.err.startswith("kgraph: ") and r.err.count("\n") == 1
    assert r.out == ""


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--predicate", "supplies arms to"),
        ("--predicate", "suppliesArmsTo"),
        ("--predicate", "kg:suppliesArmsTo"),
        ("--predicate", "https://w3id.org/kgraph/ns#suppliesArmsTo"),
        ("--predicate", "dcterms:date"),
        ("--predicate", "sellsCheeseTo"),
        ("--predicate", "http://a:b:c"),
        ("--modality", "hedged"),
        ("--modality", "Curator-Inferred"),
        ("--modality", "inferred"),
        ("--modality", "kg:alleged"),
        ("--source", "tiny"),
        ("--source", "Daily Planet"),
    ],
)
def test_options_read_as_in_kgraph_claims(run_cli, option: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """The same value gives the same claims and the same exit code in both commands."""
    looked_up = run_cli("claims", *G, option, value, "-f", "json")
    exported = run_cli("export", *G, option, value, "-f", "csv")
    assert exported.code == looked_up.code, (looked_up.err, exported.err)
    if looked_up.code == 0:
        want = {c["id"] for c in json.loads(looked_up.out)}
        assert {row["id"] for row in csv.DictReader(io.StringIO(exported.out))} == want
    else:
        assert exported.err.count("\n") == looked_up.err.count("\n") == 1


def test_zero_timeout_means_no_limit(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("export", *G, "--focus", "Alphaland", "--timeout", "0", "-f", "csv")
    assert r.code == 0, r.err


def test_the_summary_says_where_property_claims_went(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The tiny graph: 8 claims, 7 between two entities and the attack's date, a value.
    r = run_cli("export", *G, "-o", tmp_path / "g.graphml")
    assert r.err.endswith("7 actors and events, 8 claims (7 edges; 1 property claim as node attributes)\n")
    r = run_cli("export", *G, "--view", "claims", "-o", tmp_path / "g.cyjs")
    assert "(7 claim nodes; 1 property claim as node attributes)" in r.err
    r = run_cli("export", *G, "-o", tmp_path / "g.dot")
    assert "(7 drawn as edges; 1 property claim not drawn, except event dates)" in r.err
    r = run_cli("export", *G, "-o", tmp_path / "g.ttl")
    assert r.err.endswith("7 actors and events, 8 claims\n")
    r = run_cli("export", *G, "--focus", "Alphaland", "-o", tmp_path / "a.graphml")
    assert r.err.endswith("2 actors and events, 2 claims\n")


def test_missing_dot_exits_2_and_leaves_no_file(
    run_cli,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "picture.svg"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    r = run_cli("export", *G, "-o", out)
    assert r.code == 2
    assert "install Graphviz (apt install graphviz / brew install graphviz)" in r.err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_failed_export_leaves_the_old_file_alone(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "keep.ttl"
    out.write_text("old\n", encoding="utf-8")
    r = run_cli("export", *G, "--focus", "Nowhere", "-o", out)
    assert r.code == 1
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.ttl"]  # no temporary file left behind


def test_write_failure_in_the_middle_leaves_nothing(
    run_cli,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_space(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kgraph.fileio.os.replace", no_space)
    out = tmp_path / "claims.csv"
    r = run_cli("export", *G, "-o", out)
    assert r.code == 2 and "cannot write: No space left on device" in r.err
    assert list(tmp_path.iterdir()) == []


def test_binary_formats_refuse_a_terminal(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    r = run_cli("export", *G, "-f", "png")
    assert r.code == 2 and "-o FILE" in r.err


def test_png_to_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    need_dot()
    out = tmp_path / "x.png"
    assert run_cli("export", *G, "-o", out).code == 0
    assert out.read_bytes().startswith(b"\x89PNG")


def test_list_formats(run_cli) -> None:  # type: ignore[no-untyped-def]
    table = run_cli("export", "--list-formats")
    assert table.code == 0
    assert table.out.splitlines()[0].split() == [
        "format",
        "extensions",
        "media_type",
        "binary",
        "available",
        "description",
    ]
    rows = json.loads(run_cli("export", "--list-formats", "--format", "json").out)
    assert {r["format"] for r in rows} >= {
        "turtle",
        "jsonld",
        "dot",
        "svg",
        "graphml",
        "gexf",
        "csv",
        "mermaid",
        "cypher",
    }
    assert run_cli("export", "--list-formats", "--format", "yaml").code == 2


def test_help(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("export", "--help")
    assert r.code == 0
    for option in (
        "--focus",
        "--depth",
        "--path",
        "--max-hops",
        "--predicate",
        "--type",
        "--source",
        "--modality",
        "--since",
        "--until",
        "--construct",
        "--view",
        "--format",
        "--output",
        "--rankdir",
        "--list-formats",
    ):
        assert option in r.out

"""Mermaid and Cypher: structure a reader can rely on, and labels that decode to what they were."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import kgraph
from kgraph.export import ExportOptions, export
from kgraph.export.cypher import name, relationship_type, string
from kgraph.export.mermaid import text as mermaid_text
from kgraph.present import CURATORS_LEGEND, relation_label
from kgraph.subgraph import Selection

from .conftest import TINY_TTL
from .test_export_graphviz import actor, claim, make_graph

OMEGA = 'Omega Corp & "Sons" <Ltd>'
TORTURE = [OMEGA, "a\nb", "#quot; stays", "pipe | bracket ] brace } `tick`", "back\\slash", "Ժողովուրդ 人民"]


@pytest.fixture(scope="module")
def tiny() -> kgraph.KGraph:
    return kgraph.open(TINY_TTL)


def mermaid_decode(label: str) -> str:
    """What Mermaid shows for a quoted label: entity codes and <br> resolved."""
    assert label.startswith('"') and label.endswith('"') and '"' not in label[1:-1]
    body = label[1:-1].replace("<br>", "\n")
    return re.sub(
        r"#(\d+|[a-z]+);",
        lambda m: chr(int(m.group(1))) if m.group(1).isdigit() else html.unescape(f"&{m.group(1)};"),
        body,
    )


@pytest.mark.parametrize("value", TORTURE)
def test_mermaid_text_round_trips(value: str) -> None:
    encoded = mermaid_text(value)
    assert not set(encoded[1:-1].replace("<br>", "")) & set('"<>&`|[]{}\\')
    assert mermaid_decode(encoded) == value


def test_mermaid_flowchart(tiny: kgraph.KGraph) -> None:
    out = str(export(tiny, None, "mermaid"))
    lines = out.splitlines()
    assert lines[0] == "flowchart LR"
    node_lines = [x for x in lines if re.fullmatch(r"  n\d+\[\".*\"\]", x)]
    edge_lines = [x for x in lines if re.fullmatch(r"  n\d+ (-->|-\.->)\|\".*\"\| n\d+", x)]
    assert len(node_lines) == 6  # the attributed-only Gamma Institute is not drawn
    assert len(edge_lines) == 7
    labels = {mermaid_decode(x.split("[", 1)[1][:-1]) for x in node_lines}
    assert OMEGA.replace('" <', '"\n<') in labels or any(lab.replace("\n", " ") == OMEGA for lab in labels)
    assert any(
        x.startswith("  n") and "-.->" in x and relation_label("grantsBaseTo") in x for x in edge_lines
    )
    assert "classDef State fill:#9ecae1" in out
    assert "TD" in str(export(tiny, None, "mermaid", ExportOptions(rankdir="TB"))).splitlines()[0]


def test_mermaid_focus_is_highlighted(tiny: kgraph.KGraph) -> None:
    out = str(export(tiny, Selection(focus=("Alphaland",)), "mermaid"))
    assert "style n0 stroke-width:3px" in out


@pytest.mark.parametrize("value", [*TORTURE, "tab\there", "\x00nul and \u2028 separator", "it's"])
def test_cypher_string_round_trips(value: str) -> None:
    literal = string(value)
    assert literal.startswith("'") and literal.endswith("'")
    assert "\n" not in literal and "\r" not in literal
    body = literal[1:-1]
    # An unescaped quote would end the literal early.
    assert not re.search(r"(?<!\\)(?:\\\\)*'", body)
    decoded = re.sub(
        r"\\u([0-9a-f]{4})|\\(.)",
        lambda m: (
            chr(int(m.group(1), 16))
            if m.group(1)
            else {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}.get(m.group(2), m.group(2))
        ),
        body,
    )
    assert decoded == value


def test_cypher_names() -> None:
    assert name("State") == "`State`"
    assert name("a`b") == "`a``b`"
    assert relationship_type("kg:suppliesArmsTo") == "SUPPLIES_ARMS_TO"
    assert relationship_type("schema:location") == "LOCATION"


def test_cypher_statements(tiny: kgraph.KGraph) -> None:
    out = str(export(tiny, None, "cypher"))
    statements = [x for x in out.splitlines() if x and not x.startswith("//")]
    assert all(x.endswith(";") for x in statements)
    merges = [x for x in statements if x.startswith("MERGE (n:Entity")]
    rels = [x for x in statements if x.startswith("MATCH ")]
    assert len(merges) == 7 and len(rels) == 7  # every entity, drawn or not
    assert any(
        "[r:`SUPPLIES_ARMS_TO` {claim: 'https://w3id.org/kgraph/id/claim-4118dc2ef3a96df1'}]" in x
        for x in rels
    )
    assert "n.`label` = 'Omega Corp & \\\"Sons\\\" <Ltd>'" in out
    assert "r.`share` = 0.6" in out
    assert "SET n:`Actor`:`Company`" in out


def test_cypher_claims_view(tiny: kgraph.KGraph) -> None:
    out = str(export(tiny, None, "cypher", ExportOptions(view="claims")))
    assert "SET n:`Claim`" in out
    assert "MERGE (s)-[:`SUBJECT`]->(o);" in out and "MERGE (s)-[:`OBJECT`]->(o);" in out


def test_hostile_labels_stay_inside_their_literals(tmp_path: Path) -> None:
    kg = make_graph(
        tmp_path,
        [claim("a", "allyOf", "b")],
        [actor("a", "x'}) DETACH DELETE n //"), actor("b", 'y"]] --> evil')],
    )
    cypher = str(export(kg, None, "cypher"))
    assert "x\\'}) DETACH DELETE n //" in cypher
    mermaid = str(export(kg, None, "mermaid"))
    assert "y#quot;#93;#93; --#gt; evil" in mermaid


def test_mermaid_marks_what_the_curators_added(tmp_path: Path) -> None:
    from .test_export_graphviz import curators_graph

    kg = curators_graph(tmp_path)
    out = str(export(kg, None, "mermaid", ExportOptions(merge="none")))
    edges = {
        mermaid_decode(m.group(1)).replace("\n", " "): m.group(0) for m in re.finditer(r'\|(".*?")\|', out)
    }
    assert "airlifted supplies to*" in edges
    sales = next(e for e in edges if e.startswith("supplies arms to"))
    assert " ".join(sales.split()) == (
        "supplies arms to at least 1 billion* USD (approximate), armaments, since the start of The conflict"
    )
    assert "ally of" in edges
    nodes = [
        mermaid_decode(x.split("[", 1)[1][:-1]) for x in out.splitlines() if re.fullmatch(r"  n\d+\[.*\]", x)
    ]
    assert "Offensive\n19 Sep 2023*" in nodes
    # The legend node explains the mark, unlinked, and only when asked for.
    legend = next(x for x in out.splitlines() if x.startswith("  legend["))
    assert mermaid_decode(legend[len("  legend[") : -1]) == CURATORS_LEGEND
    assert not any("legend" in x for x in out.splitlines() if "-->" in x)
    assert "legend" not in str(export(kg, None, "mermaid", ExportOptions(legend=False)))


def test_mermaid_legend_only_with_a_mark(tiny: kgraph.KGraph) -> None:
    assert "location*" in str(export(tiny, None, "mermaid"))  # the tiny story's curator-inferred claim
    around = str(export(tiny, Selection(focus=("Alphaland",)), "mermaid"))
    assert "legend" not in around and "*" not in around

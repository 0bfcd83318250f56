"""Cypher statements for Neo4j (and Memgraph): ``MERGE`` nodes by IRI, relationships by claim.

Run with ``cypher-shell -f FILE`` or paste into Neo4j Browser; running it twice changes
nothing. Every string is a Cypher literal escaped here (backslash, quote, control characters),
and every label or relationship type is a backtick-quoted name, so no label from the data
can become Cypher syntax. What the curators added is in properties: ``by_curators`` (true for a
curator-inferred claim), ``curated`` (a list of the qualifier fields they read), the marks in
``figure``, and ``date_by_curators`` on entities.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kgraph.export.base import Exporter, ExportOptions
from kgraph.export.network import network
from kgraph.export.style import curated_fields

if TYPE_CHECKING:
    from kgraph.subgraph import Subgraph

_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def string(value: str) -> str:
    """A single-quoted Cypher string literal."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def name(value: str) -> str:
    """A backtick-quoted label, relationship type or property name."""
    return "`" + value.replace("`", "``") + "`"


def literal(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return string(str(value))


def relationship_type(predicate: str) -> str:
    """``kg:suppliesArmsTo`` -> ``SUPPLIES_ARMS_TO`` (Neo4j's naming convention)."""
    local = re.split(r"[:/#]", predicate)[-1] or "RELATED_TO"
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local).upper().replace("-", "_")


def _props(data: dict[str, Any], var: str, skip: tuple[str, ...] = ()) -> str:
    sets = [
        f"{var}.{name(k)} = {literal(v)}"
        for k, v in sorted(data.items())
        if k not in skip and v != "" and v != []
    ]
    return ", ".join(sets)


def _claim_props(data: dict[str, Any]) -> dict[str, Any]:
    # A list property, so that `WHERE 'min_value' IN r.curated` finds the curators' readings.
    return {**data, "curated": curated_fields(data)}


def cypher(sub: Subgraph, options: ExportOptions) -> str:
    graph = network(sub, options)
    lines = [
        f"// kgraph export: {sub.description}".replace("\n", " "),
        "// Load with `cypher-shell -f FILE` or paste into Neo4j Browser; MERGE makes reruns harmless.",
        "CREATE CONSTRAINT kgraph_entity_iri IF NOT EXISTS FOR (n:Entity) REQUIRE n.iri IS UNIQUE;",
    ]
    for n, data in sorted(graph.nodes(data=True)):
        kind = (
            "Claim" if data.get("kind") == "claim" else ("Event" if data.get("kind") == "event" else "Actor")
        )
        labels = [kind] + (
            [str(data["type"])] if data.get("type") and data.get("type") not in (kind,) else []
        )
        props = _props(_claim_props(data) if data.get("kind") == "claim" else dict(data), "n")
        lines.append(
            f"MERGE (n:Entity {{iri: {string(n)}}}) SET n:{':'.join(name(x) for x in labels)}"
            + (f", {props}" if props else "")
            + ";"
        )
    for s, o, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        match = f"MATCH (s:Entity {{iri: {string(s)}}}), (o:Entity {{iri: {string(o)}}}) "
        if data.get("role"):
            lines.append(match + f"MERGE (s)-[:{name(str(data['role']).upper())}]->(o);")
            continue
        rel = name(relationship_type(str(data.get("predicate") or "")))
        props = _props(_claim_props(data), "r", skip=("claim",))
        lines.append(
            match
            + f"MERGE (s)-[r:{rel} {{claim: {string(str(data.get('claim') or key))}}}]->(o)"
            + (f" SET {props}" if props else "")
            + ";"
        )
    return "\n".join(lines) + "\n"


EXPORTERS = [
    Exporter(
        "cypher",
        (".cypher", ".cql"),
        "application/x-cypher-query",
        "Cypher MERGE statements for Neo4j",
        cypher,
        "database",
        default_view="actors",
    ),
]

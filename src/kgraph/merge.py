"""`kgraph unmerge`: undo a merge `kgraph add` made (docs/authoring.md#merges).

A merge folded a file's actor X into the graph's actor Y: the file's claims and mentions were
written about Y, X's names became Y's aliases, and a ``kg:Merge`` node records it all (what it
``prov:generated``, the ``skos:altLabel``s it added; X keeps ``dcterms:isReplacedBy`` Y, its
label and its type). Undoing it gives X its node back, points those claims and mentions at X
again (a claim's IRI follows its content, so each such claim gets its X IRI), takes the
aliases off Y, and removes the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from kgraph import patterns
from kgraph.add import _claim_groups, _Target
from kgraph.errors import NotFoundError, ParameterError
from kgraph.fetch import construct, fetch_claims, select
from kgraph.fileio import locked
from kgraph.mapping import claim_iri, claim_triples, entity_iri, from_triples
from kgraph.models import Claim
from kgraph.namespaces import DCT, KG, KGR, OA, RDF, SKOS, compact_iri
from kgraph.store import OxigraphBackend, values_block

_MERGES = """SELECT ?m ?absorbed ?kept WHERE {{ {values}
  ?m a kg:Merge ; kg:absorbed ?absorbed ; kg:mergedInto ?kept .
  {{ ?m kg:absorbed ?x }} UNION {{ ?m kg:mergedInto ?x }} }}"""


@dataclass
class UnmergeResult:
    target: str
    absorbed: str
    merged_into: str
    claims_moved: int
    mentions_moved: int
    aliases_removed: int
    dry_run: bool


def _find(backend: OxigraphBackend, actor: str) -> tuple[NamedNode, NamedNode, NamedNode]:
    """The merge record of ``actor``: the absorbed actor's, or the only one of the kept actor's."""
    raw = actor.strip()
    if raw.startswith(("http://", "https://", "urn:")):
        node = NamedNode(raw.strip("<>"))
    elif raw.startswith("kgr:"):
        node = entity_iri(raw[4:])
    else:
        try:
            node = entity_iri(raw)
        except ValueError:
            raise ParameterError("actor", f"{actor!r} is not the slug, CURIE or IRI of an actor") from None
    rows = select(backend, _MERGES.format(values=values_block("x", [node]))).rows
    found = {(r["m"], r["absorbed"], r["kept"]) for r in rows}
    if not found:
        raise NotFoundError(f"no merge of {compact_iri(node.value)} is recorded in this graph")
    if len(found) > 1:
        names = ", ".join(sorted(compact_iri(a.value) for _, a, _ in found if a is not None))
        raise ParameterError(
            "actor", f"{compact_iri(node.value)} absorbed several actors ({names}): name one"
        )
    m, absorbed, kept = next(iter(found))
    assert isinstance(m, NamedNode) and isinstance(absorbed, NamedNode) and isinstance(kept, NamedNode)
    return m, absorbed, kept


def _swap(ref: str, old: str, new: str) -> str:
    return new if ref == old else ref


def unmerge(
    actor: str,
    *,
    graph: str | Path | None = None,
    store: str | Path | None = None,
    dry_run: bool = False,
) -> UnmergeResult:
    """Undo the merge that absorbed ``actor`` (slug, CURIE or IRI) into another actor."""
    target = _Target(graph, store)
    if not target.is_store and not target.path.exists():
        raise ParameterError("graph", f"{target.shown}: no such graph file")
    with locked(target.path):
        backend = target.open()
        m, absorbed, kept = _find(backend, actor)
        record = construct(backend, f"CONSTRUCT {{ ?m ?p ?o }} WHERE {{ {values_block('m', [m])} ?m ?p ?o }}")
        generated = [t.object for t in record if t.predicate.value == "http://www.w3.org/ns/prov#generated"]
        aliases = [t.object for t in record if t.predicate == NamedNode(SKOS + "altLabel")]
        about_absorbed = construct(
            backend, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {values_block('s', [absorbed])} ?s ?p ?o }}"
        )
        kind = next((t.object for t in about_absorbed if t.predicate == NamedNode(DCT + "type")), None)
        remove: set[Triple] = set(record) | {
            t
            for t in about_absorbed
            if t.predicate in (NamedNode(DCT + "type"), NamedNode(DCT + "isReplacedBy"))
        }
        add: set[Triple] = {Triple(absorbed, NamedNode(RDF + "type"), NamedNode(KG + "Actor"))}
        if isinstance(kind, NamedNode):
            add.add(Triple(absorbed, NamedNode(RDF + "type"), kind))
        label = next((t.object for t in about_absorbed if t.predicate == NamedNode(SKOS + "prefLabel")), None)
        for alias in aliases:
            if isinstance(alias, Literal):
                remove.add(Triple(kept, NamedNode(SKOS + "altLabel"), alias))
                if alias != label:
                    add.add(Triple(absorbed, NamedNode(SKOS + "altLabel"), alias))
        # Mentions: the annotation's body goes back to the absorbed actor.
        mentions = [g for g in generated if isinstance(g, NamedNode) and g.value.startswith(KGR + "mention-")]
        for ann in mentions:
            remove.add(Triple(ann, NamedNode(OA + "hasBody"), kept))
            add.add(Triple(ann, NamedNode(OA + "hasBody"), absorbed))
        # Claims: rewritten about the absorbed actor, under the IRI their new content gives them.
        claim_nodes = [
            g for g in generated if isinstance(g, NamedNode) and g.value.startswith(KGR + "claim-")
        ]
        moved = 0
        if claim_nodes:
            old_triples = construct(
                backend, patterns.claims_query(values_block("claim", claim_nodes) + " ?claim a kg:Claim .")
            )
            old_claims = from_triples(old_triples, fold_external_ids=False).claims
            k, a = kept.value[len(KGR) :], absorbed.value[len(KGR) :]
            sources = sorted({c.source for c in old_claims if c.source})
            keys = {
                c.key: NamedNode(c.id or "")
                for c in fetch_claims(
                    backend,
                    values_block("src", [NamedNode(KGR + "source-" + s) for s in sources])
                    + " ?claim a kg:Claim ; prov:wasDerivedFrom ?src .",
                )
                if c.key and c.id
            }
            renamed: dict[str, str] = {}
            for c in old_claims:
                new_claim = Claim.model_validate(
                    c.model_dump(exclude={"id"})
                    | {
                        "subject": _swap(c.subject, k, a),
                        "object": _swap(c.object, k, a) if isinstance(c.object, str) else c.object,
                        "attributed_to": [_swap(x, k, a) for x in c.attributed_to],
                    }
                )
                assert c.source is not None and c.id is not None
                renamed[c.id] = claim_iri(new_claim, c.source).value
                if new_claim.key:
                    keys[new_claim.key] = NamedNode(renamed[c.id])
                add |= set(claim_triples(new_claim, c.source, keys))
                moved += 1
            remove |= {t for group in _claim_groups(old_triples).values() for t in group}
            # The direct triple of an asserted claim goes when no other claim asserts it.
            for c in old_claims:
                if c.modality == "asserted" and isinstance(c.object, str) and ":" not in c.object:
                    s_, p_, o_ = entity_iri(c.subject), NamedNode(_expand(c.predicate)), entity_iri(c.object)
                    direct = Triple(s_, p_, o_)
                    others = select(
                        backend,
                        "SELECT ?c WHERE { "
                        + values_block("s", [s_])
                        + values_block("p", [p_])
                        + values_block("o", [o_])
                        + " ?c a kg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;"
                        " kg:modality kg:asserted . }",
                    ).rows
                    if {r["c"] for r in others} <= set(claim_nodes):
                        remove.add(direct)
            # Links from other claims follow the renamed ones.
            for old, new in renamed.items():
                for t in construct(
                    backend,
                    "CONSTRUCT { ?c ?p ?o } WHERE { "
                    + values_block("o", [NamedNode(old)])
                    + " ?c ?p ?o . VALUES ?p { kg:supports kg:contradicts } }",
                ):
                    remove.add(t)
                    add.add(Triple(t.subject, t.predicate, NamedNode(new)))
        if not dry_run:
            if target.is_store:
                # One SPARQL update, one transaction: readers see the store before or after.
                from kgraph import serialize

                gone, new_data = serialize.ntriples(remove), serialize.ntriples(add)
                backend.store.update(f"DELETE DATA {{ {gone} }} ; INSERT DATA {{ {new_data} }}")
                backend.store.flush()
            else:
                result = (set(backend.triples()) - remove) | add
                backend.store.clear()
                target.write(backend, sorted(result, key=str))
    return UnmergeResult(
        target.shown,
        compact_iri(absorbed.value),
        compact_iri(kept.value),
        moved,
        len(mentions),
        len(aliases),
        dry_run,
    )


def _expand(predicate: str) -> str:
    from kgraph.mapping import resolve_term

    return resolve_term(predicate, kind="predicate").value

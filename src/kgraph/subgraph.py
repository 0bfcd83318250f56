"""Selecting part of a graph: ONE function, :func:`select`, with composable filters.

A :class:`Selection` says where to look (``focus`` + ``depth``, ``path``, or a user's
``construct`` query; nothing means the whole graph) and which claims count (``predicates``,
``types``, ``sources``, ``modalities``, ``since``/``until``). :func:`select` turns it into a
:class:`Subgraph`: the chosen entity and claim IRIs and the triples behind them, fetched with
:func:`kgraph.mapping.claims_query` / :func:`~kgraph.mapping.entities_query` and
:func:`kgraph.store.values_block` (names and values are bound as RDF terms, never pasted into
SPARQL). Everything downstream (projection, every export format) is a pure function of it.

The rules, in the order they apply:

1. A claim is a *candidate* when it passes every claim filter: its predicate, modality and
   source (the document it comes from, or the actor it is attributed to) are among those
   asked for, its period overlaps ``since``/``until`` (read as :mod:`kgraph.dates` says: its
   own dates, else the date it states, else those of the events it is about), and the actors
   it links are of the asked ``types`` (focus and path end points are always allowed).
2. Nodes: the focus actors and everything within ``depth`` hops over candidate claims, in
   both directions; or the actors on the shortest paths between the two ``path`` ends; or
   the entities and claims a ``construct`` query names. With none of these, every entity of
   the asked types, or, when a claim filter is given, the entities its candidate claims link.
3. Claims: the candidate claims between two nodes, and those about a node whose object is a
   value (an event's date, a Wikidata id). For ``path``, exactly the claims on the hops; for
   ``construct``, exactly the claims it names (also through their direct ``S P O`` triple).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING
from typing import Literal as TypingLiteral

from pyoxigraph import Literal, NamedNode, Triple

from kgraph.dates import DATE_PROPERTIES, Dates, claim_span, date_window
from kgraph.errors import NotFoundError, UsageError
from kgraph.mapping import Corpus, claims_query, entities_query, from_triples
from kgraph.models import MODALITIES
from kgraph.namespaces import KG, KGR, OA, PROV, RDF, compact_iri, expand_curie
from kgraph.store import DEFAULT_TIMEOUT, Backend, SelectResult, values_block

if TYPE_CHECKING:
    import networkx as nx

    from kgraph.api import KGraph

View = TypingLiteral["actors", "claims"]
VIEWS: tuple[str, ...] = ("actors", "claims")

_LINKS = (KG + "supports", KG + "contradicts")
_NOT_ENTITY_TYPES = {"Claim", "SourceDocument", "Modality", "Curator"}
MAX_PATHS = 50
"""More shortest paths than this between two actors are cut: the picture would be a hairball."""

_MODALITY_ALIASES = {
    "hedged": "alleged",
    "curator-inferred": "curatorInferred",
    "curatorinferred": "curatorInferred",
    "inferred": "curatorInferred",
}


# ---------------------------------------------------------------- the selection


@dataclass(frozen=True)
class Selection:
    """What to export. Empty: the whole graph. See the module docstring for the rules."""

    focus: tuple[str, ...] = ()
    depth: int = 1
    path: tuple[str, str] | None = None
    predicates: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    construct: str | None = None
    allow_service: bool = False

    def __post_init__(self) -> None:
        if self.depth < 0:
            raise UsageError(f"--depth must be 0 or more, not {self.depth}")
        if self.path is not None and len(self.path) != 2:
            raise UsageError("--path takes two names: --path A B")
        if self.construct is not None and (self.focus or self.path):
            raise UsageError("--construct selects on its own: drop --focus and --path")
        date_window(self.since, self.until)

    @property
    def claim_filters(self) -> bool:
        return bool(self.predicates or self.sources or self.modalities or self.since or self.until)

    def is_empty(self) -> bool:
        return not (self.focus or self.path or self.construct or self.types or self.claim_filters)


@dataclass
class _ClaimInfo:
    iri: str
    subject: str
    predicate: str
    object: str | None  # an IRI, or None for a literal
    modality: str = ""
    sources: set[str] = field(default_factory=set)
    attributed: set[str] = field(default_factory=set)
    own_dates: Dates = field(default_factory=Dates)  # its qualifiers: point in time, start, end
    stated_date: str | None = None  # the object of a dcterms:date, schema:startDate… claim


@dataclass(frozen=True)
class Subgraph:
    """A selection made concrete: entity and claim IRIs, and their triples for each view.

    ``claims_view`` is self-contained (claim nodes, qualifiers, evidence, the source documents,
    the actors claims are attributed to); ``actors_view`` is the network alone: the entities'
    types, labels and descriptions and the direct ``S P O`` triples of the selected claims.
    """

    entities: frozenset[str]
    claims: frozenset[str]
    claims_view: tuple[Triple, ...]
    actors_view: tuple[Triple, ...]
    focus: tuple[str, ...] = ()
    description: str = "the whole graph"

    def triples(self, view: View = "claims") -> list[Triple]:
        if view not in VIEWS:
            raise UsageError(f"unknown view {view!r}: use actors or claims")
        return list(self.claims_view if view == "claims" else self.actors_view)

    @cached_property
    def corpus(self) -> Corpus:
        """The selection as models (claims, actors, events, sources)."""
        return from_triples(self.claims_view)

    def network(self) -> nx.MultiDiGraph:
        """The selection as a network: :func:`kgraph.projection.project`, limited to its nodes."""
        from kgraph.projection import project

        graph = project(self.corpus)
        # Actors that claims are only attributed to ride along in the RDF for their labels;
        # they are not part of the selected network.
        graph.remove_nodes_from([n for n in list(graph.nodes) if n not in self.entities])
        for n in self.focus:
            if n in graph:
                graph.nodes[n]["focus"] = True
        return graph


# ---------------------------------------------------------------- helpers


def _backend(kg: KGraph | Backend) -> Backend:
    return kg.backend if hasattr(kg, "backend") else kg


def _rows(backend: Backend, sparql: str, timeout: float | None) -> SelectResult:
    result = backend.query(sparql, None, timeout)
    assert isinstance(result, SelectResult)
    return result


def _construct(backend: Backend, sparql: str, timeout: float | None) -> list[Triple]:
    result = backend.query(sparql, None, timeout)
    assert isinstance(result, list)
    return result


def _iri(term: object) -> str | None:
    return term.value if isinstance(term, NamedNode) else None


def _nodes(iris: Iterable[str]) -> list[NamedNode]:
    return [NamedNode(i) for i in sorted(iris)]


def modality_name(value: str) -> str:
    """``alleged``, ``hedged``, ``kg:curatorInferred``, ``curator-inferred`` -> the modality's name."""
    raw = value.strip()
    raw = raw[3:] if raw.startswith("kg:") else raw
    raw = raw[len(KG) :] if raw.startswith(KG) else raw
    name = _MODALITY_ALIASES.get(raw.lower(), raw)
    for m in MODALITIES:
        if m.lower() == name.lower():
            return m
    raise UsageError(f"unknown modality {value!r}: use one of {', '.join(MODALITIES)}")


def entity_types() -> list[str]:
    """The kg: classes an actor or event can have (``State``, ``Company``, ``Event``…)."""
    from kgraph.vocab import KG as KGNS

    return sorted(n for n in KGNS.__annotations__ if n[:1].isupper() and n not in _NOT_ENTITY_TYPES)


def type_iri(value: str) -> str:
    """``state``, ``State``, ``kg:State`` -> the class IRI; unknown types are a usage error."""
    raw = value.strip()
    raw = raw[3:] if raw.startswith("kg:") else raw
    raw = raw[len(KG) :] if raw.startswith(KG) else raw
    folded = re.sub(r"[\s_-]+", "", raw).lower()
    known = entity_types()
    for t in known:
        if t.lower() == folded:
            return KG + t
    raise UsageError(f"unknown actor type {value!r}: use one of {', '.join(known)}")


def predicate_iri(value: str) -> str:
    """``suppliesArmsTo``, ``kg:suppliesArmsTo``, ``dcterms:date`` or a full IRI -> the IRI."""
    from kgraph.mapping import resolve_term

    raw = value.strip()
    if not raw:
        raise UsageError("--predicate needs a name")
    return resolve_term(raw.strip("<>"), kind="predicate").value


# ---------------------------------------------------------------- queries

_ENTITIES = """
SELECT ?e ?type WHERE {
  { ?e a kg:Actor } UNION { ?e a kg:Event }
  ?e a ?type .
}"""

_CLAIMS = """
SELECT ?claim ?s ?p ?o ?modality ?source ?attr ?date ?start ?end WHERE {
  %s
  ?claim a kg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?claim kg:modality ?modality }
  OPTIONAL { ?claim prov:wasDerivedFrom ?source }
  OPTIONAL { ?claim prov:wasAttributedTo ?attr }
  OPTIONAL { ?claim dcterms:date ?date }
  OPTIONAL { ?claim schema:startDate ?start }
  OPTIONAL { ?claim schema:endDate ?end }
}"""

_EVENT_DATES = f"""
SELECT ?e ?p ?date WHERE {{
  ?e a kg:Event .
  ?claim a kg:Claim ; rdf:subject ?e ; rdf:predicate ?p ; rdf:object ?date .
  VALUES ?p {{ {" ".join(DATE_PROPERTIES)} }}
}}"""

_SOURCES = """
SELECT ?src ?notation ?title WHERE {
  ?src a kg:SourceDocument .
  OPTIONAL { ?src skos:notation ?notation }
  OPTIONAL { ?src dcterms:title ?title }
}"""


class _Index:
    """What :func:`select` needs to know about a backend, fetched lazily and only once."""

    def __init__(self, backend: Backend, selection: Selection, timeout: float | None):
        self.backend = backend
        self.selection = selection
        self.timeout = timeout
        self.predicates = sorted({predicate_iri(p) for p in selection.predicates})
        self.modalities = sorted({KG + modality_name(m) for m in selection.modalities})
        self.allowed_types = {type_iri(t) for t in selection.types}
        self.window = date_window(selection.since, selection.until)

    @cached_property
    def entity_types(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for row in _rows(self.backend, _ENTITIES, self.timeout):
            e, t = _iri(row["e"]), _iri(row["type"])
            if e and t:
                out[e].add(t)
        return dict(out)

    @cached_property
    def event_dates(self) -> dict[str, Dates]:
        """Event IRI -> its dates, from the claims that date it (as the look-ups read them)."""
        out: dict[str, Dates] = defaultdict(Dates)
        for row in _rows(self.backend, _EVENT_DATES, self.timeout):
            e, p, v = _iri(row["e"]), _iri(row["p"]), row["date"]
            if e and p and isinstance(v, Literal):
                out[e].add(DATE_PROPERTIES[compact_iri(p)], v.value)
        return dict(out)

    def claims(
        self, *, about: Iterable[str] | None = None, subjects: Iterable[str] | None = None
    ) -> list[_ClaimInfo]:
        """Claims passing the filters that SPARQL can apply (predicate, modality), optionally
        only those touching ``about`` (as subject or object) or having a subject in ``subjects``."""
        parts = []
        if self.predicates:
            parts.append(values_block("p", _nodes(self.predicates)))
        if self.modalities:
            # Bound by a required pattern here: the OPTIONAL below would keep any claim.
            parts.append(
                values_block("modality", _nodes(self.modalities)) + " ?claim kg:modality ?modality ."
            )
        if about is not None:
            nodes = _nodes(set(about))
            if not nodes:
                return []
            parts.append(f"{{ {values_block('s', nodes)} }} UNION {{ {values_block('o', nodes)} }}")
        if subjects is not None:
            nodes = _nodes(set(subjects))
            if not nodes:
                return []
            parts.append(values_block("s", nodes))
        found: dict[str, _ClaimInfo] = {}
        for row in _rows(self.backend, _CLAIMS % "\n  ".join(parts), self.timeout):
            c, s, p = _iri(row["claim"]), _iri(row["s"]), _iri(row["p"])
            if not (c and s and p):
                continue
            info = found.get(c)
            if info is None:
                modality = _iri(row["modality"]) or ""
                info = found[c] = _ClaimInfo(c, s, p, _iri(row["o"]), modality[len(KG) :])
                o = row["o"]
                if isinstance(o, Literal) and compact_iri(p) in DATE_PROPERTIES:
                    info.stated_date = o.value
            src, attr = _iri(row["source"]), _iri(row["attr"])
            if src:
                info.sources.add(src)
            if attr:
                info.attributed.add(attr)
            for kind in ("date", "start", "end"):
                v = row[kind]
                if isinstance(v, Literal):
                    info.own_dates.add(kind, v.value)
        return [found[k] for k in sorted(found)]

    @cached_property
    def source_filter(self) -> tuple[set[str], set[str]]:
        """``--source`` values -> (source document IRIs, IRIs of actors claims are attributed to)."""
        docs: set[str] = set()
        actors: set[str] = set()
        if not self.selection.sources:
            return docs, actors
        from kgraph.names import normalize, resolve

        known: dict[str, str] = {}
        for row in _rows(self.backend, _SOURCES, self.timeout):
            src = _iri(row["src"])
            if not src:
                continue
            known[normalize(src)] = src
            if src.startswith(KGR + "source-"):
                known[normalize(src[len(KGR + "source-") :])] = src
            for key in ("notation", "title"):
                v = row[key]
                if isinstance(v, Literal):
                    known[normalize(v.value)] = src
        for name in self.selection.sources:
            iri = expand_curie(name) if re.fullmatch(r"[A-Za-z][\w-]*:[\w.-]+", name.strip()) else None
            hit = known.get(normalize(iri or name.strip().strip("<>")))
            if hit:
                docs.add(hit)
                continue
            try:
                actors.add(resolve(self.backend, name).iri)
            except NotFoundError:
                raise NotFoundError(
                    f"no source document or actor named {name!r}",
                    sorted({v.rsplit("source-", 1)[-1] for v in known.values()})[:3],
                ) from None
        return docs, actors

    def is_entity(self, iri: str | None) -> bool:
        return iri is not None and iri in self.entity_types

    def type_ok(self, iri: str, always: set[str]) -> bool:
        if not self.allowed_types or iri in always:
            return True
        return bool(self.entity_types.get(iri, set()) & self.allowed_types)

    def candidate(self, claim: _ClaimInfo, always: set[str]) -> bool:
        """Does the claim pass every claim filter (step 1 of the module docstring)?"""
        sel = self.selection
        docs, actors = self.source_filter
        if sel.sources and not (claim.sources & docs or claim.attributed & actors):
            return False
        if self.window:
            events = (self.event_dates.get(e) for e in (claim.subject, claim.object) if e)
            when = claim_span(claim.own_dates.span, claim.stated_date, (d.span for d in events if d))
            if when is None or not when.overlaps(self.window):
                return False
        if not self.is_entity(claim.subject) or not self.type_ok(claim.subject, always):
            return False
        return not (
            self.is_entity(claim.object)
            and claim.object is not None
            and not self.type_ok(claim.object, always)
        )


# ---------------------------------------------------------------- construct guard


def check_construct(query: str, *, allow_service: bool = False) -> None:
    """Refuse updates always, federation (SERVICE) unless allowed, and any form but CONSTRUCT or
    DESCRIBE, before the query runs: the same guard as ``kgraph query``."""
    from kgraph.query import check_allowed

    info = check_allowed(query, allow_service=allow_service)
    if info.form not in ("CONSTRUCT", "DESCRIBE"):
        raise UsageError(f"--construct needs a CONSTRUCT (or DESCRIBE) query, not {info.form or 'this'}")


# ---------------------------------------------------------------- select


def select(
    kg: KGraph | Backend,
    selection: Selection | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Subgraph:
    """The part of the graph ``selection`` describes (everything when it is empty or None)."""
    from kgraph.names import resolve

    backend = _backend(kg)
    sel = selection or Selection()
    index = _Index(backend, sel, timeout)
    focus = [resolve(backend, name).iri for name in sel.focus]
    ends = [resolve(backend, name).iri for name in sel.path] if sel.path else []
    always = set(focus) | set(ends)

    nodes: set[str] = set()
    chosen: set[str] = set()

    def candidates(infos: Iterable[_ClaimInfo]) -> list[_ClaimInfo]:
        return [c for c in infos if index.candidate(c, always)]

    if sel.construct is not None:
        nodes, chosen = _from_construct(backend, index, sel, timeout)
    else:
        if focus:
            nodes |= set(focus)
            frontier = set(focus)
            for _ in range(sel.depth):
                reached: set[str] = set()
                for c in candidates(index.claims(about=frontier)):
                    if index.is_entity(c.object) and c.object is not None:
                        reached |= {c.subject, c.object}
                frontier = reached - nodes
                nodes |= reached
                if not frontier:
                    break
        if ends:
            path_nodes, path_claims = _paths(index, candidates(index.claims()), ends[0], ends[1], sel.path)
            nodes |= path_nodes
            chosen |= path_claims
        if focus:
            for c in candidates(index.claims(subjects=nodes)):
                if c.object in nodes or not index.is_entity(c.object):
                    chosen.add(c.iri)
        elif not ends:
            everything = candidates(index.claims())
            if sel.claim_filters:
                for c in everything:
                    nodes.add(c.subject)
                    if index.is_entity(c.object) and c.object is not None:
                        nodes.add(c.object)
            else:
                nodes = {e for e in index.entity_types if index.type_ok(e, always)}
            chosen = {
                c.iri
                for c in everything
                if c.subject in nodes and (c.object in nodes or not index.is_entity(c.object))
            }
    return _assemble(backend, nodes, chosen, tuple(focus), describe(sel), timeout)


def _paths(
    index: _Index, claims: Sequence[_ClaimInfo], a: str, b: str, names: tuple[str, str] | None
) -> tuple[set[str], set[str]]:
    """Nodes and claims on every shortest path between ``a`` and ``b``, through the projection."""
    from kgraph.models import Claim, Entity
    from kgraph.projection import node_id, project, shortest_paths

    # A skeleton corpus: just enough of each claim and entity for the network's shape.
    entities = [Entity(id=_short(e), type="Actor", label=_short(e)) for e in sorted(index.entity_types)]
    skeleton = [
        Claim(
            id=c.iri, subject=c.subject, predicate=c.predicate, object=c.object, text="", modality="asserted"
        )
        for c in claims
        if index.is_entity(c.object) and c.object is not None
    ]
    graph = project(Corpus([], entities, [], skeleton))
    if a == b:
        return {a}, set()
    paths = shortest_paths(graph, node_id(a), node_id(b), limit=MAX_PATHS)
    if not paths:
        shown = names or (compact_iri(a), compact_iri(b))
        raise NotFoundError(f"no connection between {shown[0]!r} and {shown[1]!r} in the selected claims")
    nodes: set[str] = set()
    chosen: set[str] = set()
    for path in paths:
        nodes |= set(path)
        for u, v in itertools.pairwise(path):
            for x, y in ((u, v), (v, u)):
                for key in graph.get_edge_data(x, y, default={}):
                    chosen.add(str(key))
    return nodes, chosen


def _short(iri: str) -> str:
    """The reference :mod:`kgraph.models` uses: a slug for our resources, else the IRI."""
    return iri[len(KGR) :] if iri.startswith(KGR) else iri


def _from_construct(
    backend: Backend, index: _Index, sel: Selection, timeout: float | None
) -> tuple[set[str], set[str]]:
    assert sel.construct is not None
    check_construct(sel.construct, allow_service=sel.allow_service)
    result = backend.query(sel.construct, None, timeout)
    if not isinstance(result, list):
        raise UsageError("--construct needs a CONSTRUCT (or DESCRIBE) query, not SELECT or ASK")
    named: set[str] = set()
    spo: set[tuple[str, str, str]] = set()
    for t in result:
        for term in (t.subject, t.object):
            iri = _iri(term)
            if iri:
                named.add(iri)
        s, p, o = _iri(t.subject), t.predicate.value, _iri(t.object)
        if s and o:
            spo.add((s, p, o))
    nodes = {iri for iri in named if iri in index.entity_types}
    chosen: set[str] = set()
    for c in index.claims():
        if not index.candidate(c, set()):
            continue
        if c.iri in named or (c.object is not None and (c.subject, c.predicate, c.object) in spo):
            chosen.add(c.iri)
            nodes.add(c.subject)
            if index.is_entity(c.object) and c.object is not None:
                nodes.add(c.object)
    return nodes, chosen


_BACKED = """
SELECT ?claim ?s ?p ?o WHERE {
  %s
  ?claim a kg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
}"""


def _assemble(
    backend: Backend,
    nodes: set[str],
    claims: set[str],
    focus: tuple[str, ...],
    description: str,
    timeout: float | None,
) -> Subgraph:
    """Fetch the triples of the chosen entities and claims, for both views."""
    claim_triples = (
        _construct(backend, claims_query(values_block("claim", _nodes(claims))), timeout) if claims else []
    )
    attributers = {
        t.object.value
        for t in claim_triples
        if t.predicate.value == PROV + "wasAttributedTo" and isinstance(t.object, NamedNode)
    } - nodes
    everyone = nodes | attributers
    entity_triples = (
        _construct(backend, entities_query(values_block("entity", _nodes(everyone))), timeout)
        if everyone
        else []
    )
    # Which of the entities' own triples are the direct layer of some claim: those belong to
    # the selection only when their claim does; the rest (types, labels...) describe the entity.
    backed: dict[Triple, set[str]] = defaultdict(set)
    if everyone:
        for row in _rows(backend, _BACKED % values_block("s", _nodes(everyone)), timeout):
            c, s, p, o = row["claim"], row["s"], row["p"], row["o"]
            if (
                isinstance(c, NamedNode)
                and isinstance(s, NamedNode)
                and isinstance(p, NamedNode)
                and o is not None
            ):
                backed[Triple(s, p, o)].add(c.value)
    descriptors: list[Triple] = []
    direct: list[Triple] = []
    mentions: list[Triple] = []
    for t in entity_triples:
        s = _iri(t.subject)
        if s in everyone:
            behind = backed.get(t)
            if behind is None:
                descriptors.append(t)
            elif behind & claims and s in nodes:
                direct.append(t)
        else:
            mentions.append(t)
    claim_triples = [t for t in claim_triples if t.predicate.value not in _LINKS or _iri(t.object) in claims]
    sources = {
        t.object.value
        for t in claim_triples + mentions
        if t.predicate.value in (PROV + "wasDerivedFrom", OA + "hasSource")
        and isinstance(t.object, NamedNode)
    }
    source_triples = (
        _construct(
            backend,
            "CONSTRUCT { ?src ?p ?o } WHERE { " + values_block("src", _nodes(sources)) + " ?src ?p ?o }",
            timeout,
        )
        if sources
        else []
    )
    node_descriptors = [t for t in descriptors if _iri(t.subject) in nodes]
    claims_view = sorted(
        set(descriptors + mentions + claim_triples + direct + source_triples), key=triple_key
    )
    actors_view = sorted(set(node_descriptors + direct), key=triple_key)
    return Subgraph(
        entities=frozenset(nodes),
        claims=frozenset(claims),
        claims_view=tuple(claims_view),
        actors_view=tuple(actors_view),
        focus=focus,
        description=description,
    )


def triple_key(t: Triple) -> tuple[str, int, str, str]:
    """A stable order: by subject, types first, then predicate and object."""
    return (str(t.subject), 0 if t.predicate.value == RDF + "type" else 1, t.predicate.value, str(t.object))


def describe(sel: Selection) -> str:
    """A few words for a picture's title: ``Israel, 1 hop; suppliesArmsTo; 2015–2019``."""
    parts: list[str] = []
    if sel.focus:
        hops = f"{sel.depth} hop" + ("s" if sel.depth != 1 else "")
        parts.append(f"{' + '.join(sel.focus)} ({hops})")
    if sel.path:
        parts.append(f"paths {sel.path[0]} – {sel.path[1]}")
    if sel.construct is not None:
        parts.append("CONSTRUCT query")
    if sel.types:
        names = [t[3:] if t.startswith("kg:") else t for t in sel.types]
        parts.append("all actors" if [n.lower() for n in names] == ["actor"] else "types " + ", ".join(names))
    if sel.predicates:
        parts.append(", ".join(sel.predicates))
    if sel.modalities:
        parts.append(", ".join(sel.modalities))
    if sel.sources:
        parts.append("source " + ", ".join(sel.sources))
    if sel.since or sel.until:
        parts.append(f"{sel.since or '…'}–{sel.until or '…'}")
    return "; ".join(parts) or "the whole graph"

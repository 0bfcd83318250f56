"""Selecting part of a graph: ONE function, :func:`select`, with composable filters.

A :class:`Selection` says where to look (``focus`` + ``depth``, ``path``, or a user's
``construct`` query; nothing means the whole graph) and which claims count (``predicates``,
``types``, ``sources``, ``modalities``, ``since``/``until``). :func:`select` turns it into a
:class:`Subgraph`: the chosen entity and claim IRIs and the triples behind them, fetched with
:func:`kgraph.patterns.claims_query` / :func:`~kgraph.patterns.entities_query` and
:func:`kgraph.store.values_block` (names and values are bound as RDF terms, never pasted into
SPARQL). Everything downstream (projection, every export format) is a pure function of it.

Option values are read by the same resolvers as the look-ups (:mod:`kgraph.lookup`,
:func:`kgraph.names.resolve`), so ``kgraph export --predicate X`` and ``kgraph claims
--predicate X`` accept the same spellings and fail the same way. Queries are bound to the
IRIs at hand (the frontier of a walk, the names a CONSTRUCT returns); only a selection of the
whole graph reads every claim.

The rules, in the order they apply:

1. A claim is a *candidate* when it passes every claim filter: its predicate, modality and
   source (the document it comes from, or the actor it is attributed to) are among those
   asked for, its period overlaps ``since``/``until`` (read as :mod:`kgraph.dates` says: its
   own dates, else the date it states, else those of the events it is about), and the actors
   it links are of the asked ``types`` (focus and path end points are always allowed).
2. Nodes: the focus actors and everything within ``depth`` hops over candidate claims, in
   both directions; or the actors on the shortest paths (at most ``max_hops`` long) between
   the two ``path`` ends; or the entities and claims a ``construct`` query names. With none of
   these, every entity of the asked types, or, when a claim filter is given, the entities its
   candidate claims link.
3. Claims: the candidate claims between two nodes, and those about a node whose object is a
   value (an event's date, a Wikidata id). For ``path``, exactly the claims on the hops; for
   ``construct``, exactly the claims it names (also through their direct ``S P O`` triple).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING
from typing import Literal as TypingLiteral

from pyoxigraph import Literal, NamedNode, Triple

from kgraph import patterns, walk
from kgraph.dates import DATE_PROPERTIES, Dates, claim_span, date_window
from kgraph.errors import NotFoundError, ParameterError, UsageError
from kgraph.mapping import Corpus, from_triples
from kgraph.models import LiteralValue
from kgraph.namespaces import KG, OA, PROV, RDF, compact_iri
from kgraph.resolve import Resolver
from kgraph.store import UNSET, Backend, SelectResult, Timeout, check_timeout, values_block
from kgraph.views import SourceView

if TYPE_CHECKING:
    import networkx as nx

    from kgraph.api import KGraph

View = TypingLiteral["actors", "claims"]
VIEWS: tuple[str, ...] = ("actors", "claims")

_LINKS = (KG + "supports", KG + "contradicts")
_ENTITY_CLASSES = frozenset({KG + "Actor", KG + "Event"})
MAX_PATHS = 50
"""More shortest paths than this between two actors are cut: the picture would be a hairball."""
MAX_HOPS = 4
"""How far ``path`` looks by default: the same as ``kgraph path --max-hops``."""


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
    max_hops: int = MAX_HOPS
    exact: bool = False
    """Only the focus itself; by default its parts and members (:mod:`kgraph.rollup`) are focus too."""

    def __post_init__(self) -> None:
        if self.depth < 0:
            raise ParameterError("depth", f"must be 0 or more, not {self.depth}")
        if self.max_hops < 1:
            raise ParameterError("max_hops", f"must be at least 1, not {self.max_hops}")
        if self.path is not None and len(self.path) != 2:
            raise ParameterError("path", "takes two names: A B")
        if self.construct is not None and (self.focus or self.path):
            raise ParameterError("construct", "selects on its own: drop focus and path")
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
    description: str = "Whole network"

    def triples(self, view: View = "claims") -> list[Triple]:
        if view not in VIEWS:
            raise UsageError(f"unknown view {view!r}: use actors or claims")
        return list(self.claims_view if view == "claims" else self.actors_view)

    @cached_property
    def corpus(self) -> Corpus:
        """The selection as models (claims, actors, events, sources)."""
        return from_triples(self.claims_view)

    def network(self) -> nx.MultiDiGraph:
        """The selection as a network: :func:`kgraph.projection.project`, limited to its nodes.

        Claims between two nodes are edges; property claims (whose object is a value) become
        node attributes (see :func:`property_attributes`), so no selected claim is lost.
        """
        from kgraph.projection import project

        graph = project(self.corpus)
        # Actors that claims are only attributed to ride along in the RDF for their labels;
        # they are not part of the selected network.
        graph.remove_nodes_from([n for n in list(graph.nodes) if n not in self.entities])
        for n in self.focus:
            if n in graph:
                graph.nodes[n]["focus"] = True
        property_attributes(graph, self.corpus)
        return graph

    def property_claims(self) -> int:
        """How many selected claims are not edges of :meth:`network` (their object is a value:
        a date, a characteristic, a Wikidata id) and so are carried as node attributes."""
        return len(self.claims) - int(self.network().number_of_edges())


# Attributes kgraph.projection gives every node: a property never takes one of these names.
NODE_ATTRIBUTES = frozenset(
    {"label", "type", "kind", "curie", "aliases", "description", "wikidata", "date", "focus"}
)
DATE_BY_CURATORS = "date_by_curators"
"""Node attribute: True when a date shown in ``date`` rests only on curator-inferred claims."""


def property_attributes(graph: nx.MultiDiGraph, corpus: Corpus) -> None:
    """Put the corpus's property claims on the nodes of ``graph`` they are about.

    Each predicate becomes an attribute named after it (``characteristic``, ``duration``…;
    ``property_NAME`` if NAME is taken), its values sorted and joined with ``"; "``. Dates are
    already the node's ``date`` (from :mod:`kgraph.projection`); ``date_by_curators`` says
    whether some value shown there is stated only by curator-inferred claims (a year the
    curators added to the article's "19 September", say). Wikidata links are ``wikidata``.
    """
    from kgraph.projection import node_id

    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    stated: dict[str, set[str]] = defaultdict(set)  # node -> dates a non-curator claim states
    for c in corpus.claims:
        if not isinstance(c.object, LiteralValue):
            continue
        n = node_id(c.subject)
        if n not in graph:
            continue
        if c.predicate in DATE_PROPERTIES:
            if c.modality != "curatorInferred":
                stated[n].add(c.object.value)
            continue
        name = re.split(r"[:/#]", c.predicate)[-1]
        if name in NODE_ATTRIBUTES or name == DATE_BY_CURATORS:
            name = "property_" + name
        values[n][name].add(c.object.value)
    for n, data in graph.nodes(data=True):
        for name, found in sorted(values.get(n, {}).items()):
            data[name] = "; ".join(sorted(found))
        if data.get("date"):
            shown = [t for t in re.findall(r"[^\s–]+", str(data["date"])) if t not in ("from", "until")]
            data[DATE_BY_CURATORS] = any(t not in stated[n] for t in shown)


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


# ---------------------------------------------------------------- option values


def resolve_type(backend: Backend, text: str) -> str:
    """``state``, ``kg:State``, "armed group", ``Actor``, ``Event`` -> the class IRI, as
    ``kgraph actors --type`` reads it plus ``Event`` (:meth:`kgraph.resolve.Resolver.actor_type`)."""
    return Resolver(backend).actor_type(text, events=True)


class _Index:
    """What :func:`select` needs to know about a backend: the filters, resolved, and the types
    (and, with ``since``/``until``, event dates) of the IRIs met so far, fetched once each."""

    def __init__(self, backend: Backend, selection: Selection, timeout: float | None):
        from kgraph.present import MODALITY_LABELS

        self.backend = backend
        self.selection = selection
        self.timeout = timeout
        self.resolver = r = Resolver(backend)
        predicates = [r.predicate(p) for p in selection.predicates]
        modalities = r.modalities(selection.modalities)
        self.predicates = sorted({p.iri for p in predicates})
        self.modalities = sorted({KG + m for m in modalities})
        self.allowed_types = {r.actor_type(t, events=True) for t in selection.types}
        self.docs: dict[str, str] = {}
        self.attributed: dict[str, str] = {}
        for name in selection.sources:
            found = r.source_or_actor(name)
            if isinstance(found, SourceView):
                self.docs[found.iri] = found.title
            else:
                self.attributed[found.iri] = found.label
        self.window = date_window(selection.since, selection.until)
        # For a title: what the filters mean, in words.
        self.filter_words: list[str] = []
        if self.allowed_types and self.allowed_types != {KG + "Actor"}:
            self.filter_words.append("only " + ", ".join(sorted(t[len(KG) :] for t in self.allowed_types)))
        self.filter_words += sorted({p.label for p in predicates})
        self.filter_words += [f"{MODALITY_LABELS[m]} claims" for m in sorted(set(modalities))]
        self.filter_words += [f"source: {t}" for t in sorted(self.docs.values())]
        self.filter_words += [f"per {a}" for a in sorted(self.attributed.values())]
        if selection.since or selection.until:
            self.filter_words.append(_period(selection.since, selection.until))
        self.types: dict[str, set[str]] = {}
        self.dates: dict[str, Dates] = {}
        self._all_known = False

    # -- types and dates, bound to the IRIs at hand

    def know(self, iris: Iterable[str]) -> None:
        """Fetch the types (and event dates, for a time filter) of those not fetched yet."""
        if self._all_known:
            return
        wanted = sorted({i for i in iris if i not in self.types})
        if not wanted:
            return
        for i in wanted:
            self.types[i] = set()
        block = values_block("e", _nodes(wanted))
        for row in _rows(self.backend, patterns.fill(patterns.TYPES, block), self.timeout):
            e, t = _iri(row["e"]), _iri(row["type"])
            if e and t:
                self.types[e].add(t)
        events = [i for i in wanted if KG + "Event" in self.types[i]]
        if self.window and events:
            self._read_dates(patterns.fill(patterns.EVENT_DATE_ROWS, values_block("e", _nodes(events))))

    def know_all(self) -> None:
        """Fetch every entity's types (and event dates): for a selection of the whole graph."""
        if self._all_known:
            return
        for row in _rows(self.backend, patterns.ENTITIES, self.timeout):
            e, t = _iri(row["e"]), _iri(row["type"])
            if e and t:
                self.types.setdefault(e, set()).add(t)
        if self.window:
            self.dates.clear()
            self._read_dates(patterns.fill(patterns.EVENT_DATE_ROWS))
        self._all_known = True

    def _read_dates(self, sparql: str) -> None:
        for row in _rows(self.backend, sparql, self.timeout):
            e, p, v = _iri(row["e"]), _iri(row["p"]), row["date"]
            if e and p and isinstance(v, Literal):
                by_curators = _iri(row["modality"]) == KG + "curatorInferred"
                self.dates.setdefault(e, Dates()).add(
                    DATE_PROPERTIES[compact_iri(p)], v.value, by_curators=by_curators
                )

    def entities(self) -> list[str]:
        self.know_all()
        return sorted(e for e, types in self.types.items() if types & _ENTITY_CLASSES)

    def is_entity(self, iri: str | None) -> bool:
        return iri is not None and bool(self.types.get(iri, set()) & _ENTITY_CLASSES)

    def type_ok(self, iri: str, always: set[str]) -> bool:
        if not self.allowed_types or iri in always:
            return True
        return bool(self.types.get(iri, set()) & self.allowed_types)

    # -- claims

    def claims(
        self,
        *,
        about: Iterable[str] | None = None,
        subjects: Iterable[str] | None = None,
        iris: Iterable[str] | None = None,
    ) -> list[_ClaimInfo]:
        """Claims passing the filters that SPARQL can apply (predicate, modality), bound to
        those touching ``about`` (as subject or object), having a subject in ``subjects``, or
        named in ``iris``; every claim of the graph when none of these is given."""
        parts = []
        for var, given in (("n", about), ("s", subjects), ("claim", iris)):
            if given is None:
                continue
            nodes = _nodes(set(given))
            if not nodes:
                return []
            block = values_block("about" if var == "n" else var, nodes)
            if var == "n":
                block += " " + patterns.ABOUT
            parts.append(block)
        bounded = bool(parts)
        if self.predicates:
            parts.append(values_block("p", _nodes(self.predicates)))
        if self.modalities:
            # Bound by a required pattern here: the OPTIONAL below would keep any claim.
            parts.append(
                values_block("modality", _nodes(self.modalities)) + " ?claim kg:modality ?modality ."
            )
        found: dict[str, _ClaimInfo] = {}
        for row in _rows(self.backend, patterns.fill(patterns.CLAIM_ROWS, "\n  ".join(parts)), self.timeout):
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
        out = [found[k] for k in sorted(found)]
        if bounded:
            self.know(itertools.chain.from_iterable((c.subject, c.object or c.subject) for c in out))
        else:
            self.know_all()
        return out

    def candidate(self, claim: _ClaimInfo, always: set[str]) -> bool:
        """Does the claim pass every claim filter (step 1 of the module docstring)?"""
        if self.selection.sources and not (
            claim.sources & self.docs.keys() or claim.attributed & self.attributed.keys()
        ):
            return False
        if self.window:
            events = (self.dates.get(e) for e in (claim.subject, claim.object) if e)
            when = claim_span(claim.own_dates.span, claim.stated_date, (d.span for d in events if d))
            if when is None or not when.passes(self.window):
                return False
        if not self.is_entity(claim.subject) or not self.type_ok(claim.subject, always):
            return False
        return not (
            self.is_entity(claim.object)
            and claim.object is not None
            and not self.type_ok(claim.object, always)
        )

    def links(self, claims: Iterable[_ClaimInfo], always: set[str]) -> list[_ClaimInfo]:
        """The candidate claims among ``claims`` that join two entities (a network's edges)."""
        return [c for c in claims if self.candidate(c, always) and self.is_entity(c.object)]


def _period(since: str | None, until: str | None) -> str:
    if since and until:
        return since if since == until else f"{since}–{until}"
    return f"from {since}" if since else f"until {until}"


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
    timeout: Timeout = UNSET,
) -> Subgraph:
    """The part of the graph ``selection`` describes (everything when it is empty or None).

    ``timeout`` limits each query (seconds; None or 0: no limit; see :func:`kgraph.store.check_timeout`).
    """
    backend = _backend(kg)
    seconds = backend.timeout if timeout is UNSET else check_timeout(timeout)
    sel = selection or Selection()
    index = _Index(backend, sel, seconds)
    r = index.resolver
    focus_matches = [r.actor(name) for name in sel.focus]
    end_matches = [r.actor(name) for name in sel.path] if sel.path else []
    focus = [m.iri for m in focus_matches]
    if focus and not sel.exact:
        from kgraph.rollup import scope

        focus += [p for sc in scope(backend, focus, events=False) for p in sc.parts() if p not in focus]
    ends = [m.iri for m in end_matches]
    always = set(focus) | set(ends)

    nodes: set[str] = set()
    chosen: set[str] = set()

    if sel.construct is not None:
        nodes, chosen = _from_construct(backend, index, sel, seconds)
    else:
        if focus:
            nodes |= set(walk.reach(_edge_source(index, always), focus, sel.depth).distance)
        if ends:
            names = (end_matches[0].label, end_matches[1].label)
            path_nodes, path_claims = _paths(index, ends[0], ends[1], always, names, sel.max_hops)
            nodes |= path_nodes
            chosen |= path_claims
        if focus:
            for c in index.claims(subjects=nodes):
                if index.candidate(c, always) and (c.object in nodes or not index.is_entity(c.object)):
                    chosen.add(c.iri)
        elif not ends:
            everything = [c for c in index.claims() if index.candidate(c, always)]
            if sel.claim_filters:
                for c in everything:
                    nodes.add(c.subject)
                    if index.is_entity(c.object) and c.object is not None:
                        nodes.add(c.object)
            else:
                nodes = {e for e in index.entities() if index.type_ok(e, always)}
            chosen = {
                c.iri
                for c in everything
                if c.subject in nodes and (c.object in nodes or not index.is_entity(c.object))
            }
    labels = {
        m_name: m.label
        for m_name, m in zip((*sel.focus, *(sel.path or ())), focus_matches + end_matches, strict=True)
    }
    description = describe(sel, labels, index.filter_words)
    return _assemble(backend, nodes, chosen, tuple(focus), description, seconds)


def _edge_source(index: _Index, always: set[str]) -> walk.EdgeSource:
    """The walker's edges for an export: the candidate claims between two entities."""

    def around(frontier: set[str]) -> list[walk.Edge]:
        return [
            walk.Edge(c.iri, c.subject, c.predicate, str(c.object))
            for c in index.links(index.claims(about=frontier), always)
        ]

    return around


def _paths(
    index: _Index, a: str, b: str, always: set[str], names: tuple[str, str], max_hops: int
) -> tuple[set[str], set[str]]:
    """Nodes and claims on every shortest path between ``a`` and ``b`` (edge direction ignored),
    found by :func:`kgraph.walk.meet` over the candidate claims."""
    if a == b:
        return {a}, set()
    met = walk.meet(_edge_source(index, always), a, b, max_hops)
    if not met.edges:
        within = f" within {max_hops} hops" if met.out_of_hops else ""
        hint = " (--max-hops looks further)" if met.out_of_hops else ""
        raise NotFoundError(
            f"no connection between {names[0]!r} and {names[1]!r}{within} in the selected claims{hint}"
        )
    graph = walk.network(met.edges)
    found: set[str] = set()
    chosen: set[str] = set()
    for p in walk.shortest(graph, a, b, MAX_PATHS):
        found |= set(p)
        chosen |= walk.claims_on(graph, p)
    return found, chosen


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
    index.know(named)
    nodes = {iri for iri in named if index.is_entity(iri)}
    # Only the claims the result can name: by their IRI, or by a direct triple's subject.
    found = {c.iri: c for c in index.claims(iris=named)} if named else {}
    if spo:
        for c in index.claims(subjects={s for s, _, _ in spo}):
            if c.object is not None and (c.subject, c.predicate, c.object) in spo:
                found[c.iri] = c
    chosen: set[str] = set()
    for c in found.values():
        if not index.candidate(c, set()):
            continue
        chosen.add(c.iri)
        nodes.add(c.subject)
        if index.is_entity(c.object) and c.object is not None:
            nodes.add(c.object)
    return nodes, chosen


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
        _construct(backend, patterns.claims_query(values_block("claim", _nodes(claims))), timeout)
        if claims
        else []
    )
    attributers = {
        t.object.value
        for t in claim_triples
        if t.predicate.value == PROV + "wasAttributedTo" and isinstance(t.object, NamedNode)
    } - nodes
    everyone = nodes | attributers
    entity_triples = (
        _construct(backend, patterns.entities_query(values_block("entity", _nodes(everyone))), timeout)
        if everyone
        else []
    )
    # Which of the entities' own triples are the direct layer of some claim: those belong to
    # the selection only when their claim does; the rest (types, labels...) describe the entity.
    backed: dict[Triple, set[str]] = defaultdict(set)
    if everyone:
        for row in _rows(
            backend, patterns.fill(patterns.BACKED, values_block("s", _nodes(everyone))), timeout
        ):
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
            patterns.fill(patterns.SOURCES_OF, values_block("src", _nodes(sources))),
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


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def describe(sel: Selection, labels: Mapping[str, str] | None = None, filters: Sequence[str] = ()) -> str:
    """A picture's title in plain words: "Israel and its direct connections", "Connections
    between Israel and Iran", "Whole network — supplies arms to; 2015–2019".

    ``labels`` maps the names as typed to the labels they resolve to; ``filters`` says what
    the claim filters keep (:func:`select` passes both; without them the typed text is used).
    """
    known = labels or {}

    def name(typed: str) -> str:
        return known.get(typed, typed)

    heads: list[str] = []
    if sel.focus:
        names = [name(f) for f in sel.focus]
        who, their = (names[0], "its") if len(names) == 1 else (", ".join(names), "their")
        if sel.depth == 0:
            heads.append(_and(names))
        elif sel.depth == 1:
            heads.append(f"{who} and {their} direct connections")
        else:
            heads.append(f"{who} and {their} connections up to {sel.depth} steps away")
    if sel.path:
        heads.append(f"Connections between {name(sel.path[0])} and {name(sel.path[1])}")
    if sel.construct is not None:
        heads.append("The result of a CONSTRUCT query")
    if not heads:
        actors_only = [t.strip().removeprefix("kg:").lower() for t in sel.types] == ["actor"]
        heads.append("All actors" if actors_only else "Whole network")
    if not filters and not labels:  # no resolved words: say what was typed
        filters = [
            *(["only " + ", ".join(sel.types)] if sel.types and heads != ["All actors"] else []),
            *sel.predicates,
            *(f"{m} claims" for m in sel.modalities),
            *(f"source: {s}" for s in sel.sources),
            *([_period(sel.since, sel.until)] if sel.since or sel.until else []),
        ]
    return "; ".join(heads) + (" — " + "; ".join(filters) if filters else "")

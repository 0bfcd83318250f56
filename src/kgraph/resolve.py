"""The one resolver: every value a user gives a look-up or an export, turned into RDF terms.

:class:`Resolver` has one method per kind of value — :meth:`~Resolver.actor`,
:meth:`~Resolver.predicate`, :meth:`~Resolver.source`, :meth:`~Resolver.modality`,
:meth:`~Resolver.actor_type`, :meth:`~Resolver.dates`, :meth:`~Resolver.claims` — all matching
through :mod:`kgraph.names` (one matcher, one "did you mean"). A value that names nothing
is a :class:`~kgraph.errors.NotFoundError` (exit 1); one that cannot be a value of its kind
at all is a :class:`~kgraph.errors.ParameterError` naming the parameter (exit 2), which the
CLI words with the flag.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from pyoxigraph import Literal as RdfLiteral
from pyoxigraph import NamedNode

from kgraph import patterns
from kgraph.dates import Span, date_window
from kgraph.errors import AmbiguousNameError, NotFoundError, ParameterError
from kgraph.fetch import nodes, predicate_ref, select, source_info, value
from kgraph.models import MODALITIES, Modality
from kgraph.names import NameMatch, NameResolver, choose, normalize
from kgraph.namespaces import KG, KGR, compact_iri, expand_curie
from kgraph.present import relation_label
from kgraph.store import Backend, values_block
from kgraph.views import PredicateRef, SourceView

_MODALITY_ALIASES = {normalize(m).replace(" ", ""): m for m in MODALITIES} | {
    "hedged": "alleged",
    "curatorinferred": "curatorInferred",
}


def parse_modality(value_: str, parameter: str = "modality") -> Modality:
    """``hedged``, ``Curator-Inferred``, ``kg:alleged`` … -> a modality; else a ParameterError."""
    text = value_.strip()
    if text.startswith("kg:"):
        text = text[3:]
    key = normalize(text).replace(" ", "")
    if key not in _MODALITY_ALIASES:
        raise ParameterError(
            parameter,
            f"{value_!r} is not one of asserted, reported, alleged (or hedged), analysis, "
            "curatorInferred (or curator-inferred)",
        )
    return _MODALITY_ALIASES[key]  # type: ignore[return-value]


def positive(value_: int, parameter: str) -> int:
    if value_ < 1:
        raise ParameterError(parameter, f"must be at least 1, not {value_}")
    return value_


def as_list(value_: str | Sequence[str] | None) -> list[str]:
    if value_ is None:
        return []
    return [value_] if isinstance(value_, str) else list(value_)


@dataclass
class Resolver:
    """Resolves the values of one request against one graph; what it reads is kept."""

    backend: Backend
    _names: NameResolver | None = field(default=None, repr=False)

    @property
    def names(self) -> NameResolver:
        if self._names is None:
            self._names = NameResolver(self.backend)
        return self._names

    def actor(self, name: str) -> NameMatch:
        """The actor or event ``name`` means (label, alias, slug, CURIE or IRI)."""
        return self.names.resolve(name)

    def actors(self, names: str | Sequence[str] | None) -> list[NameMatch]:
        return [self.actor(n) for n in as_list(names)]

    # ------------------------------------------------------------ vocabulary

    @cached_property
    def known_predicates(self) -> list[str]:
        """IRIs of the predicates claims use."""
        rows = select(self.backend, patterns.KNOWN_PREDICATES).rows
        return sorted({p.value for r in rows if isinstance(p := r["p"], NamedNode)})

    def predicate(self, text: str) -> PredicateRef:
        """``suppliesArmsTo``, ``kg:suppliesArmsTo``, its IRI or "supplies arms to".

        Only predicates some claim uses are known; anything else is a NotFoundError listing them.
        """
        candidates = {}
        for iri in self.known_predicates:
            curie = compact_iri(iri)
            local = curie[3:] if curie.startswith("kg:") else curie
            candidates[iri] = [local, curie, relation_label(curie), iri]
        known = sorted(c[0] for c in candidates.values())
        return predicate_ref(choose("predicate", text, candidates, known))

    @cached_property
    def known_actor_types(self) -> list[str]:
        rows = select(self.backend, patterns.KNOWN_ACTOR_TYPES).rows
        return sorted(
            {t.value for r in rows if isinstance(t := r["t"], NamedNode) and t.value.startswith(KG)}
        )

    def actor_type(self, text: str, *, events: bool = False) -> str:
        """``state``, ``kg:State``, "armed group" (and, with ``events``, ``Event``) -> the class IRI."""
        iris = sorted({*self.known_actor_types, *([KG + "Event"] if events else [])})
        candidates = {i: [i[len(KG) :], compact_iri(i), relation_label(i[len(KG) :]), i] for i in iris}
        return choose("actor type", text, candidates, [i[len(KG) :] for i in iris])

    def modality(self, text: str) -> Modality:
        return parse_modality(text)

    def modalities(self, texts: str | Sequence[str] | None) -> list[Modality]:
        return [self.modality(t) for t in as_list(texts)]

    # ------------------------------------------------------------ sources

    @cached_property
    def source_documents(self) -> list[SourceView]:
        return source_info(self.backend)

    def source(self, text: str) -> SourceView:
        """A source document by slug, file name, title, CURIE or IRI."""
        rows = self.source_documents
        by_iri = {s.iri: s for s in rows}
        candidates = {
            s.iri: [s.id, s.iri, compact_iri(s.iri), s.title, *([s.file_name] if s.file_name else [])]
            for s in rows
        }
        return by_iri[choose("source", text, candidates, [s.id for s in rows])]

    def source_or_actor(self, text: str) -> SourceView | NameMatch:
        """``export --source``: a source document, else the actor claims are attributed to."""
        try:
            return self.source(text)
        except AmbiguousNameError:
            raise
        except NotFoundError as no_source:
            suggestions = no_source.suggestions
        try:
            return self.actor(text)
        except AmbiguousNameError:
            raise
        except NotFoundError:
            known = ", ".join(s.id for s in self.source_documents) or "none"
            raise NotFoundError(
                f"no source document or actor named {text!r} (sources: {known})", suggestions
            ) from None

    # ------------------------------------------------------------ dates and claims

    def dates(self, since: str | None, until: str | None) -> Span | None:
        """The ``since``/``until`` window (:func:`kgraph.dates.date_window`)."""
        return date_window(since, until)

    def claims(self, ids: Sequence[str]) -> list[NamedNode]:
        """Claims by key (``israel-arms-share-2015-2019``), CURIE (``kgr:claim-…``) or IRI (with or
        without ``<>``), all looked up in one query; one that names no claim is a NotFoundError.

        A key is the curators' handle (``dcterms:identifier``); one two datasets share names both
        claims. The values are bound as RDF terms, never pasted into the query.
        """
        keys: dict[str, RdfLiteral] = {}
        iris: dict[str, list[NamedNode]] = {}
        for text in ids:
            raw = text.strip()
            if raw.startswith(("http://", "https://", "urn:", "<")):
                candidates = [raw.strip("<>")]
            elif ":" in raw:
                candidates = [expand_curie(raw) or raw]
            else:  # a key, or the local name of one of our claim IRIs ("claim-…")
                keys[text] = RdfLiteral(raw)
                candidates = [KGR + raw]
            iris[text] = nodes(candidates)
        rows = select(
            self.backend,
            patterns.fill(
                patterns.CLAIM_IDS,
                keys=values_block("given", list(keys.values())),
                iris=values_block("claim", sorted({n for ns in iris.values() for n in ns}, key=str)),
            ),
        ).rows
        found: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            if isinstance(claim := row["claim"], NamedNode) and (given := value(row["given"])) is not None:
                found[given].add(claim.value)
        out: set[str] = set()
        for text in ids:
            hits = set(found.get(keys[text].value, ())) if text in keys else set()
            hits |= {h for n in iris[text] for h in found.get(n.value, ())}
            if not hits:
                raise NotFoundError(
                    f"no claim {text.strip()!r} in this graph (give a claim key, CURIE or IRI)"
                )
            out |= hits
        return [NamedNode(i) for i in sorted(out)]


__all__ = ["Resolver", "as_list", "parse_modality", "positive"]

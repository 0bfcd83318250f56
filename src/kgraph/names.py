"""The matcher: what a user types -> one resource, for every command and every kind of value.

:meth:`NameResolver.resolve` finds actors and events; :func:`choose` picks one term of a
closed list (a predicate, a source, a type) by any of its spellings; :func:`suggest` makes the
"did you mean" of both. :mod:`kgraph.resolve` is the one resolver built on them.

"nagorno karabakh", "Baku", "IRGC", "the Islamic Republic", a full IRI or a CURIE such as
``kgr:israel``. Matching ignores case, accents, punctuation and a leading "the"; names are
bound as query values, never pasted into SPARQL text.

A name is first looked up by its exact spelling (and a few cheap variants of it: case, a
leading "the", punctuation read as spaces) and as a slug, with the candidates bound in the
query, so that a look-up in a store of millions of triples reads a handful of labels. Only
when that finds nothing are all the labels read, once per :class:`NameResolver`, for the
looser matching and for suggestions.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from kgraph.errors import AmbiguousNameError, NotFoundError
from kgraph.namespaces import KG, KGR, WD, compact_iri, expand_curie
from kgraph.store import Backend, SelectResult, values_block

# Labels and kg types of the actors and events ``{restrict}`` binds to ?s.
_LABELS_OF = """
SELECT ?s ?p ?label ?type WHERE {{
  {restrict}
  {{ ?s skos:prefLabel ?label . BIND(skos:prefLabel AS ?p) }}
  UNION {{ ?s skos:altLabel ?label . BIND(skos:altLabel AS ?p) }}
  ?s a ?type .
  FILTER(?type = kg:Event || EXISTS {{ ?s a kg:Actor }})
}}"""

# Every label, and every actor and event: two plain scans, joined here (a join in the query
# costs several times more on a big store).
_ALL_LABELS = "SELECT ?s ?label WHERE { ?s skos:prefLabel|skos:altLabel ?label }"
_ALL_ENTITIES = "SELECT ?s WHERE { { ?s a kg:Actor } UNION { ?s a kg:Event } }"

# Resources with one of the bound labels, or one of the bound (slug) IRIs.
_CANDIDATES = "{{ {labels} ?s skos:prefLabel|skos:altLabel ?l }} UNION {{ {iris} }}"

# The resource is bound inside the pattern (not by a trailing VALUES clause or a
# substitution), so that every backend, a remote endpoint included, answers alike.
_EXISTS = """
SELECT ?label ?type WHERE {{
  {focus}
  FILTER EXISTS {{ ?s ?p ?o }}
  OPTIONAL {{ ?s skos:prefLabel ?label }}
  OPTIONAL {{ ?s a ?type }}
}} LIMIT 50"""

# What a merge left behind (docs/data-model.md, Merges): the absorbed IRI names the kept one.
_REPLACED = "SELECT ?new WHERE {{ {focus} ?s dcterms:isReplacedBy ?new }}"

# Actors and events an external id (a Wikidata item, any other IRI) is linked to: by a link in
# the direct layer, either way round (the three are symmetric), or by a claim of one in the claim
# layer (a graph may hold a link only as a claim). The id itself must not be an actor or event:
# then it names itself.
_LINKED = """SELECT DISTINCT ?s WHERE {{ {focus}
  {{ ?s skos:exactMatch|owl:sameAs|schema:sameAs ?ext }}
  UNION {{ ?ext skos:exactMatch|owl:sameAs|schema:sameAs ?s }}
  UNION {{ ?claim rdf:object ?ext ; rdf:subject ?s ; rdf:predicate ?link ; a kg:Claim .
          VALUES ?link {{ skos:exactMatch owl:sameAs schema:sameAs }} }}
  {{ ?s a kg:Actor }} UNION {{ ?s a kg:Event }}
  FILTER NOT EXISTS {{ ?ext a kg:Actor }} FILTER NOT EXISTS {{ ?ext a kg:Event }}
}}"""
LINKS = ("skos:exactMatch", "owl:sameAs", "schema:sameAs")
"""The identity links that make an external id name an actor or event."""

# A Wikidata item however it is written: ``Q801``, ``wd:Q801``, its entity IRI (http or https,
# with or without ``<>``) or the address of its page.
_WIKIDATA_ID = re.compile(r"<?(?:wd:|https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/)?([Qq][1-9][0-9]*)>?")

_IRI = re.compile(r"<?(https?|urn):[^\s<>\"{}|\\^`]+>?")
_CURIE = re.compile(r"[A-Za-z][\w-]*:[\w.-]+")


@dataclass(frozen=True)
class NameMatch:
    """A resolved name: the resource's IRI, its preferred label and kg type (local name)."""

    iri: str
    label: str
    type: str

    @property
    def curie(self) -> str:
        return compact_iri(self.iri)

    @property
    def slug(self) -> str:
        return self.iri[len(KGR) :] if self.iri.startswith(KGR) else self.curie


def normalize(name: str) -> str:
    """Fold case, accents and punctuation: 'Nagorno-Karabakh’s' -> 'nagorno karabakh s'."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[\W_]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def _type_of(types: list[str]) -> str:
    specific = sorted(t for t in types if t.startswith(KG) and t != KG + "Actor")
    return specific[0][len(KG) :] if specific else "Actor"


def _as_iri(raw: str) -> str | None:
    """The IRI a name spells out, in full (with or without ``<>``) or as a CURIE of ours."""
    if _IRI.fullmatch(raw):
        return raw.strip("<>")
    return expand_curie(raw) if _CURIE.fullmatch(raw) else None


def _node(iri: str) -> NamedNode | None:
    """The IRI as a term, or None when it is not a valid IRI (``http://a:b:c``)."""
    try:
        return NamedNode(iri)
    except ValueError:
        return None


def _by_iri(backend: Backend, iri: str) -> NameMatch | None:
    node = _node(iri)
    if node is None:
        return None
    result = backend.query(_EXISTS.format(focus=values_block("s", [node])))
    assert isinstance(result, SelectResult)
    if not result.rows:
        return None
    labels = [r["label"].value for r in result.rows if isinstance(r["label"], Literal)]
    types = [r["type"].value for r in result.rows if isinstance(r["type"], NamedNode)]
    return NameMatch(iri, min(labels) if labels else compact_iri(iri), _type_of(types))


_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"

Index = dict[str, tuple[NameMatch, list[str]]]


def _index(backend: Backend, restrict: str) -> Index:
    """IRI -> (match, all its labels) for the labelled actors and events ``restrict`` binds."""
    result = backend.query(_LABELS_OF.format(restrict=restrict))
    assert isinstance(result, SelectResult)
    labels: dict[str, list[str]] = {}
    pref: dict[str, str] = {}
    types: dict[str, set[str]] = {}
    for row in result.rows:
        s, p, label, t = row["s"], row["p"], row["label"], row["type"]
        if isinstance(s, NamedNode) and isinstance(label, Literal):
            labels.setdefault(s.value, [])
            if label.value not in labels[s.value]:
                labels[s.value].append(label.value)
            if isinstance(p, NamedNode) and p.value == _PREF:
                pref[s.value] = min(pref.get(s.value, label.value), label.value)
            if isinstance(t, NamedNode):
                types.setdefault(s.value, set()).add(t.value)
    return {
        iri: (NameMatch(iri, pref.get(iri, ls[0]), _type_of(sorted(types.get(iri, set())))), ls)
        for iri, ls in labels.items()
    }


def _all_labels(backend: Backend) -> dict[str, list[str]]:
    """IRI -> all its labels, for every labelled actor and event."""
    entities = backend.query(_ALL_ENTITIES)
    rows = backend.query(_ALL_LABELS)
    assert isinstance(entities, SelectResult) and isinstance(rows, SelectResult)
    wanted = {s.value for r in entities.rows if isinstance(s := r["s"], NamedNode)}
    labels: dict[str, list[str]] = {}
    for row in rows.rows:
        s, label = row["s"], row["label"]
        if isinstance(s, NamedNode) and s.value in wanted and isinstance(label, Literal):
            known = labels.setdefault(s.value, [])
            if label.value not in known:
                known.append(label.value)
    return labels


def label_index(backend: Backend) -> Index:
    """IRI -> (match, all its labels) for every labelled actor and event."""
    return _index(backend, "")


def _hits(wanted: str, folded: Mapping[str, Iterable[str]]) -> list[str]:
    """The resources a label (else, for kgraph's own, the slug) of which folds to ``wanted``;
    ``folded`` maps each resource to its labels, folded by :func:`normalize`."""
    exact = sorted(iri for iri, names in folded.items() if wanted in names)
    return exact or sorted(
        iri for iri in folded if iri.startswith(KGR) and normalize(iri[len(KGR) :]) == wanted
    )


def _spellings(raw: str, wanted: str) -> list[str]:
    """Texts a label may have that fold to ``wanted``: the name as typed, with its spaces
    tidied, or its words spaced out; each as typed, lower, upper or title case, with or
    without a leading "the". Every one folds to ``wanted``, so an exact hit is a true hit."""
    forms: set[str] = set()
    for base in {raw, " ".join(raw.split()), wanted}:
        for form in (base, base.lower(), base.upper(), base.title(), base.capitalize()):
            lead = re.match(r"(?i)the\s+", form)
            forms |= {form, form[lead.end() :]} if lead else {form, "the " + form, "The " + form}
    return sorted(f for f in forms if f and normalize(f) == wanted)


def _slugs(raw: str, wanted: str) -> list[NamedNode]:
    """``kgr:`` IRIs the name may be the slug of: as typed, or its words joined by hyphens."""
    hyphenated = "-".join(wanted.split())
    out = []
    for slug in sorted({raw, raw.lower(), hyphenated, "the-" + hyphenated}):
        if re.fullmatch(r"[\w.-]+", slug) and normalize(slug) == wanted and (node := _node(KGR + slug)):
            out.append(node)
    return out


@dataclass
class NameResolver:
    """Resolves names in one graph; all its labels are read at most once (on a miss)."""

    backend: Backend
    _labels: dict[str, list[str]] | None = field(default=None, repr=False)
    _folded: dict[str, set[str]] | None = field(default=None, repr=False)

    def labels(self) -> dict[str, list[str]]:
        """IRI -> labels of every labelled actor and event (read on first use, then kept)."""
        if self._labels is None:
            self._labels = _all_labels(self.backend)
        return self._labels

    def _folded_labels(self) -> dict[str, set[str]]:
        if self._folded is None:
            self._folded = {iri: {normalize(x) for x in xs} for iri, xs in self.labels().items()}
        return self._folded

    def resolve(self, name: str) -> NameMatch:
        """The one actor or event ``name`` means.

        Raises NotFoundError (with the closest labels as suggestions) or AmbiguousNameError
        (listing the candidates); both exit with code 1 in the CLI.
        """
        raw = name.strip()
        if not raw or len(raw) > 500:
            raise NotFoundError(f"no actor or event named {name!r}")
        wd = _WIKIDATA_ID.fullmatch(raw)
        iri = WD + wd.group(1).upper() if wd else _as_iri(raw)
        if iri:
            if _node(iri) is None:
                raise NotFoundError(f"no actor or event named {name!r} (not a valid IRI)")
            if replaced := self._replaced([NamedNode(iri)]):
                return replaced
            if (linked := self._linked(raw, iri)) is not None:
                return linked
            found = _by_iri(self.backend, iri)
            if found is not None:
                return found
            if not (wd and raw == wd.group(1)):  # a bare "Q801" may still be a label
                links = f" ({', '.join(LINKS)})" if not iri.startswith(KGR) else ""
                raise NotFoundError(
                    f"nothing in the graph has the IRI <{iri}>"
                    + (f", and no actor or event is linked to it{links}" if links else "")
                )

        wanted = normalize(raw)
        hits: list[str] = []
        index: Index = {}
        if wanted:
            # The exact spellings and the slugs first, bound in the query: a few index look-ups.
            spellings = _spellings(raw, wanted)
            literals = [Literal(s) for s in spellings] + [Literal(s, language="en") for s in spellings]
            index = _index(
                self.backend,
                _CANDIDATES.format(
                    labels=values_block("l", literals), iris=values_block("s", _slugs(raw, wanted))
                ),
            )
            hits = _hits(wanted, {iri: {normalize(x) for x in xs} for iri, (_, xs) in index.items()})
        if not hits and wanted and (replaced := self._replaced(_slugs(raw, wanted))):
            return replaced
        if not hits:
            # Spelled otherwise: every label, folded (read once per resolver).
            hits = _hits(wanted, self._folded_labels())
            index = _index(self.backend, values_block("s", [NamedNode(i) for i in hits])) if hits else {}
        if len(hits) == 1:
            return index[hits[0]][0]
        if len(hits) > 1:
            raise AmbiguousNameError(
                raw, [f"{m.label} ({m.type}, {m.curie})" for m in (index[i][0] for i in hits)]
            )

        # Unknown: suggest the closest labels.
        all_labels = {normalize(x): x for labels in self.labels().values() for x in labels}
        raise NotFoundError(
            f"no actor or event named {name!r}",
            suggest(wanted, [(label, [folded]) for folded, label in all_labels.items()]),
        )

    def _select(self, query: str, var: str, terms: Sequence[NamedNode], out: str) -> list[str]:
        result = self.backend.query(query.format(focus=values_block(var, list(terms))))
        assert isinstance(result, SelectResult)
        return sorted({t.value for r in result.rows if isinstance(t := r[out], NamedNode)})

    def _linked(self, raw: str, iri: str) -> NameMatch | None:
        """The one actor or event the external id ``iri`` is linked to, if any."""
        linked = self._select(_LINKED, "ext", [NamedNode(iri)], "s")
        if len(linked) > 1:
            raise AmbiguousNameError(raw, [compact_iri(i) for i in linked])
        return _by_iri(self.backend, linked[0]) if linked else None

    def _replaced(self, iris: Sequence[NamedNode]) -> NameMatch | None:
        """The actor a merge kept, when one of ``iris`` is an IRI it absorbed."""
        if not iris:
            return None
        kept = self._select(_REPLACED, "s", iris, "new")
        return _by_iri(self.backend, kept[0]) if len(kept) == 1 else None


def resolve(backend: Backend, name: str) -> NameMatch:
    """The one actor or event ``name`` means (see :meth:`NameResolver.resolve`).

    To resolve several names in one graph, use one :class:`NameResolver`: a name that needs
    the full label scan then reads the labels only once.
    """
    return NameResolver(backend).resolve(name)


def suggest(wanted: str, entries: Iterable[tuple[str, Iterable[str]]], n: int = 3) -> list[str]:
    """The "did you mean" of every look-up: the ``n`` entries (a text to show, and the folded
    forms it answers to) closest to the folded ``wanted``, by similarity, else by containment."""
    scored: list[tuple[float, str]] = []
    contained: list[str] = []
    for shown, forms in entries:
        folded = list(forms)
        best = max((difflib.SequenceMatcher(None, wanted, f).ratio() for f in folded), default=0.0)
        if best >= 0.6:
            scored.append((best, shown))
        elif wanted and any(wanted in f or (len(f) > 3 and f in wanted) for f in folded):
            contained.append(shown)
    if scored:
        return [shown for _, shown in sorted(scored, key=lambda x: (-x[0], x[1]))[:n]]
    return sorted(contained)[:n]


def _compact(text: str) -> str:
    return normalize(text).replace(" ", "")


def choose(what: str, text: str, candidates: Mapping[str, Sequence[str]], known: Sequence[str]) -> str:
    """The one IRI of ``candidates`` (IRI -> its spellings, the first the one to show) that
    ``text`` spells, ignoring case, spaces and punctuation; else a NotFoundError listing
    ``known`` with suggestions, or an AmbiguousNameError."""
    raw = text.strip()
    iri = raw.strip("<>") if raw.startswith(("http://", "https://", "urn:", "<")) else expand_curie(raw)
    if iri and iri in candidates:
        return iri
    wanted = _compact(raw)
    hits = sorted(i for i, forms in candidates.items() if wanted and wanted in {_compact(f) for f in forms})
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise AmbiguousNameError(raw, [compact_iri(h) for h in hits])
    suggestions = suggest(wanted, [(forms[0], [_compact(f) for f in forms]) for forms in candidates.values()])
    listing = ", ".join(known) if known else "none"
    raise NotFoundError(f"no {what} {text!r} in this graph (known: {listing})", suggestions)

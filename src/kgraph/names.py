"""Name resolution, one function for every command: what a user types -> one resource.

"nagorno karabakh", "Baku", "IRGC", "the Islamic Republic", a full IRI or a CURIE such as
``kgr:israel``. Matching ignores case, accents, punctuation and a leading "the"; names are
bound as query values, never pasted into SPARQL text.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from kgraph.errors import AmbiguousNameError, NotFoundError
from kgraph.namespaces import KG, KGR, compact_iri, expand_curie
from kgraph.store import Backend, SelectResult

_LABELS = """
SELECT ?s ?p ?label ?type WHERE {
  VALUES ?p { skos:prefLabel skos:altLabel }
  ?s ?p ?label .
  ?s a ?type .
  FILTER(?type = kg:Event || EXISTS { ?s a kg:Actor })
}"""

_EXISTS = """
SELECT ?s ?label ?type WHERE {
  { SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 }
  OPTIONAL { ?s skos:prefLabel ?label }
  OPTIONAL { ?s a ?type }
} LIMIT 50"""


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


def _by_iri(backend: Backend, iri: str) -> NameMatch | None:
    result = backend.query(_EXISTS, {"s": NamedNode(iri)})
    assert isinstance(result, SelectResult)
    if not result.rows:
        return None
    labels = [r["label"].value for r in result.rows if isinstance(r["label"], Literal)]
    types = [r["type"].value for r in result.rows if isinstance(r["type"], NamedNode)]
    return NameMatch(iri, labels[0] if labels else compact_iri(iri), _type_of(types))


_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


def label_index(backend: Backend) -> dict[str, tuple[NameMatch, list[str]]]:
    """IRI -> (match, all its labels) for every labelled actor and event."""
    result = backend.query(_LABELS)
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


def resolve(backend: Backend, name: str) -> NameMatch:
    """The one actor or event ``name`` means.

    Raises NotFoundError (with the closest labels as suggestions) or AmbiguousNameError
    (listing the candidates); both exit with code 1 in the CLI.
    """
    raw = name.strip()
    if not raw or len(raw) > 500:
        raise NotFoundError(f"no actor or event named {name!r}")
    iri: str | None
    if re.fullmatch(r"<?(https?|urn):[^\s<>\"{}|\\^`]+>?", raw):
        iri = raw.strip("<>")
    else:
        iri = expand_curie(raw) if re.fullmatch(r"[A-Za-z][\w-]*:[\w.-]+", raw) else None
    if iri:
        found = _by_iri(backend, iri)
        if found is None:
            raise NotFoundError(f"nothing in the graph has the IRI <{iri}>")
        return found

    wanted = normalize(raw)
    index = label_index(backend)
    exact = sorted(iri for iri, (_, labels) in index.items() if any(normalize(x) == wanted for x in labels))
    slug_hits = sorted(iri for iri in index if iri.startswith(KGR) and normalize(iri[len(KGR) :]) == wanted)
    hits = exact or slug_hits
    if len(hits) == 1:
        return index[hits[0]][0]
    if len(hits) > 1:
        raise AmbiguousNameError(
            raw, [f"{m.label} ({m.type}, {m.curie})" for m in (index[i][0] for i in hits)]
        )

    # Unknown: suggest the closest labels, by similarity or by containment.
    all_labels = {normalize(x): x for _, labels in index.values() for x in labels}
    close = difflib.get_close_matches(wanted, list(all_labels), n=3, cutoff=0.6)
    if not close and wanted:
        close = sorted(k for k in all_labels if wanted in k or (len(k) > 3 and k in wanted))[:3]
    raise NotFoundError(f"no actor or event named {name!r}", [all_labels[c] for c in close])

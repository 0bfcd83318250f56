"""Namespace IRIs and the one prefix map every reader, query and serializer uses.

Kept free of rdflib so that look-ups can start without importing it; the closed list of
our own terms is ``kgraph.vocab.KG``.
"""

from __future__ import annotations

KG = "https://w3id.org/kgraph/ns#"
"""Our vocabulary (classes, properties, modality concepts)."""

KGR = "https://w3id.org/kgraph/id/"
"""Our resources: actors, events, source documents, claims and their evidence."""

WD = "http://www.wikidata.org/entity/"

PREFIXES: dict[str, str] = {
    "kg": KG,
    "kgr": KGR,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": WD,
    "edtf": "http://id.loc.gov/datatypes/edtf/",
}
"""Prefix -> namespace IRI, in the order serializers write them."""

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
XSD = PREFIXES["xsd"]
SKOS = PREFIXES["skos"]
PROV = PREFIXES["prov"]
SCHEMA = PREFIXES["schema"]
OA = PREFIXES["oa"]
DCT = PREFIXES["dcterms"]
SH = PREFIXES["sh"]
EDTF = PREFIXES["edtf"] + "EDTF"
"""The Library of Congress datatype for Extended Date/Time Format strings: a decade (``198X``)."""


def sparql_prologue() -> str:
    """PREFIX lines for every prefix in :data:`PREFIXES`."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def expand_curie(curie: str) -> str | None:
    """``kg:Claim`` -> full IRI, or None when the prefix is not ours."""
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES or local.startswith("//"):
        return None
    return PREFIXES[prefix] + local


def compact_iri(iri: str) -> str:
    """Full IRI -> CURIE when a prefix covers it and the local part is plain; else the IRI."""
    best = ""
    best_prefix = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, best_prefix = ns, prefix
    if best:
        local = iri[len(best) :]
        if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
            return f"{best_prefix}:{local}"
    return iri

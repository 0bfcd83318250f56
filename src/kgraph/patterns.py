"""The claim's shape in SPARQL, written once: every query the look-ups, the walker and the
subgraph selection send about claims is built here.

:mod:`kgraph.mapping` writes a claim as triples (``?claim a kg:Claim ; rdf:subject ?s ;
rdf:predicate ?p ; rdf:object ?o``, qualifiers, ``prov:`` attribution, Web Annotation
evidence); this module reads that shape back. Each query is a fixed text of ours whose only
holes are VALUES blocks (:func:`kgraph.store.values_block`), so whatever a user typed reaches
a query as bound RDF terms, never as query text.
"""

from __future__ import annotations

from kgraph.dates import DATE_PROPERTIES
from kgraph.namespaces import WD

# ---------------------------------------------------------------- fragments

CLAIM = "?claim a kg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ."
"""A claim and its three parts."""

ABOUT = "{ ?claim rdf:subject ?about } UNION { ?claim rdf:object ?about }"
"""A claim whose subject or object is ``?about``."""

DATE_VALUES = f"VALUES ?p {{ {' '.join(DATE_PROPERTIES)} }}"
"""``?p`` is one of the properties that date something."""

EXTERNAL_ID = (
    "?claim a kg:Claim ; rdf:predicate skos:exactMatch ; rdf:object ?wdItem . "
    f'FILTER(STRSTARTS(STR(?wdItem), "{WD}"))'
)
"""A curator's Wikidata link: a kg:Claim (curatorInferred, skos:exactMatch), shown on its
subject's card as an external id rather than among the relations."""

ROLL_UP = ("kg:partOf", "kg:memberOf", "kg:basedIn")
"""The relations along which claims about a part roll up to the whole (docs/cli.md, "Roll-up")."""

# ---------------------------------------------------------------- whole claims and entities

_NODE_AND_EVIDENCE = """
  {{ ?{var} ?p ?o . BIND(?{var} AS ?s) }}
  UNION {{ ?s oa:hasBody ?{var} ; ?p ?o . }}
  UNION {{ ?ann oa:hasBody ?{var} ; oa:hasTarget ?s . ?s ?p ?o . }}
  UNION {{ ?ann oa:hasBody ?{var} ; oa:hasTarget/oa:hasSelector ?s . ?s ?p ?o . }}
  UNION {{ ?{var} prov:qualifiedAttribution ?s . ?s ?p ?o . }}
"""


def _whole(var: str, pattern: str) -> str:
    """A CONSTRUCT of every node ``pattern`` binds to ``?var`` with its evidence or mentions."""
    return (
        "CONSTRUCT { ?s ?p ?o } WHERE {\n"
        f"  {{ SELECT DISTINCT ?{var} WHERE {{ {pattern} }} }}\n" + _NODE_AND_EVIDENCE.format(var=var) + "}"
    )


def claims_query(claim_pattern: str) -> str:
    """A CONSTRUCT giving, for every ``?claim`` that ``claim_pattern`` binds, the triples
    :func:`kgraph.mapping.from_triples` needs to rebuild it (the claim node and its evidence).

    ``claim_pattern`` is built from this module's fragments and VALUES blocks.
    """
    return _whole("claim", claim_pattern)


def entities_query(entity_pattern: str) -> str:
    """Like :func:`claims_query` for actors and events bound to ``?entity``: types, labels, mentions."""
    return _whole("entity", entity_pattern)


VALIDATION_BATCH = """CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ SELECT DISTINCT ?n WHERE {{
    {values}
    {{ ?root ?anyp ?anyo BIND(?root AS ?n) }}
    UNION {{ ?n oa:hasBody ?root }}
    UNION {{ ?a oa:hasBody ?root ; oa:hasTarget ?n }}
    UNION {{ ?a oa:hasBody ?root ; oa:hasTarget/oa:hasSelector ?n }}
    UNION {{ ?root prov:qualifiedAttribution ?n }}
    UNION {{ ?n oa:hasSelector ?root }}
    UNION {{ ?n oa:hasTarget ?root }}
    UNION {{ ?n oa:hasTarget/oa:hasSelector ?root }}
  }} }}
  {{ ?n ?p ?o BIND(?n AS ?s) }}
  UNION {{
    ?n ?q ?s . ?s ?p ?o .
    VALUES ?p {{ rdf:type schema:sha256 kg:textLength dcterms:identifier dcterms:description
                skos:prefLabel dcterms:title }}
  }}
}}"""
"""One batch of ``kgraph validate`` on a store (``values`` binds ``?root``): every triple of the
roots, of their evidence and attribution nodes and of the annotations and targets that point at
them, and the facts a shape or a report row reads of the nodes those triples name (type,
SHA-256, length, key, label)."""

EVIDENCE_OWNERS = """
  OPTIONAL {{ ?t1 oa:hasSelector ?{var} . ?a1 oa:hasTarget ?t1 ; oa:hasBody ?r1 }}
  OPTIONAL {{ ?a2 oa:hasTarget ?{var} ; oa:hasBody ?r2 }}
  OPTIONAL {{ ?{var} oa:hasBody ?r3 }}
  OPTIONAL {{ ?r4 prov:qualifiedAttribution ?{var} }}
"""
"""What an evidence node ``?{var}`` is evidence for (``?r1``…``?r4``): through its target and
annotation, its annotation, itself, or the claim it is an attribution step of."""


def claims_about(values: str) -> str:
    """Claim pattern: claims whose subject, object or attribution is one of ``?focus``."""
    return (
        f"{values} ?claim a kg:Claim . "
        "{ ?claim rdf:subject ?focus } UNION { ?claim rdf:object ?focus } "
        "UNION { ?claim prov:wasAttributedTo ?focus }"
    )


def event_date_claims(values: str) -> str:
    """Claim pattern: the date claims of the events ``?event``."""
    return (
        f"{values} ?event a kg:Event . "
        f"?claim a kg:Claim ; rdf:subject ?event ; rdf:predicate ?p . {DATE_VALUES}"
    )


EVENT_FACTS = (
    "?claim a kg:Claim ; rdf:subject ?e ; rdf:predicate ?p . ?e a kg:Event . "
    "VALUES ?p { kg:participant schema:location dcterms:date schema:startDate schema:endDate }"
)
"""Claim pattern: every event's participants, places and dates (the timeline)."""

# ---------------------------------------------------------------- rows

LABELS = """SELECT ?s ?label ?type WHERE {{
  {values}
  OPTIONAL {{ ?s skos:prefLabel ?label }}
  OPTIONAL {{ ?s a ?type }}
}}"""

CLAIM_KEYS = "SELECT ?c ?key WHERE {{ {values} ?c a kg:Claim ; dcterms:identifier ?key }}"

CLAIM_IDS = """SELECT ?claim ?given WHERE {{
  {{ {keys} ?claim dcterms:identifier ?given . ?claim a kg:Claim }}
  UNION {{ {iris} ?claim a kg:Claim . BIND(?claim AS ?given) }}
}}"""

SOURCE_INFO = """SELECT ?s ?p ?o WHERE {{
  {values}
  ?s a kg:SourceDocument ; ?p ?o .
}}"""
"""Every property of the source documents (of those bound, when ``values`` binds ``?s``)."""

KNOWN_PREDICATES = "SELECT DISTINCT ?p WHERE { ?claim a kg:Claim ; rdf:predicate ?p }"
KNOWN_ACTOR_TYPES = "SELECT DISTINCT ?t WHERE { ?a a kg:Actor , ?t }"
ACTOR_TYPES = "SELECT ?a ?t WHERE { ?a a kg:Actor , ?t }"

CLAIM_COUNTS = (
    "SELECT ?e (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kg:Claim . "
    "{ ?claim rdf:subject ?e } UNION { ?claim rdf:object ?e } } GROUP BY ?e"
)
SOURCE_COUNTS = (
    "SELECT ?s (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?s a kg:SourceDocument . "
    "?claim a kg:Claim ; prov:wasDerivedFrom ?s } GROUP BY ?s"
)
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_EVENTS = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a kg:Event }"
COUNT_CLAIMS = "SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kg:Claim }"
COUNT_SOURCES = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a kg:SourceDocument }"
COUNT_EXTERNAL_IDS = f"SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE {{ {EXTERNAL_ID} }}"


def claims_grouped_by(prop: str) -> str:
    """Claim counts per value of one of the claim's own properties (``rdf:predicate``…)."""
    return f"SELECT ?k (COUNT(DISTINCT ?claim) AS ?n) WHERE {{ ?claim a kg:Claim ; {prop} ?k }} GROUP BY ?k"


EDGES = """SELECT DISTINCT ?claim ?s ?p ?o ?modality WHERE {{
  {values}
  {{ ?claim rdf:subject ?n }} UNION {{ ?claim rdf:object ?n }}
  ?claim a kg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL {{ ?claim kg:modality ?modality }}
  FILTER(isIRI(?o))
  FILTER EXISTS {{ ?s a ?ks . FILTER(?ks = kg:Actor || ?ks = kg:Event) }}
  FILTER EXISTS {{ ?o a ?ko . FILTER(?ko = kg:Actor || ?ko = kg:Event) }}
}}"""
"""The claims joining one of ``?n`` to an actor or event, in either direction (one hop)."""

PARTS = f"""SELECT ?part ?whole ?p ?claim ?modality WHERE {{{{
  {{values}}
  VALUES ?p {{{{ {" ".join(ROLL_UP)} }}}}
  ?claim a kg:Claim ; rdf:subject ?part ; rdf:predicate ?p ; rdf:object ?whole ; kg:modality ?modality .
}}}}"""
"""The parts, members and residents of the wholes ``?whole``, one level down."""

PARTICIPATIONS = """SELECT ?event ?actor ?claim ?modality WHERE {{
  {values}
  ?claim a kg:Claim ; rdf:subject ?event ; rdf:predicate kg:participant ; rdf:object ?actor ;
         kg:modality ?modality .
  ?event a kg:Event .
}}"""
"""The events the actors ``?actor`` took part in."""

CLAIM_ROWS = """SELECT DISTINCT ?claim ?s ?p ?o ?modality ?source ?attr ?date ?start ?end WHERE {{
  {values}
  ?claim a kg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL {{ ?claim kg:modality ?modality }}
  OPTIONAL {{ ?claim prov:wasDerivedFrom ?source }}
  OPTIONAL {{ ?claim prov:wasAttributedTo ?attr }}
  OPTIONAL {{ ?claim dcterms:date ?date }}
  OPTIONAL {{ ?claim schema:startDate ?start }}
  OPTIONAL {{ ?claim schema:endDate ?end }}
}}"""
"""A claim's skeleton and what the selection filters read (``values`` binds ``?claim``,
``?s``, or ``?about`` with :data:`ABOUT`)."""

EVENT_DATE_ROWS = f"""SELECT ?e ?p ?date ?modality WHERE {{{{
  {{values}}
  ?e a kg:Event .
  ?claim a kg:Claim ; rdf:subject ?e ; rdf:predicate ?p ; rdf:object ?date .
  OPTIONAL {{{{ ?claim kg:modality ?modality }}}}
  {DATE_VALUES.replace("{", "{{").replace("}", "}}")}
}}}}"""

BACKED = """SELECT ?claim ?s ?p ?o WHERE {{
  {values}
  ?claim a kg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
}}"""
"""Which direct ``S P O`` triples of the entities ``?s`` have a claim behind them."""

TYPES = "SELECT ?e ?type WHERE {{ {values} ?e a ?type . }}"

ENTITIES = """
SELECT ?e ?type WHERE {
  { ?e a kg:Actor } UNION { ?e a kg:Event }
  ?e a ?type .
}"""

SOURCES_OF = "CONSTRUCT {{ ?src ?p ?o }} WHERE {{ {values} ?src ?p ?o }}"


CARD_ROWS = """SELECT ?claim ?s ?p ?o ?sEvent ?oEvent ?att (MIN(?sl) AS ?sLabel) (MIN(?ol) AS ?oLabel)
       (SAMPLE(?d) AS ?date) (SAMPLE(?b) AS ?start) (SAMPLE(?e) AS ?end) WHERE {{
  {values}
  {{ SELECT DISTINCT ?claim WHERE {{ {pattern} }} }}
  ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL {{ ?s skos:prefLabel ?sl }}
  OPTIONAL {{ ?o skos:prefLabel ?ol }}
  OPTIONAL {{ ?claim dcterms:date ?d }}
  OPTIONAL {{ ?claim schema:startDate ?b }}
  OPTIONAL {{ ?claim schema:endDate ?e }}
  BIND(EXISTS {{ ?s a kg:Event }} AS ?sEvent)
  BIND(EXISTS {{ ?o a kg:Event }} AS ?oEvent)
  BIND(EXISTS {{ ?claim prov:wasAttributedTo ?focus }} AS ?att)
}} GROUP BY ?claim ?s ?p ?o ?sEvent ?oEvent ?att"""
"""One row a claim that ``pattern`` binds to ``?claim``: its three parts, their labels, its own
dates, whether its ends are events and whether it is attributed to ``?focus`` (bound by
``values``): what a paged card needs to sort and count claims before reading any in full."""


def fill(template: str, values: str = "", **blocks: str) -> str:
    """``template`` with its VALUES holes filled (``{values}``, or named ones such as ``{keys}``)."""
    return template.format(values=values, **blocks)


__all__ = [
    "ABOUT",
    "CLAIM",
    "DATE_VALUES",
    "EXTERNAL_ID",
    "ROLL_UP",
    "claims_about",
    "claims_query",
    "entities_query",
    "event_date_claims",
    "fill",
]

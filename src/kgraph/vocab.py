"""The kgraph vocabulary as a closed rdflib namespace.

Every term here is declared, with label, comment, domain and range, in
``kgraph/ontology/kgraph.ttl`` and described in ``docs/data-model.md``; tests check all three
agree. Standard vocabularies (PROV-O, SKOS, schema.org, Web Annotation, Dublin Core, XSD)
are used wherever they fit; these terms cover only what none of them does.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace
from rdflib.term import URIRef

from kgraph import namespaces


class KG(DefinedNamespace):
    _NS = Namespace(namespaces.KG)
    _fail = True

    # --- classes: the claim layer
    Claim: URIRef  # a sourced statement (also an rdf:Statement and prov:Entity)
    SourceDocument: URIRef  # a text that claims are drawn from
    PressRelease: URIRef  # a source's kind where schema.org has none
    LocatorSelector: URIRef  # evidence in a source whose text is not held
    Merge: URIRef  # the curators' record that two actor IRIs are one actor

    # --- classes: actors and what they act in
    Actor: URIRef
    State: URIRef
    Territory: URIRef
    Corridor: URIRef
    Region: URIRef
    Company: URIRef
    Ministry: URIRef
    GovernmentAgency: URIRef
    IntelligenceAgency: URIRef
    ArmedForces: URIRef
    ArmedGroup: URIRef
    Legislature: URIRef
    OfficialBody: URIRef
    ResearchOrganization: URIRef
    DataSource: URIRef
    MediaOutlet: URIRef
    Person: URIRef
    Facility: URIRef
    Event: URIRef
    Curator: URIRef

    # --- claim qualifiers and bookkeeping
    modality: URIRef
    share: URIRef
    shareOf: URIRef
    approximate: URIRef
    item: URIRef
    textLength: URIRef
    since: URIRef
    curatedQualifier: URIRef
    curatorTitle: URIRef
    notStated: URIRef
    retrieved: URIRef
    supports: URIRef
    contradicts: URIRef
    participant: URIRef
    characteristic: URIRef
    table: URIRef
    section: URIRef
    absorbed: URIRef
    mergedInto: URIRef
    mergeReason: URIRef

    # --- modality concept scheme
    Modality: URIRef
    modalityScheme: URIRef
    asserted: URIRef
    reported: URIRef
    alleged: URIRef
    analysis: URIRef
    curatorInferred: URIRef

    # --- relations between actors (the direct layer); see docs/data-model.md
    suppliesArmsTo: URIRef
    coProducesWith: URIRef
    providedMappingTo: URIRef
    airliftedSuppliesTo: URIRef
    allyOf: URIRef
    cooperatesWith: URIRef
    attacked: URIRef
    controls: URIRef
    blockaded: URIRef
    connects: URIRef
    exclaveOf: URIRef
    bordersOn: URIRef
    declaredIndependenceFrom: URIRef
    foughtWarWith: URIRef
    brokered: URIRef
    seeksToContain: URIRef
    concernedAbout: URIRef
    backs: URIRef
    affiliatedWith: URIRef
    regardsAsThreat: URIRef
    questionsBordersWith: URIRef
    atOddsWith: URIRef
    opposes: URIRef
    monitors: URIRef
    grantsBaseTo: URIRef
    grantsAirportAccessTo: URIRef
    takesPartInReconstructionOf: URIRef
    sharesExpertiseWith: URIRef
    importsOilFrom: URIRef
    # added for the first article (see ontology/relations.ttl, docs/relations.md)
    partOf: URIRef
    basedIn: URIRef
    soughtIndependenceFrom: URIRef
    surrenderedTo: URIRef
    providesFor: URIRef
    favored: URIRef
    ledTo: URIRef
    followed: URIRef
    transitedAirspaceOf: URIRef
    strengthened: URIRef
    gaveAdvantageIn: URIRef
    benefitsFrom: URIRef
    dependsOn: URIRef
    shapesBalanceOfPowerIn: URIRef
    exertsInfluenceIn: URIRef
    rivalOf: URIRef
    altersBordersOf: URIRef
    hindersAccessOf: URIRef
    constructed: URIRef
    operates: URIRef
    operatesIn: URIRef
    contemplatesStrikesOn: URIRef
    addresses: URIRef

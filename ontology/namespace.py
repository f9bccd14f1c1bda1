"""Closed namespace of the chm-kg ontology. Generated from chm.ttl by
`python -m ontology.generate`: do not edit by hand."""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class CHM(DefinedNamespace):
    """Terms of https://w3id.org/chm-kg/ontology#; naming any other term raises."""

    _NS = Namespace("https://w3id.org/chm-kg/ontology#")
    _fail = True

    ActorRole: URIRef
    Alternative: URIRef
    Annex: URIRef
    Article: URIRef
    Assertion: URIRef
    BestAvailableTechnique: URIRef
    Centre: URIRef
    Chemical: URIRef
    CleanerProductionCentre: URIRef
    CollaboratingCentre: URIRef
    Convention: URIRef
    Country: URIRef
    Decision: URIRef
    DisposalTechnology: URIRef
    Document: URIRef
    DocumentKind: URIRef
    Expert: URIRef
    Extraction: URIRef
    Extractor: URIRef
    FocalPoint: URIRef
    Gap: URIRef
    GapReason: URIRef
    GapSnapshot: URIRef
    InformationNeed: URIRef
    InformationRequirement: URIRef
    Listing: URIRef
    Mandatory: URIRef
    Meeting: URIRef
    Obligation: URIRef
    ObligationStatus: URIRef
    Optional: URIRef
    Organization: URIRef
    Paragraph: URIRef
    Party: URIRef
    Protocol: URIRef
    Provision: URIRef
    Region: URIRef
    RegionalCentre: URIRef
    Technology: URIRef
    Topic: URIRef
    about: URIRef
    adoptedAt: URIRef
    alternativeTo: URIRef
    appliesTo: URIRef
    casNumber: URIRef
    cites: URIRef
    concernsAnnex: URIRef
    concernsArticle: URIRef
    confidence: URIRef
    coverageScore: URIRef
    derivedFromParagraph: URIRef
    documentKind: URIRef
    documentSymbol: URIRef
    endorsedBy: URIRef
    establishedUnder: URIRef
    exemptionNote: URIRef
    expertIn: URIRef
    focalPointOf: URIRef
    forConvention: URIRef
    fulfilledByKind: URIRef
    fulfils: URIRef
    gapFor: URIRef
    gapKey: URIRef
    gapReason: URIRef
    gapSubject: URIRef
    hasAnnex: URIRef
    hasArticle: URIRef
    hasGap: URIRef
    hasListing: URIRef
    hasParagraph: URIRef
    headingPath: URIRef
    hostedBy: URIRef
    inRegion: URIRef
    informationContent: URIRef
    informationFrom: URIRef
    informationTo: URIRef
    iso3166Alpha2: URIRef
    iso3166Alpha3: URIRef
    listedIn: URIRef
    listingAnnex: URIRef
    listingDecision: URIRef
    listingYear: URIRef
    locatedIn: URIRef
    m49Code: URIRef
    meetingOf: URIRef
    mentions: URIRef
    nominatedBy: URIRef
    obligationStatus: URIRef
    paragraphNumber: URIRef
    paragraphOf: URIRef
    parentParagraph: URIRef
    partOfConvention: URIRef
    partOfProvision: URIRef
    partyTo: URIRef
    position: URIRef
    protocolTo: URIRef
    reportedThrough: URIRef
    representsCountry: URIRef
    senderCondition: URIRef
    servesRegion: URIRef
    sha256: URIRef
    submittedBy: URIRef

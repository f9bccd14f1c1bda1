"""The dataset described in VoID and DCAT: what it is (in the six UN languages), how big it is,
where to query and download it, and one subset per named graph. Every figure comes from a query.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from graph import queries
from graph.store import GraphStore, Term, term_text
from ontology import PREFIXES

DCAT = "http://www.w3.org/ns/dcat#"
VOID = PREFIXES["void"]
DCTERMS = PREFIXES["dcterms"]
XSD = PREFIXES["xsd"]
#: Prefixes for serialising the description (the project's, and DCAT).
VOID_PREFIXES = PREFIXES | {"dcat": DCAT}
DEFAULT_BASE_IRI = "https://w3id.org/chm-kg/"
#: The dumps the service offers: path under the base URL, media type, W3C format name.
DUMPS = (("dump.nq", "application/n-quads", "N-Quads"), ("dump.trig", "application/trig", "TriG"))

TITLES = {
    "ar": "الرسم البياني المعرفي لآلية تبادل المعلومات الخاصة باتفاقيات المواد الكيميائية والنفايات",
    "en": "Knowledge graph of the clearing-house mechanism of the chemicals and waste conventions",
    "es": "Grafo de conocimiento del mecanismo de intercambio de información de los convenios sobre "
    "productos químicos y desechos",
    "fr": "Graphe de connaissances du centre d'échange d'informations des conventions sur les produits "
    "chimiques et les déchets",
    "ru": "Граф знаний механизма посредничества конвенций по химическим веществам и отходам",
    "zh": "化学品和废物公约信息交换所机制知识图谱",
}
DESCRIPTIONS = {
    "ar": "الاتفاقيات ومواد الاتفاقيات ومرفقاتها والمواد الكيميائية والبلدان والمناطق والمراكز والوثائق "
    "وفقراتها، لاتفاقيات بازل وروتردام واستكهولم وميناماتا وبروتوكول مونتريال، مترابطة في مجموعة بيانات RDF "
    "واحدة ومعنونة باللغات الرسمية الست للأمم المتحدة؛ ويمكن تتبع كل واقعة مستخرجة إلى الفقرة التي وردت فيها.",
    "en": "The conventions, articles, annexes, chemicals, countries, regions, centres, documents and "
    "paragraphs of the Basel, Rotterdam, Stockholm and Minamata conventions and the Montreal Protocol, "
    "linked in one RDF dataset and labelled in the six UN languages; every extracted fact is traced to "
    "the paragraph it came from.",
    "es": "Los convenios, artículos, anexos, productos químicos, países, regiones, centros, documentos y "
    "párrafos de los convenios de Basilea, Rotterdam, Estocolmo y Minamata y del Protocolo de Montreal, "
    "vinculados en un único conjunto de datos RDF y etiquetados en los seis idiomas oficiales de las "
    "Naciones Unidas; cada hecho extraído remite al párrafo del que procede.",
    "fr": "Les conventions, articles, annexes, produits chimiques, pays, régions, centres, documents et "
    "paragraphes des conventions de Bâle, de Rotterdam, de Stockholm et de Minamata et du Protocole de "
    "Montréal, reliés dans un seul jeu de données RDF et dotés de libellés dans les six langues "
    "officielles de l'Organisation des Nations Unies ; chaque fait extrait renvoie au paragraphe dont il provient.",
    "ru": "Конвенции, статьи, приложения, химические вещества, страны, регионы, центры, документы и "
    "пункты Базельской, Роттердамской, Стокгольмской и Минаматской конвенций и Монреальского протокола, "
    "связанные в едином наборе данных RDF, с названиями на шести официальных языках ООН; для каждого "
    "извлечённого факта указан пункт, из которого он взят.",
    "zh": "《巴塞尔公约》、《鹿特丹公约》、《斯德哥尔摩公约》、《水俣公约》和《蒙特利尔议定书》的公约、条款、"
    "附件、化学品、国家、区域、中心、文件及其段落，链接为一个RDF数据集，并以联合国六种正式语文标注；"
    "每一条提取的事实均可追溯至其来源段落。",
}


class _Triples(list[ox.Triple]):
    def add(self, subject: ox.NamedNode | ox.BlankNode, predicate: str, obj: Term | str | int) -> None:
        if isinstance(obj, bool | int):
            obj = ox.Literal(str(obj), datatype=ox.NamedNode(XSD + "integer"))
        elif isinstance(obj, str):
            obj = ox.NamedNode(obj)
        self.append(ox.Triple(subject, ox.NamedNode(predicate), obj))


def dataset_description(store: GraphStore, base_url: str, *, base_iri: str = DEFAULT_BASE_IRI) -> list[ox.Triple]:
    """The VoID + DCAT description of the dataset in `store`, served from `base_url` (the
    service's root URL, which holds /sparql and the dumps). The dataset is `<{base_iri}dataset>`
    and its entities are the IRIs under `{base_iri}id/`."""
    base_url = base_url.rstrip("/")
    dataset = ox.NamedNode(base_iri + "dataset")
    uri_space = base_iri + "id/"
    out = _Triples()
    out.add(dataset, PREFIXES["rdf"] + "type", VOID + "Dataset")
    out.add(dataset, PREFIXES["rdf"] + "type", DCAT + "Dataset")
    for language in TITLES:
        out.add(dataset, DCTERMS + "title", ox.Literal(TITLES[language], language=language))
        out.add(dataset, DCTERMS + "description", ox.Literal(DESCRIPTIONS[language], language=language))
    counts = store.select(queries.load("void_counts"))[0]
    for predicate, name in (
        ("triples", "triples"),
        ("distinctSubjects", "subjects"),
        ("properties", "properties"),
        ("distinctObjects", "objects"),
    ):
        out.add(dataset, VOID + predicate, int(term_text(counts[name])))
    entities = store.select(queries.load("void_entities"), space=uri_space)
    out.add(dataset, VOID + "entities", int(term_text(entities[0]["entities"])) if entities else 0)
    out.add(dataset, VOID + "uriSpace", ox.Literal(uri_space))
    out.add(dataset, VOID + "sparqlEndpoint", f"{base_url}/sparql")
    for path, _, _ in DUMPS:
        out.add(dataset, VOID + "dataDump", f"{base_url}/{path}")

    classes = [
        (row["class"], int(term_text(row["instances"]))) for row in store.select(queries.load("instances_per_class"))
    ]
    properties = [
        (row["property"], int(term_text(row["triples"]))) for row in store.select(queries.load("void_properties"))
    ]
    out.add(dataset, VOID + "classes", len(classes))
    for vocabulary in _vocabularies([t for t, _ in classes] + [t for t, _ in properties]):
        out.add(dataset, VOID + "vocabulary", vocabulary)
    for index, (cls, instances) in enumerate(classes):
        partition = ox.BlankNode(f"class{index}")
        out.add(dataset, VOID + "classPartition", partition)
        out.add(partition, VOID + "class", cls)
        out.add(partition, VOID + "entities", instances)
    for index, (prop, triples) in enumerate(properties):
        partition = ox.BlankNode(f"property{index}")
        out.add(dataset, VOID + "propertyPartition", partition)
        out.add(partition, VOID + "property", prop)
        out.add(partition, VOID + "triples", triples)

    modified = []
    for info in store.graphs():
        subset = ox.NamedNode(info.graph)
        out.add(dataset, VOID + "subset", subset)
        out.add(subset, PREFIXES["rdf"] + "type", VOID + "Dataset")
        out.add(subset, VOID + "triples", info.triples)
        if info.source:
            out.add(subset, DCTERMS + "source", ox.Literal(_public_source(info.source)))
        if info.modified:
            modified.append(info.modified)
            out.add(subset, DCTERMS + "modified", ox.Literal(info.modified, datatype=ox.NamedNode(XSD + "dateTime")))
    if modified:
        out.add(dataset, DCTERMS + "modified", ox.Literal(max(modified), datatype=ox.NamedNode(XSD + "dateTime")))

    for path, media_type, name in DUMPS:
        distribution = ox.BlankNode(f"dump-{path.replace('.', '-')}")
        out.add(dataset, DCAT + "distribution", distribution)
        out.add(distribution, PREFIXES["rdf"] + "type", DCAT + "Distribution")
        out.add(distribution, DCAT + "downloadURL", f"{base_url}/{path}")
        out.add(distribution, DCAT + "accessURL", f"{base_url}/{path}")
        out.add(distribution, DCAT + "mediaType", f"https://www.iana.org/assignments/media-types/{media_type}")
        out.add(distribution, DCTERMS + "format", f"http://www.w3.org/ns/formats/{name}")
    service = ox.BlankNode("sparql-service")
    out.add(service, PREFIXES["rdf"] + "type", DCAT + "DataService")
    out.add(service, DCAT + "endpointURL", f"{base_url}/sparql")
    out.add(service, DCAT + "servesDataset", dataset)
    out.add(service, DCTERMS + "conformsTo", "https://www.w3.org/TR/sparql11-protocol/")
    # Grouped by subject (the dataset first), each subject's statements in the order written.
    return sorted(out, key=lambda t: (t.subject != dataset, isinstance(t.subject, ox.BlankNode), str(t.subject)))


def _vocabularies(terms: list[Term]) -> list[str]:
    """The namespaces of the known vocabularies (PREFIXES, bar the data's own) that `terms` use."""
    namespaces = {ns for prefix, ns in PREFIXES.items() if prefix != "chmid"}
    used = {ns for term in terms if isinstance(term, ox.NamedNode) for ns in namespaces if term.value.startswith(ns)}
    return sorted(used)


def _public_source(source: str) -> str:
    """Where a graph came from, without the server's own folders: a URL as it is, a file by name."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
        return source
    return Path(source).name

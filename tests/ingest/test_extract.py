"""Extraction on small documents, in-process: linking in every UN language, article references
resolved through their section, experts, secretariats, decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import bootstrap
from graph.store import GraphStore
from ingest.models import DocumentMetadata
from ingest.pipeline import Ingestor
from ingest.readers import read_document

ID = "https://w3id.org/chm-kg/id/"


@pytest.fixture(scope="module")
def ingestor() -> Ingestor:
    store = GraphStore.in_memory()
    bootstrap.initialise(store)
    return Ingestor(store)


def facts(ingestor: Ingestor, tmp_path: Path, text: str, name: str = "doc.txt") -> set[tuple[str, str, str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _, extraction = ingestor.analyse(read_document(path), "doc", DocumentMetadata())
    return {
        (
            s.subject.removeprefix(ID),
            s.predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1],
            s.object.removeprefix(ID) if isinstance(s.object, str) else s.object.value,
        )
        for s in extraction.statements
    }


def mentioned(found: set[tuple[str, str, str]]) -> set[str]:
    return {o for _, p, o in found if p == "mentions"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1. La Convention de Stockholm et le Programme des Nations Unies pour l'environnement aident le Sénégal.",
            {"convention/stockholm", "organization/unep", "country/SEN"},
        ),
        (
            "1. El Convenio de Basilea y la Organización Mundial de la Salud apoyan a la Argentina en materia de mercurio.",
            {"convention/basel", "organization/who", "country/ARG", "chemical/mercury"},
        ),
        (
            "1. Стокгольмская конвенция и Программа Организации Объединенных Наций по окружающей среде помогают Кении.",
            {"convention/stockholm", "organization/unep"},
        ),
        (
            "1. 《斯德哥尔摩公约》缔约方大会请联合国环境规划署协助中国处理滴滴涕。",
            {"convention/stockholm", "organization/unep", "country/CHN", "chemical/ddt"},
        ),
        (
            "1. تساعد اتفاقية بازل وبرنامج الأمم المتحدة للبيئة مصر في إدارة النفايات الخطرة بطريقة سليمة بيئياً.",
            {"convention/basel", "organization/unep", "country/EGY"},
        ),
    ],
    ids=["fr", "es", "ru", "zh", "ar"],
)
def test_mentions_are_linked_in_every_un_language(
    ingestor: Ingestor, tmp_path: Path, text: str, expected: set[str]
) -> None:
    assert expected <= mentioned(facts(ingestor, tmp_path, text * 2))


def test_article_references_resolve_through_the_section(ingestor: Ingestor, tmp_path: Path) -> None:
    text = """Report

A.
Rotterdam Convention

1. Article 16 of the Convention provides for technical assistance, as does paragraph 4 of article 12 of the Stockholm Convention.

B.
Basel Convention

2. Articles 13 and 14 of the Convention concern reporting and centres.
"""
    found = facts(ingestor, tmp_path, text)
    about = {(s, o) for s, p, o in found if p == "about" and "/article/" in o}
    assert {o for _, o in about} == {
        "convention/rotterdam/article/16",
        "convention/stockholm/article/12",
        "convention/basel/article/13",
        "convention/basel/article/14",
    }


def test_experts_with_their_fields(ingestor: Ingestor, tmp_path: Path) -> None:
    text = (
        "Roster of experts\n\n1. Dr. Maria Lopez, an expert in polychlorinated biphenyls and hazardous waste "
        "incineration, will advise the Parties to the Stockholm Convention on the inventory.\n"
    )
    found = facts(ingestor, tmp_path, text)
    assert ("expert/maria-lopez", "expertIn", "chemical/polychlorinated-biphenyls") in found
    assert ("expert/maria-lopez", "expertIn", "technology/hazardous-waste-incineration") in found
    assert ("expert/maria-lopez", "knowsAbout", "polychlorinated biphenyls and hazardous waste incineration") in found


def test_secretariats_decisions_and_symbols(ingestor: Ingestor, tmp_path: Path) -> None:
    text = """Note

D.
Stockholm Convention

1. The Conference of the Parties requested the Secretariat, in decision SC-1/24.2, to circulate document UNEP/POPS/COP.1/31.
2. The secretariats of the Basel and Minamata conventions took note of decision INC.6/7.
"""
    found = facts(ingestor, tmp_path, text)
    cited = {o for _, p, o in found if p == "cites"}
    assert {"decision/sc-1-24", "document/unep-pops-cop-1-31", "decision/inc-6-7"} <= cited
    assert not any("cop-1-31" in o and "decision" in o for o in cited)
    assert {"organization/brs-secretariat", "organization/minamata-secretariat"} <= mentioned(found)


def test_a_regional_centre_is_named_in_the_six_languages(ingestor: Ingestor, tmp_path: Path) -> None:
    path = tmp_path / "centres.txt"
    path.write_text(
        "Note\n\n1. In decision SC-4/23 the Conference of the Parties endorsed Stockholm Convention regional "
        "centres in Kuwait and Spain.\n",
        encoding="utf-8",
    )
    _, extraction = ingestor.analyse(read_document(path), "centres", DocumentMetadata())
    kuwait = extraction.entities[f"{ID}centre/stockholm/KWT"]
    assert set(kuwait.labels) == {"ar", "en", "es", "fr", "ru", "zh"}
    assert kuwait.labels["fr"] == "Centre régional – Convention de Stockholm (Koweït)"
    assert kuwait.labels["en"] == "Stockholm Convention regional centre in Kuwait"
    assert "الكويت" in kuwait.labels["ar"] and "科威特" in kuwait.labels["zh"]

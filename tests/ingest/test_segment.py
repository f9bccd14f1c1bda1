"""Segmentation of UN documents and convention texts into citable paragraphs."""

from __future__ import annotations

from ingest.segment import segment

UN_TEXT = """Note by the secretariat

1. At its meeting the working group agreed on a list of information.
2. The current note responds to that request:

I.
Delivery of technical assistance

A.
Basel Convention

3. Paragraph 1 of article 14 of the Basel Convention states:

The Parties agree that regional centres should be established.

4. The centres carry out these functions by:

(a) Developing training programmes;
(b)
Gathering and disseminating information;
(i) on wastes;

(ii) on technologies;

5. The quoted paragraphs follow:
2.
The Parties shall cooperate to provide technical assistance.

Annex I

\tArticle
\tStatus

\tFrom
\tTo
\tInformation

\t3.1.(a)
Intentional prod.& use
\tMandatory (Art. 15)
\tParties
\tSecretariat (COP)
\tLegal measures to eliminate

\t4.6

\tMandatory
\tSecretariat
\tAll Parties
\tAll collected information

Annex II

1. In addition to the requirements, Parties have identified needs.
I.
Intentionally produced POPs (Articles 3 and 4)

2. Information exchange is of paramount importance.
_____________________
*\tUNEP/POPS/COP.2/1.
"""

CONVENTION = """<meta http-equiv='Content-Type' content='text/html; charset=utf-8' />

####Example Convention on Things

The Parties to this Convention, have agreed as follows:

### Article  1

####Objective

1.   Each Party shall facilitate the exchange of information relevant to:

a) The reduction of releases; and

b) Alternatives.

2.   The Parties shall exchange the information.

### Article  2

####Definitions

For the purposes of this Convention: terms.

### Article  3

####Other

Text of article 3.

### Annex   A

####Elimination

###Part I

Chemical table.

####Verdrag inzake dingen

De Partijen bij dit Verdrag.

### Artikel  1

####Doel

1.   Elke Partij bevordert de uitwisseling van informatie.
"""


def test_un_document_paragraphs_keep_numbers_parents_and_headings() -> None:
    paragraphs = segment(UN_TEXT)
    by_key = {p.key: p for p in paragraphs}
    assert paragraphs[0].kind == "title" and paragraphs[0].text == "Note by the secretariat"
    assert by_key["3"].heading_path == ("I. Delivery of technical assistance", "A. Basel Convention")
    quote = next(p for p in paragraphs if p.text.startswith("The Parties agree"))
    assert quote.kind == "text" and quote.parent == by_key["3"].position
    assert by_key["4-a"].number == "4 (a)" and by_key["4-a"].parent == by_key["4"].position
    assert by_key["4-b"].text == "Gathering and disseminating information;"
    assert by_key["4-b-i"].number == "4 (b) (i)" and by_key["4-b-ii"].parent == by_key["4-b"].position
    quoted = by_key["5-2"]
    assert quoted.kind == "item" and quoted.parent == by_key["5"].position and quoted.number == "5 (2)"


def test_tables_annexes_and_footnotes() -> None:
    paragraphs = segment(UN_TEXT)
    rows = [p for p in paragraphs if p.kind == "table-row"]
    assert rows[0].cells == ("Article", "Status", "From", "To", "Information")
    assert rows[1].cells == (
        "3.1.(a)\nIntentional prod.& use",
        "Mandatory (Art. 15)",
        "Parties",
        "Secretariat (COP)",
        "Legal measures to eliminate",
    )
    assert rows[2].cells == ("4.6", "Mandatory", "Secretariat", "All Parties", "All collected information")
    assert all(r.heading_path[0] == "Annex I" for r in rows)
    by_key = {p.key: p for p in paragraphs}
    assert by_key["annex-ii-1"].number == "1" and by_key["1"].number == "1"
    assert by_key["annex-ii-2"].heading_path[-1] == "I. Intentionally produced POPs (Articles 3 and 4)"
    footnotes = [p for p in paragraphs if p.kind == "footnote"]
    assert [f.text for f in footnotes] == ["UNEP/POPS/COP.2/1."]


def test_convention_articles_annexes_and_translation() -> None:
    paragraphs = segment(CONVENTION)
    article_1 = [p for p in paragraphs if p.provision == ("article", "1")]
    keys = [p.key for p in article_1]
    assert keys[:5] == ["article-1", "article-1-1", "article-1-1-a", "article-1-1-b", "article-1-2"]
    assert article_1[0].text == "Article 1: Objective"
    assert {p.key for p in article_1} >= {"v2-article-1", "v2-article-1-1"}
    dutch = next(p for p in paragraphs if p.key == "v2-article-1-1")
    assert dutch.text.startswith("Elke Partij")
    annex = [p for p in paragraphs if p.provision == ("annex", "A")]
    assert annex[0].key == "annex-a" and any(p.text == "Chemical table." for p in annex)
    assert all(p.provision is None for p in paragraphs if p.text.startswith("The Parties to this"))
    assert not any("meta" in p.text for p in paragraphs)

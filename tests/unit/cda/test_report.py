"""CDA R2 niveau 1 reports (a PDF in the body) pass the kit's common rules, with the report's own type."""

from __future__ import annotations

import base64

from lxml import etree

from comptoir.cda.model import Confidentiality
from comptoir.cda.report import build_report
from tests.unit.cda import builders as b
from tests.unit.cda.kit import Kit

NS = {"h": "urn:hl7-org:v3"}


def test_a_medication_review_from_text_conforms_and_embeds_a_pdf(kit: Kit) -> None:
    xml = build_report(b.report(text="Bilan partagé de médication\n\nÉtat général : « très bien », œdème résolu."))

    tree = etree.fromstring(xml)
    body = tree.xpath("//h:nonXMLBody/h:text", namespaces=NS)[0]
    assert kit.failures(xml) == []
    assert tree.xpath("string(h:code/@code)", namespaces=NS) == "56445-0"
    assert tree.xpath("h:templateId/@root", namespaces=NS)[-1] == "1.3.6.1.4.1.19376.1.2.20"
    assert (body.get("mediaType"), body.get("representation")) == ("application/pdf", "B64")
    assert base64.b64decode(body.text).startswith(b"%PDF")


def test_an_interview_report_keeps_the_pdf_it_was_given(kit: Kit) -> None:
    given = b"%PDF-1.4\n% entretien AVK\n"

    xml = build_report(b.report(type_code="78601-2", pdf=given, header=b.header(masks=tuple(Confidentiality))))

    tree = etree.fromstring(xml)
    assert kit.failures(xml) == []
    assert base64.b64decode(tree.xpath("string(//h:nonXMLBody/h:text)", namespaces=NS)) == given
    assert tree.xpath("string(h:code/@code)", namespaces=NS) == "78601-2"

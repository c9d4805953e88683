"""CDA R2 niveau 1: a report whose body is a PDF (SPEC §5.2), for what has no structured CI-SIS model —
bilan partagé de médication, compte rendu d'entretien pharmaceutique, intervention pharmaceutique (SPEC §5.1).

The header is the common one with the IHE XDS-SD template (`1.3.6.1.4.1.19376.1.2.20`) and the report's LOINC
type code; the body is `nonXMLBody/text` in base 64 (`application/pdf`). When the report comes as text only, a
plain A4 PDF is made from it (title, patient, pharmacist, paragraphs). [U: the DMP asks PDF/A-1 for the
niveau 1; reportlab writes plain PDF 1.4, which the kit does not check.]
"""

from __future__ import annotations

import base64
from io import BytesIO
from xml.sax.saxutils import escape

from comptoir.cda.elements import add, serialise
from comptoir.cda.header import DocumentKind, encounter, service_event, start
from comptoir.cda.ids import entry_id
from comptoir.cda.model import Report

XDS_SD = "1.3.6.1.4.1.19376.1.2.20"
REPORT_TYPES = {
    "78601-2": "CR d'entretien pharmaceutique",
    "56445-0": "Bilan médicamenteux",
    "61357-0": "Intervention pharmaceutique",
    "93024-8": "CR de consultation pharmaceutique",
    "75468-9": "Renouvellement ordonnance par pharmacien correspondant",
    "96173-0": "Test rapide d'orientation diagnostique",
    "80820-4": "Formulaire de conciliation médicamenteuse",
}
"""LOINC type codes of JDV_J07 a pharmacy writes as a niveau 1 (SPEC §5.1)."""


def kind_of(type_code: str) -> DocumentKind:
    display = REPORT_TYPES.get(type_code, "Document de la pharmacie")
    return DocumentKind(templates=(XDS_SD,), code=type_code, display=display, title=display)


def build_report(r: Report) -> bytes:
    kind = kind_of(r.type_code)
    document = start(r.header, kind)
    service_event(document, r.header, kind, event_id=entry_id(r.header.document_id, "event"))
    encounter(document, r.header)
    pdf = r.pdf if r.pdf is not None else text_pdf(r)
    add(add(add(document, "component"), "nonXMLBody"), "text", base64.b64encode(pdf).decode("ascii"),
        mediaType="application/pdf", representation="B64")
    return serialise(document)


def text_pdf(r: Report) -> bytes:
    """A readable A4 PDF of the report's text: its title, who and for whom, then one paragraph per block."""
    # reportlab is imported here: a document given with its PDF, and `import comptoir.cda`, do not pay for it.
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    header, patient, author = r.header, r.header.patient, r.header.author
    title = header.title or kind_of(r.type_code).title
    story = [Paragraph(escape(title), styles["Title"]),
             Paragraph(escape(f"Patient : {' '.join(patient.first_names)} {patient.last_name} "
                              f"(né·e le {patient.birth_date.strftime('%d/%m/%Y')})"), styles["Normal"]),
             Paragraph(escape(f"{author.first_name} {author.last_name}, pharmacien — {header.pharmacy.name}, "
                              f"le {header.at.strftime('%d/%m/%Y')}"), styles["Normal"]),
             Spacer(1, 6 * mm)]
    for block in r.text.split("\n\n"):
        if block.strip():
            story.append(Paragraph(escape(block.strip()).replace("\n", "<br/>"), styles["BodyText"]))
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, author=f"{author.first_name} {author.last_name}",
                      leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm).build(story)
    return buffer.getvalue()


__all__ = ["REPORT_TYPES", "build_report", "kind_of", "text_pdf"]

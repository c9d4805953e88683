"""A pharmacist's report put in the patient's DMP (issue 12 item 4, SPEC §5.1, §5.2): a medication review
(« Bilan partagé de médication », LOINC 56445-0) or an interview report (« Compte rendu d'entretien
pharmaceutique », 78601-2), as a CDA R2 niveau 1 whose body is a PDF — the one given, or one made from the text.

It goes through services/dmp/sharing like every document of the pharmacy: recorded, sent only for a qualified
identity the patient did not oppose, otherwise listed « non envoyé ». The report has no other home than that
record: while not sent, the record's `content` keeps the report itself (JSON: type, text, PDF in base 64) so that
it can be built again once the identity is qualified; it becomes the CDA when it is built (a report the DMP
refused is built again from the PDF that CDA holds).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import TYPE_CHECKING

from lxml import etree

from comptoir import cda
from comptoir.cda import model
from comptoir.domain.operators import Permission
from comptoir.errors import FieldErrors, NotFound
from comptoir.national.dmp.port import Visibility
from comptoir.services.dmp.sharing import Build, register_rebuilder, share
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import sharing as s
from comptoir.store.sharing import SharedDocument

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

KIND = "report"
REPORT_TYPES = {"56445-0": "Bilan partagé de médication", "78601-2": "Compte rendu d'entretien pharmaceutique"}
"""The reports a pharmacist writes here, by LOINC typeCode, with the title the form proposes."""
MAX_PDF_BYTES = 10 * 1024 * 1024
"""Below the app's body limit (settings.max_body_mb, 25 Mo by default): a report is a few pages."""
MAX_TITLE, MAX_TEXT = 200, 20_000
PDF_MAGIC = b"%PDF-"


def share_report(uow: UnitOfWork, *, patient_id: int, type_code: str, title: str, text: str, pdf: bytes | None,
                 visibility: tuple[Visibility, ...], operator: CurrentOperator, now: datetime) -> SharedDocument:
    """Record the report for the DMP, enqueued when the identity allows it; refused fields raise FieldErrors."""
    operator.require(Permission.PHARMACIST_ACT)
    title, text = title.strip(), text.strip()
    _check(type_code, title, text, pdf)
    with uow:
        patient = uow.patients.by_id(patient_id)
        if patient is None:
            raise NotFound("Patient introuvable.")
        record = share(uow, patient=patient, kind=KIND, build=builder(type_code, text, pdf), title=title,
                       visibility=visibility, operator=operator, now=now, source_ref=f"{KIND}:{patient_id}",
                       type_code=type_code)
        if record.status in (s.NOT_SENT, s.OPPOSED):
            record.content = _kept(type_code, text, pdf)
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="dmp_document",
              object_id=record.document_id, detail=f"compte rendu {type_code} pour le patient {patient_id}",
              now=now)
        uow.commit()
    return record


def _check(type_code: str, title: str, text: str, pdf: bytes | None) -> None:
    errors = {}
    if type_code not in REPORT_TYPES:
        errors["type_code"] = "Choisissez le type de compte rendu."
    if not title or len(title) > MAX_TITLE:
        errors["title"] = f"Donnez un titre (au plus {MAX_TITLE} caractères)."
    if len(text) > MAX_TEXT:
        errors["text"] = f"Le texte dépasse {MAX_TEXT} caractères."
    elif not text and pdf is None:
        errors["text"] = "Écrivez le compte rendu ou joignez-le en PDF."
    if pdf is not None and not pdf.startswith(PDF_MAGIC):
        errors["pdf"] = "Ce fichier n'est pas un PDF : joignez le compte rendu au format PDF."
    elif pdf is not None and len(pdf) > MAX_PDF_BYTES:
        errors["pdf"] = f"Le PDF dépasse {MAX_PDF_BYTES // (1024 * 1024)} Mo."
    if errors:
        raise FieldErrors(errors)


def builder(type_code: str, text: str, pdf: bytes | None) -> Build:
    return lambda header: cda.build_report(model.Report(header=header, type_code=type_code, text=text, pdf=pdf))


def _kept(type_code: str, text: str, pdf: bytes | None) -> bytes:
    encoded = base64.b64encode(pdf).decode("ascii") if pdf is not None else None
    return json.dumps({"type_code": type_code, "text": text, "pdf": encoded}).encode("utf-8")


def _rebuild(uow: UnitOfWork, document: SharedDocument) -> Build:
    content = bytes(document.content)
    if content.startswith(b"<"):  # refused by the DMP: built once, its PDF is the report
        return builder(document.type_code, "", _embedded_pdf(content))
    try:
        kept = json.loads(content)
    except ValueError as exc:
        raise NotFound(f"Compte rendu introuvable pour le document {document.document_id}.") from exc
    pdf = base64.b64decode(kept["pdf"]) if kept.get("pdf") else None
    return builder(kept["type_code"], kept["text"], pdf)


def _embedded_pdf(built: bytes) -> bytes:
    body = etree.fromstring(built).findtext("h:component/h:nonXMLBody/h:text", namespaces={"h": "urn:hl7-org:v3"})
    return base64.b64decode(body or "")


register_rebuilder(KIND, _rebuild)

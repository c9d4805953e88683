"""CDA R2 documents a pharmacy sends to the DMP (SPEC §5; the CI-SIS models of ../shared/cda-kit): pure, built with
lxml from the typed values of `cda.model`; no database, no HTTP.

    build_dispensation(Dispensation) -> bytes    eDISP-MED_2024.01
    build_vaccination(Vaccination) -> bytes      VAC-NOTE_2023.01
    build_report(Report) -> bytes                CDA R2 niveau 1, the report as an embedded PDF
    render.html_of(xml), render.pdf_of(xml)      reading any CDA R2 document (ours or another's)
"""

from comptoir.cda.dispensation import build_dispensation
from comptoir.cda.ids import new_document_id
from comptoir.cda.report import build_report
from comptoir.cda.vaccination import build_vaccination

__all__ = ["build_dispensation", "build_report", "build_vaccination", "new_document_id"]

"""The printed ordonnancier: A4 landscape, the pharmacy and the period at the top of every page, one line per
entry (its number, date, product, quantity, prescriber, patient), "page n / N" at the foot."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

from comptoir.services.dispensing.printing import MM, SMALL, NumberedCanvas, para

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus.doctemplate import BaseDocTemplate

PAGE = landscape(A4)
COLUMNS = (("N°", 14), ("Date", 22), ("Nature", 30), ("Liste", 17), ("Produit", 60), ("Qté", 16),
           ("Prescripteur", 56), ("Patient", 48), ("Opér.", 14))
"""Heading and width (mm) of each column: 277 mm, the landscape page less its margins."""


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One entry as the register shows it (pharmacy time, French labels)."""

    number: int
    at: datetime
    nature: str
    listing: str
    product: str
    cip13: str
    quantity: int
    unit: str
    prescriber: str
    prescriber_rpps: str
    prescriber_address: str
    patient: str
    patient_address: str
    operator_code: str
    reason: str
    dispensation_id: int
    cancelled: bool


@dataclass(frozen=True, slots=True)
class Header:
    pharmacy: str
    address: str
    finess: str
    period: str
    printed_at: datetime
    selection: str = ""


def pdf(header: Header, rows: Sequence[RegisterRow]) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=10 * MM, rightMargin=10 * MM, topMargin=30 * MM,
                                 bottomMargin=14 * MM, title=f"Ordonnancier — {header.period}",
                                 author=header.pharmacy)

    def on_page(canvas: Canvas, _: BaseDocTemplate) -> None:
        _page_header(canvas, header)

    document.build([_table(rows)], onFirstPage=on_page, onLaterPages=on_page, canvasmaker=NumberedCanvas)
    return buffer.getvalue()


def _table(rows: Sequence[RegisterRow]) -> LongTable:
    data: list[list[Paragraph]] = [[para(title, SMALL) for title, _ in COLUMNS]]
    data += [_cells(row) for row in rows]
    if not rows:
        data.append([para("Aucune entrée pour cette sélection.", SMALL)] + [para("", SMALL)] * (len(COLUMNS) - 1))
    table = LongTable(data, colWidths=[width * MM for _, width in COLUMNS], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.9, 0.95)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def _cells(row: RegisterRow) -> list[Paragraph]:
    prescriber = "\n".join(part for part in (row.prescriber, f"RPPS {row.prescriber_rpps}" if row.prescriber_rpps
                                             else "", row.prescriber_address) if part)
    patient = "\n".join(part for part in (row.patient, row.patient_address) if part)
    nature = row.nature + (f"\n{row.reason}" if row.reason else "") + ("\n(annulée)" if row.cancelled else "")
    product = row.product + (f"\nCIP {row.cip13}" if row.cip13 else "")
    texts = (str(row.number), f"{row.at:%d/%m/%Y %H:%M}", nature, row.listing, product, f"{row.quantity} {row.unit}",
             prescriber, patient, row.operator_code)
    return [para(text, SMALL) for text in texts]


def _page_header(canvas: Canvas, header: Header) -> None:
    width, height = float(PAGE[0]), float(PAGE[1])
    canvas.saveState()
    canvas.setFont("Helvetica-Bold", 13)
    canvas.drawString(10 * MM, height - 12 * MM, "Ordonnancier — médicaments des listes I et II et stupéfiants")
    canvas.setFont("Helvetica", 9)
    canvas.drawString(10 * MM, height - 18 * MM, f"Période : {header.period}"
                      + (f" — sélection : {header.selection}" if header.selection else ""))
    canvas.drawString(10 * MM, height - 23 * MM, f"Imprimé le {header.printed_at:%d/%m/%Y à %H:%M} "
                      "(CSP R.5132-10 : registre conservé dix ans)")
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawRightString(width - 10 * MM, height - 12 * MM, header.pharmacy)
    canvas.setFont("Helvetica", 9)
    canvas.drawRightString(width - 10 * MM, height - 18 * MM, header.address)
    canvas.drawRightString(width - 10 * MM, height - 23 * MM, f"FINESS {header.finess}" if header.finess else "")
    canvas.restoreState()

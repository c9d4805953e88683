"""The paper (and PDF) copy of an ordonnance numérique (SPEC §4.3, §15.2).

Layout, A4: the "Ordonnance sécurisée" header when a line calls for it; the prescriber's header with
his RPPS and N° AM as Code 128 barcodes (arrêté du 10 août 2010); the patient; the lines, those related
to an ALD apart (bizone), each with its DCI and strengths under the product's name (prescription en DCI,
CSS L.162-2-1, CSP R.5125-55), in letters on an ordonnance sécurisée; the products outside the ON
printed apart; the signature; at the bottom, after the signature and isolated from the lines, the QR code
(27 mm, within the CNAM's 25–30 mm) to the left of the legal mentions. Without a record in the base there
is no QR, and the page says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any

import segno
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from comptoir.domain.eprescription.in_letters import in_letters, numbers_in_letters
from comptoir.store.eprescription import IssuedPrescription, PrescriberProfile

MM: float = float(mm)
QR_MM = 27.0
MARGIN = 15 * MM
PAGE_W, PAGE_H = float(A4[0]), float(A4[1])
INFORMATION = ("Les données de cette ordonnance sont transmises à l'Assurance Maladie (base ordonnance numérique) "
               "et, avec votre accord, le prescripteur peut consulter ce qui vous a été délivré.")
NO_QR = ("Ordonnance NON enregistrée dans la base ordonnance numérique (service indisponible) : pas de QR code. "
         "Cette ordonnance papier reste valable ; le pharmacien la saisira.")


def qr_png(payload: str, *, scale: int = 8) -> bytes:
    buffer = BytesIO()
    segno.make(payload, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def pdf(issued: IssuedPrescription, profile: PrescriberProfile, *, dci: Mapping[int, str] | None = None) -> bytes:
    """`dci`: each ON line's DCI with its strengths, by line number, printed under the product's name."""
    buffer = BytesIO()
    page = Canvas(buffer, pagesize=A4, pageCompression=1)
    page.setTitle(f"Ordonnance {issued.prescription_id or 'non enregistrée'}")
    top = _secure_header(page, issued) if issued.secure else PAGE_H - MARGIN
    top = _prescriber(page, profile, top)
    top = _patient(page, issued, top)
    top = _lines(page, issued, dci or {}, top)
    _signature(page, profile, top)
    _bottom(page, issued)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _secure_header(page: Canvas, issued: IssuedPrescription) -> float:
    y = PAGE_H - MARGIN
    page.setFillColorRGB(0.1, 0.2, 0.55)
    page.rect(MARGIN, y - 9 * MM, PAGE_W - 2 * MARGIN, 9 * MM, stroke=0, fill=1)
    page.setFillColorRGB(1, 1, 1)
    page.setFont("Helvetica-Bold", 14)
    page.drawCentredString(PAGE_W / 2, y - 6.3 * MM, "ORDONNANCE SÉCURISÉE")
    page.setFillColorRGB(0, 0, 0)
    return y - 13 * MM


def _prescriber(page: Canvas, profile: PrescriberProfile, top: float) -> float:
    page.setFont("Helvetica-Bold", 12)
    page.drawString(MARGIN, top - 5 * MM, f"Dr {profile.first_name} {profile.last_name}")
    page.setFont("Helvetica", 9)
    for n, text in enumerate((profile.specialty, profile.address, profile.phone)):
        page.drawString(MARGIN, top - (10 + 4.5 * n) * MM, text)
    for n, (legend, value) in enumerate((("N° RPPS", profile.rpps), ("N° AM", profile.am))):
        _barcode(page, legend, value, PAGE_W - MARGIN - 55 * MM, top - (8 + 16 * n) * MM)
    return top - 40 * MM


def _barcode(page: Canvas, legend: str, value: str, x: float, y: float) -> None:
    page.setFont("Helvetica", 7)
    page.drawString(x, y + 1.5 * MM, legend)
    code = Code128(value, barHeight=7 * MM, barWidth=0.33 * MM, humanReadable=False)
    code.drawOn(page, x - 6 * MM, y - 7 * MM)
    page.setFont("Helvetica", 8)
    page.drawString(x, y - 10.5 * MM, value)


def _patient(page: Canvas, issued: IssuedPrescription, top: float) -> float:
    p: dict[str, Any] = issued.patient
    born = "/".join(reversed(str(p["birth_date"]).split("-")))
    page.setFont("Helvetica", 10)
    page.drawString(MARGIN, top, f"Le {issued.created_at:%d/%m/%Y}")
    page.setFont("Helvetica-Bold", 11)
    page.drawString(MARGIN, top - 7 * MM, f"{p['last_name']} {p['first_name']}, né(e) le {born}")
    if p.get("ins"):
        page.setFont("Helvetica", 8)
        page.drawString(MARGIN, top - 11 * MM, f"INS : {p['ins']}")
    return top - 18 * MM


def _lines(page: Canvas, issued: IssuedPrescription, dci: Mapping[int, str], top: float) -> float:
    lines = [{**line, "dci": dci.get(int(line["number"]), "")} for line in issued.lines]
    ald = [line for line in lines if line.get("ald")]
    other = [line for line in lines if not line.get("ald")]
    if ald:
        top = _section(page, "Prescriptions relatives au traitement de l'affection de longue durée (ALD)", ald, top,
                       issued.secure)
        top = _section(page, "Prescriptions SANS RAPPORT avec l'affection de longue durée", other, top, issued.secure)
    else:
        top = _section(page, "", other, top, issued.secure)
    if issued.outside_lines:
        outside = [{"number": None, "text": o["text"], "posology": o["posology"]} for o in issued.outside_lines]
        top = _section(page, "Produits hors ordonnance numérique (non transmis à l'Assurance Maladie)", outside,
                       top - 2 * MM, False)
    return top


def _section(page: Canvas, title: str, lines: list[dict[str, Any]], top: float, secure: bool) -> float:
    """On an ordonnance sécurisée, the quantities, units per intake and doses are written in letters (CSP
    R.5132-5, R.5132-29): the DCI's strengths and every number of the details."""
    if title:
        page.setFont("Helvetica-Bold", 9)
        page.drawString(MARGIN, top, title)
        top -= 6 * MM
    for line in lines:
        page.setFont("Helvetica-Bold", 10)
        number = f"{line['number']}. " if line.get("number") else "• "
        page.drawString(MARGIN, top, f"{number}{line['text']}"[:95])
        if line.get("dci"):
            top -= 4.5 * MM
            page.setFont("Helvetica", 9)
            dci = numbers_in_letters(line["dci"]) if secure else line["dci"]
            page.drawString(MARGIN + 5 * MM, top, f"DCI : {dci}"[:120])
        page.setFont("Helvetica", 9)
        page.drawString(MARGIN + 5 * MM, top - 4.5 * MM, _details(line, secure)[:120])
        top -= 11 * MM
    return top


def _details(line: dict[str, Any], secure: bool = False) -> str:
    say = numbers_in_letters if secure else str
    parts = [say(str(line.get("posology") or ""))]
    if line.get("duration_days"):
        parts.append(say(f"durée : {line['duration_days']} jours"))
    if line.get("quantity"):
        boxes = int(line["quantity"])
        parts.append(f"{in_letters(boxes, feminine=True)} boîte{'s' if boxes > 1 else ''}" if secure
                     else f"{boxes} boîte(s)")
    if line.get("renewals"):
        parts.append(say(f"à renouveler {line['renewals']} fois"))
    if line.get("substitutable") is False:
        parts.append(f"NON SUBSTITUABLE ({line.get('reason')})")
    return " — ".join(p for p in parts if p)


def _signature(page: Canvas, profile: PrescriberProfile, top: float) -> None:
    y = max(top - 5 * MM, 75 * MM)
    page.setFont("Helvetica-Oblique", 9)
    page.drawString(PAGE_W - MARGIN - 60 * MM, y, f"Signature : Dr {profile.first_name} {profile.last_name}")


def _bottom(page: Canvas, issued: IssuedPrescription) -> None:
    page.setStrokeColorRGB(0.6, 0.6, 0.6)
    page.line(MARGIN, 50 * MM, PAGE_W - MARGIN, 50 * MM)
    text_x = MARGIN + (QR_MM + 6) * MM
    if issued.qr_payload:
        _qr(page, issued.qr_payload, MARGIN, MARGIN)
        lines = [f"Ordonnance numérique n° {issued.prescription_id}", INFORMATION]
    else:
        text_x = MARGIN
        lines = [NO_QR, INFORMATION]
    _paragraph(page, lines, text_x, MARGIN + QR_MM * MM - 3 * MM, PAGE_W - MARGIN - text_x)


def _qr(page: Canvas, payload: str, x: float, y: float) -> None:
    """Drawn module by module from segno's matrix: sharp at any resolution, exactly QR_MM wide."""
    matrix = segno.make(payload, error="m").matrix
    quiet = 2
    module = QR_MM * MM / (len(matrix) + 2 * quiet)
    page.setFillColorRGB(0, 0, 0)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                page.rect(x + (col + quiet) * module, y + (len(matrix) - row - 1 + quiet) * module, module, module,
                          stroke=0, fill=1)


def _paragraph(page: Canvas, lines: list[str], x: float, y: float, width: float) -> None:
    page.setFont("Helvetica", 8)
    for text in lines:
        for chunk in _wrap(page, text, width):
            page.drawString(x, y, chunk)
            y -= 3.8 * MM
        y -= 1.5 * MM


def _wrap(page: Canvas, text: str, width: float) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if page.stringWidth(trial, "Helvetica", 8) > width and current:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current] if current else lines

"""What the dispensation's printed documents share (reportlab): "page n / N" at the foot of each page,
the paragraph styles, text made safe for reportlab's paragraph markup, French dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

MM: float = float(mm)
PHARMACY_TIME = ZoneInfo("Europe/Paris")
"""The pharmacy's clock: registers and documents show French local time (the database keeps UTC)."""

_SHEET = getSampleStyleSheet()
BODY = ParagraphStyle("corps", parent=_SHEET["BodyText"], fontName="Helvetica", fontSize=9.5, leading=12)
SMALL = ParagraphStyle("petit", parent=BODY, fontSize=7.5, leading=9)
TITLE = ParagraphStyle("titre", parent=_SHEET["Title"], fontName="Helvetica-Bold", fontSize=15, leading=19,
                       spaceAfter=4)
HEADING = ParagraphStyle("intertitre", parent=BODY, fontName="Helvetica-Bold", fontSize=11, leading=14,
                         spaceBefore=8, spaceAfter=3)


def para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text: <, > and & stand for themselves, line breaks are kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def local(moment: datetime) -> datetime:
    """The moment in the pharmacy's time (SQLite hands back naive UTC datetimes, PostgreSQL aware ones)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(PHARMACY_TIME)


def day_fr(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


class NumberedCanvas(Canvas):  # type: ignore[misc]
    """A canvas that writes "page n / N" at the foot of every page once the number of pages is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._foot(total)
            super().showPage()
        super().save()

    def _foot(self, total: int) -> None:
        width = float(self._pagesize[0])
        self.setFont("Helvetica", 8)
        self.drawRightString(width - 12 * MM, 8 * MM, f"Page {self._pageNumber} / {total}")

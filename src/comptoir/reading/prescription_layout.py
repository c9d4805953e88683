"""The parts of a paper prescription, from its OCR lines: prescriber, patient, date, lines, advice.

A French prescription (CSP R.5132-3) carries the prescriber's identity and numbers (RPPS, 11
digits with a Luhn key; the Assurance Maladie number or the FINESS of an establishment, 9 digits),
the date, the patient (name, and for a child the age and weight), then the prescribed lines.
Prescribers number their lines or not, put the posology on the line or below it, and add advice
("Conseils : ...") or items outside the ordonnance numérique that are not for the pharmacist to
deliver: those are kept apart, never counted as prescription lines. On a bizone ALD prescription the
lines under the upper heading are marked `ald` (see `prescription_forms`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from stdnum import luhn

from comptoir.reading.line_matcher import describe, looks_like_a_product, repair, split_line, strip_marker
from comptoir.reading.ocr import OcrLine
from comptoir.reading.prescription_forms import ALD_ZONE_CUES, FRENCH_MONTHS, OTHER_ZONE_CUES
from comptoir.refdata.search import fold

MONTHS = {fold(name): number for number, name in enumerate(FRENCH_MONTHS, start=1)}
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{4}|\d{2})\b")
_WORDED_DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b")
_RPPS = re.compile(r"\b(?:rpps|rpp5|n\W?\s*rpps)\W{0,6}((?:\d\s?){11})")
_AM = re.compile(r"(?:\bam\b|\ba\.\s?m\.|assurance maladie|adeli)\W{0,6}((?:\d\s?){9})")
_FINESS = re.compile(r"finess\W{0,6}((?:\d\s?){9})")
_NUMBERS = (("rpps", _RPPS), ("am", _AM), ("finess", _FINESS))
_BARE_RPPS = re.compile(r"(?<!\d)((?:\d\s?){10}\d)(?!\s?\d)")
_PRESCRIBER = re.compile(r"^(?:dr|docteur|pr|professeur)\b\.?\s*(.+)$", re.IGNORECASE)
_PATIENT = re.compile(r"^(?:m\.|mr\.?|mme|mlle|monsieur|madame|mademoiselle|enfant|patient(?:e|\(e\))?\s*:"
                      r"|nom(?:\s+du\s+patient)?\s*:)\s*(.+)$", re.IGNORECASE)
_BIRTH = re.compile(r"\bn[ée]e?(?:\(e\))?\s+le\b|naissance|\bddn\b", re.IGNORECASE)
_WEIGHT = re.compile(r"\b(?:poids\W*)?(\d{1,3}(?:[.,]\d)?)\s?kg\b", re.IGNORECASE)
_AGE = re.compile(r"\b(\d{1,3})\s?ans\b", re.IGNORECASE)
_NAME_END = re.compile(r",|\s+n[ée]e?\b|\s+\(|\s+date\b|\s+\d", re.IGNORECASE)
_PHONE = re.compile(r"\b(?:tel|fax|telephone|portable)\b")
_HEADING = re.compile(r"affection de longue duree|sans rapport avec l|prescriptions? relatives|ordonnance"
                      r"|maladies intercurrentes|^\(?intercurrentes\)|^(?:hors )?liste\)")
_ADVICE = re.compile(r"(?:conseils?|hors ordonnance|hors on|repos|regime|eviter|consulter|arret de travail|boire"
                     r"|surveiller)\b")
_FURNITURE = re.compile(r"(?:signature|en cas d'urgence|membre d'une association|tel|tél|fax|telephone|rendez-vous"
                        r"|consultations?|www|cabinet|sur rdv|cachet|specialiste|medecin|medecine|ancien"
                        r"|diplome|chef de clinique|praticien|\w*(?:logie|logue|iatrie|iatre)|orl|chirurgi\w*)\b|.*@"
                        r"|\d{5}\s+\w|\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av|boulevard|bd|place|allee|chemin"
                        r"|impasse|route|quai|cours|square)\b")


@dataclass(frozen=True, slots=True)
class Prescriber:
    name: str | None = None
    rpps: str | None = None
    am: str | None = None
    finess: str | None = None

    @property
    def rpps_valid(self) -> bool | None:
        return None if self.rpps is None else luhn.is_valid(self.rpps)

    def contract(self) -> dict[str, object]:
        return {"name": self.name, "rpps": self.rpps, "rpps_valid": self.rpps_valid, "am": self.am,
                "finess": self.finess}


@dataclass(frozen=True, slots=True)
class Patient:
    name: str | None = None
    birth_date: str | None = None
    weight_kg: float | None = None
    age_years: int | None = None

    def contract(self) -> dict[str, object]:
        return {"name": self.name, "birth_date": self.birth_date, "weight_kg": self.weight_kg,
                "age_years": self.age_years}


@dataclass(slots=True)
class Item:
    """One prescription line: where it starts, and the lines that continue it (the posology below)."""

    text: str
    confidence: float
    continued: list[str] = field(default_factory=list)
    ald: bool = False
    """Written in the upper zone of a bizone prescription (the affection de longue durée's treatment)."""

    @property
    def posology(self) -> str:
        return " ".join(self.continued)


@dataclass(slots=True)
class PrescriptionLayout:
    prescriber: Prescriber = field(default_factory=Prescriber)
    patient: Patient = field(default_factory=Patient)
    date: str | None = None
    items: list[Item] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    in_ald_zone: bool = False
    field_confidence: dict[str, float] = field(default_factory=dict)
    """For each header field read ("prescriber.rpps", "date"...), the OCR confidence of its least sure word."""


DrugNamer = Callable[[str, float], bool]
"""(designation, OCR confidence) → whether it names a product of the reference."""


def lay_out(lines: Sequence[OcrLine], *, names_drug: DrugNamer) -> PrescriptionLayout:
    """Sorts the page's lines into the parts of a prescription; `names_drug` says if a text names a product."""
    layout = PrescriptionLayout()
    for line in lines:
        text = repair(line.text).strip()
        before = _header_fields(layout)
        if text and not _take_header(layout, text) and not _take_aside(layout, text):
            _take_body(layout, text, line.confidence, names_drug)
        surest = min((word.confidence for word in line.words), default=0.0)
        for name, value in _header_fields(layout).items():
            if value != before[name]:
                layout.field_confidence[name] = surest
    return layout


def _header_fields(layout: PrescriptionLayout) -> dict[str, object]:
    fields: dict[str, object] = {f"prescriber.{k}": v for k, v in layout.prescriber.contract().items()}
    fields |= {f"patient.{k}": v for k, v in layout.patient.contract().items()}
    return fields | {"date": layout.date}


def _take_header(layout: PrescriptionLayout, text: str) -> bool:
    folded = fold(text)
    if _take_numbers(layout, folded):
        return True
    prescriber = _PRESCRIBER.match(text)
    if prescriber and layout.prescriber.name is None:
        name = _clean_name(_NAME_END.split(prescriber.group(1), maxsplit=1)[0])
        layout.prescriber = replace(layout.prescriber, name=f"Dr {name}")
        return True
    if _take_patient(layout, text):
        return True
    found = found_date(text)
    if found and not _BIRTH.search(text) and layout.date is None and not layout.items:
        layout.date = found
        return True
    return False


def _take_numbers(layout: PrescriptionLayout, folded: str) -> bool:
    found = {key: _digits(pattern.search(folded)) for key, pattern in _NUMBERS}
    bare = _digits(_BARE_RPPS.search(folded))
    if not any(found.values()) and bare and luhn.is_valid(bare) and not layout.items and not _PHONE.search(folded):
        found["rpps"] = bare
    if not any(found.values()):
        return False
    known = layout.prescriber
    layout.prescriber = replace(known, rpps=known.rpps or found["rpps"], am=known.am or found["am"],
                                finess=known.finess or found["finess"])
    return True


def _digits(found: re.Match[str] | None) -> str | None:
    return re.sub(r"\s", "", found.group(1)) if found else None


def _take_patient(layout: PrescriptionLayout, text: str) -> bool:
    named = _PATIENT.match(text)
    birth = found_date(text) if _BIRTH.search(text) else None
    weight = _WEIGHT.search(text) if named or re.match(r"(?:poids|pds)\b", fold(text)) else None
    age = _AGE.search(text) if named or birth or re.match(r"age\b", fold(text)) else None
    if not (named or birth or weight or age):
        return False
    known = layout.patient
    name = _clean_name(_NAME_END.split(named.group(1), maxsplit=1)[0]) if named else None
    kilograms = float(weight.group(1).replace(",", ".")) if weight else None
    layout.patient = replace(known, name=known.name or name, birth_date=known.birth_date or birth,
                             weight_kg=known.weight_kg or kilograms,
                             age_years=known.age_years or (int(age.group(1)) if age else None))
    return True


def _clean_name(text: str) -> str:
    return " ".join(re.sub(r"[^\w'’ -]", " ", text).split())


def found_date(text: str) -> str | None:
    """The first plausible date written in the text, ISO: "Paris, le 25 mai 2026" → "2026-05-25"."""
    folded = fold(text)
    for pattern in (_WORDED_DATE, _NUMERIC_DATE):
        for found in pattern.finditer(folded):
            parsed = _as_date(*found.groups())
            if parsed:
                return parsed
    return None


def _as_date(day: str, month: str, year: str) -> str | None:
    number = MONTHS.get(month) or int(month)
    full_year = int(year) + (2000 if int(year) < 50 else 1900) if len(year) == 2 else int(year)
    try:
        return date(full_year, number, int(day)).isoformat() if 1900 <= full_year <= 2100 else None
    except ValueError:
        return None


def _take_aside(layout: PrescriptionLayout, text: str) -> bool:
    """Headings, advice and the page's furniture (signature, phone, footer): not prescription lines."""
    content = strip_marker(text)[0]
    folded = fold(content)
    if _ADVICE.match(folded):
        layout.advice.append(content)
        return True
    if _HEADING.search(folded) or _FURNITURE.match(folded):
        _enter_zone(layout, folded)
        layout.other.append(text)
        return True
    return False


def _enter_zone(layout: PrescriptionLayout, folded: str) -> None:
    """A bizone heading opens its zone: the lines below it, up to the other heading, belong to it."""
    plain = folded.replace("’", "'")
    if any(cue in plain for cue in OTHER_ZONE_CUES):
        layout.in_ald_zone = False
    elif any(cue in plain for cue in ALD_ZONE_CUES):
        layout.in_ald_zone = True


def _take_body(layout: PrescriptionLayout, text: str, confidence: float, names_drug: DrugNamer) -> None:
    content, marked = strip_marker(text)
    designation, _ = split_line(content)
    opens = (marked and describe(designation).words) or looks_like_a_product(designation)
    if opens or (designation and names_drug(designation, confidence)):
        layout.items.append(Item(text, confidence, ald=layout.in_ald_zone))
    elif layout.items:
        layout.items[-1].continued.append(text)
    else:
        layout.other.append(text)

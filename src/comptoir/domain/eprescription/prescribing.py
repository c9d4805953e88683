"""What a prescriber's line must hold before the ON base is asked: the refusals a pharmacy's counter would
otherwise meet, each said beside the line's field.

- The product: a medicine line names one product of the reference (an unknown text, or one naming several
  choices, is refused; the choices are offered). Devices and preparations are not in the reference.
- The posology: textual posology is mandatory on a medicine or preparation line (SPEC §4.5, eP-MED-DM).
  A posology the parser cannot read at all ("selon glycémie", "selon schéma remis") is accepted: the
  counter reads it as written, and refusing it would stop insulin or tapering schedules. On an
  ordonnance sécurisée line it is refused, since the units per intake and the number of intakes must be
  written there (CSP R.5132-29) and the pharmacist checks the doses of a stupéfiant.
- The duration: a product whose BDPM conditions limit the prescription (stupéfiants: 28 days at most,
  CSP R.5132-30; assimilated stupéfiants and hypnotics, anxiolytics: their own term) needs a duration, and
  the whole treatment it covers — the duration times the initial delivery and the renewals — stays within
  the limit (a limited prescription cannot be extended by renewals). The counter never delivers a product
  "réservé à l'usage hospitalier" (CSP R.5121-84): an ON, executed in town, cannot carry one.
- "Non substituable": a motif is mandatory (MTE, EFG, CIF; SPEC §4.5); EFG is for a child under 6 years on
  the prescription date (no suitable generic form for a young child).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from comptoir.domain.dispensing.conditions import DispensingConditions
from comptoir.domain.eprescription.prescription import NON_SUBSTITUTION_REASONS, LineKind
from comptoir.errors import RuleViolation

EFG_AGE_LIMIT_YEARS = 6
"""The EFG motif: a child under 6 years for whom no generic form is suitable (SPEC §4.5)."""

TEXT, POSOLOGY, DURATION, RENEWALS, REASON = "text", "posology", "duration", "renewals", "reason"
"""The fields of a line a problem is said beside."""


@dataclass(frozen=True, slots=True)
class LineProblem:
    position: int
    """The line's place among the lines the prescriber gave (0 for the first)."""
    field: str
    message: str
    candidates: tuple[tuple[str, str], ...] = ()
    """Products to choose from, (CIS, name), when the text names several."""


class LinesRefused(RuleViolation):
    """Some lines cannot be prescribed as typed; nothing was recorded nor sent."""

    def __init__(self, problems: Sequence[LineProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(f"Ligne {p.position + 1} : {p.message}" for p in self.problems))

    def messages(self, name: Callable[[LineProblem], str], *, with_candidates: bool = False) -> dict[str, str]:
        """{field name: message}, a field's messages joined; `name` names a problem's field for the caller."""
        joined: dict[str, str] = {}
        for problem in self.problems:
            message = problem.message
            if with_candidates and problem.candidates:
                message += " Choix : " + " ; ".join(f"{label} (CIS {cis})" for cis, label in problem.candidates) + "."
            key = name(problem)
            joined[key] = f"{joined[key]} {message}" if key in joined else message
        return joined


@dataclass(frozen=True, slots=True)
class LineFacts:
    """One line as typed, with what the reference and the posology parser made of it."""

    position: int
    kind: LineKind
    posology: str
    posology_read: bool
    """The posology parser understood something of the text."""
    duration_days: int | None
    """From the duration field, else from the posology."""
    renewals: int
    substitutable: bool
    reason: str | None
    conditions: DispensingConditions | None = None
    """The product's BDPM conditions; None without a product of the reference."""


def unknown_product(position: int, text: str) -> LineProblem:
    return LineProblem(position, TEXT, f"« {text.strip()[:80]} » ne correspond à aucun médicament du référentiel : "
                                       "saisissez le nom de marque, la DCI avec le dosage, ou le code CIP13.")


def ambiguous_product(position: int, text: str, candidates: Iterable[tuple[str, str]]) -> LineProblem:
    return LineProblem(position, TEXT, f"« {text.strip()[:80]} » désigne plusieurs médicaments (dosage, forme ou "
                                       "voie) : choisissez-en un.", tuple(candidates))


def line_problems(line: LineFacts, *, born: date | None, on: date) -> list[LineProblem]:
    """Every refusal of one line; `born` is the patient's birth date, `on` the prescription date."""
    return [p for p in (_posology(line), _hospital(line), *_duration(line), _reason(line, born, on)) if p]


def refuse_if_any(problems: Sequence[LineProblem]) -> None:
    if problems:
        raise LinesRefused(sorted(problems, key=lambda p: p.position))


def age_in_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _posology(line: LineFacts) -> LineProblem | None:
    if line.kind is LineKind.DEVICE:
        return None
    if not re.search(r"\w", line.posology):
        return LineProblem(line.position, POSOLOGY, "Posologie obligatoire : dose, rythme des prises "
                                                    "(ex. « 1 comprimé matin et soir »).")
    if line.conditions and line.conditions.secure_prescription and not line.posology_read:
        return LineProblem(line.position, POSOLOGY, "Ordonnance sécurisée : écrivez le nombre d'unités par prise "
                                                    "et le nombre de prises (ex. « 1 gélule matin et soir »).")
    return None


def _hospital(line: LineFacts) -> LineProblem | None:
    if line.conditions and line.conditions.hospital_only:
        return LineProblem(line.position, TEXT, "Médicament réservé à l'usage hospitalier : jamais délivré en "
                                                "officine.")
    return None


def _duration(line: LineFacts) -> list[LineProblem]:
    limit = line.conditions.max_prescription_days if line.conditions else None
    if line.conditions is None or limit is None:
        return []
    rule = f"{_limited(line.conditions)} : {limit} jours au plus par ordonnance"
    if not line.duration_days:
        return [LineProblem(line.position, DURATION, f"Durée de traitement obligatoire. {rule}.")]
    if line.duration_days > limit:
        return [LineProblem(line.position, DURATION, f"{rule} ({line.duration_days} jours saisis).")]
    covered = line.duration_days * (1 + line.renewals)
    if covered > limit:
        return [LineProblem(line.position, RENEWALS, f"{rule}, renouvellements compris ({covered} jours avec "
                                                     f"{line.renewals} renouvellement(s)).")]
    return []


def _limited(conditions: DispensingConditions) -> str:
    if conditions.narcotic:
        return "Stupéfiant"
    if conditions.assimilated_narcotic:
        return "Médicament assimilé aux stupéfiants"
    return "Médicament à prescription limitée"


def _reason(line: LineFacts, born: date | None, on: date) -> LineProblem | None:
    if line.substitutable:
        return None
    if line.reason not in NON_SUBSTITUTION_REASONS:
        return LineProblem(line.position, REASON, "« Non substituable » demande un motif : MTE, EFG ou CIF.")
    if line.reason == "EFG" and born is not None and age_in_years(born, on) >= EFG_AGE_LIMIT_YEARS:
        return LineProblem(line.position, REASON, f"Motif EFG réservé aux enfants de moins de {EFG_AGE_LIMIT_YEARS} "
                                                  f"ans (le patient a {age_in_years(born, on)} ans) : MTE ou CIF.")
    return None


@dataclass(frozen=True, slots=True)
class Ingredient:
    """One row of a product's composition in the reference (BDPM CIS_COMPO)."""

    dci: str
    """The substance as a prescription in DCI names it ("amlodipine", salt left out)."""
    dosage: str
    """As the BDPM writes it: "5,000 mg", "50 microgrammes"."""
    nature: str
    """SA (substance active) or FT (fraction thérapeutique)."""
    link: int | None
    """Rows of one substance (its salt and its active fraction) share a link number."""


def dci_of(ingredients: Sequence[Ingredient], product_name: str) -> str:
    """The product in DCI with its strengths, as a prescription in DCI writes it (CSS L.162-2-1, CSP R.5125-55):
    "amlodipine 5 mg", "amoxicilline 1000 mg + acide clavulanique 125 mg". Of a substance's rows, the one
    whose strength the product's name prints ("LEVOTHYROX 50 microgrammes": lévothyroxine sodique 50 µg,
    not the 48,62 µg of lévothyroxine), else the active fraction, else the substance."""
    groups: dict[object, list[Ingredient]] = {}
    for n, row in enumerate(ingredients):
        groups.setdefault(row.link if row.link is not None else f"#{n}", []).append(row)
    printed = {_number(m) for m in re.findall(r"\d+(?:[.,]\d+)?", product_name)}
    parts: list[str] = []
    for rows in groups.values():
        chosen = next((r for r in rows if r.dosage and _number(r.dosage) in printed), None) or next(
            (r for r in rows if r.nature == "FT"), rows[0])
        dosage = next((r.dosage for r in (chosen, *rows) if r.dosage), "")
        part = f"{chosen.dci} {_tidy(dosage)}".strip()
        if part not in parts:
            parts.append(part)
    return " + ".join(parts)


def _number(text: str) -> float | None:
    found = re.search(r"\d+(?:[.,]\d+)?", text)
    return float(found.group(0).replace(",", ".")) if found else None


def _tidy(dosage: str) -> str:
    """"5,000 mg" -> "5 mg", "48,620 microgrammes" -> "48,62 microgrammes"."""
    return re.sub(r"(\d+),(\d*?)0+\b", lambda m: m.group(1) + ("," + m.group(2) if m.group(2) else ""),
                  " ".join(dosage.split()))

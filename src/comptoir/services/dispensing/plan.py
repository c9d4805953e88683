"""The counter's plan for one prescribed line: which box (CIP13), how many, the generic given instead of the
prescribed product when the law allows it, and what the pharmacist must know (domain/dispensing: packs,
substitution, narcotics, renewals, conditions).

`plan_line` is pure over a `PlanCatalogue`; `plan_data` answers `comptoir dispense plan FILE --json`
(DESIGN.md: one case or an array, the lines in their order).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from comptoir.analysis.reference import Product
from comptoir.domain.dispensing import narcotics, renewals, supply
from comptoir.domain.dispensing.conditions import DispensingConditions
from comptoir.domain.dispensing.packs import Need, PackChoice, Presentation, choose_pack, plan_boxes, retail
from comptoir.domain.dispensing.substitution import SubstitutionRule, substitution_rule
from comptoir.errors import RuleViolation
from comptoir.reading.posology import parse_posology
from comptoir.services.dispensing.catalogue import PRINCEPS, PlanCatalogue, ReferenceCatalogue

if TYPE_CHECKING:
    from comptoir.services.analysis.reference import AnalysisReferenceCache
    from comptoir.services.platform.unit_of_work import UnitOfWork

__all__ = ["Alternative", "PlanCatalogue", "PlanRequest", "PlannedLine", "ReferenceCatalogue", "plan_case",
           "plan_data", "plan_line"]

ALTERNATIVES_MAX = 8


@dataclass(frozen=True, slots=True)
class PlanRequest:
    drug: str
    """What is written: free text (brand or DCI with strength), a CIP13 or a CIS."""
    cis: str | None = None
    cip13: str | None = None
    """A box scanned or prescribed: given as is, unless it is a hospital pack."""
    posology: str = ""
    duration_days: int | None = None
    """None: read from the posology ("pendant 5 jours"), else unknown."""
    boxes: int | None = None
    """Boxes the prescriber wrote; used when posology × duration cannot be computed."""
    non_substitutable: str | None = None
    """"MTE", "EFG", "CIF" or None."""
    renewal: int = 0
    """The period asked: 0 the first delivery, n the n-th renewal."""
    renewals: int | None = None
    """Renewals prescribed; None: read from the posology ("à renouveler 2 fois"), else 0."""
    patient_birth_date: date | None = None
    overlap_allowed: bool = False
    """The prescriber's express mention allowing a narcotic's overlap (CSP R.5132-33)."""
    single_delivery: bool = False
    """"Délivrance en une seule fois": the prescriber excluded the fractioned delivery (CSP R.5132-30)."""


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another box the pharmacist may pick instead (same product or its generic group)."""

    name: str
    cis: str
    cip13: str
    units: int | None
    price_eur: float | None
    reimbursement_rate: int | None
    label: str = ""


@dataclass(frozen=True, slots=True)
class PlannedLine:
    drug: str
    cis: str | None
    cip13: str | None
    """None: nothing can be planned (see `reason`)."""
    name: str | None
    units_per_box: int | None
    """In the posology's unit when the box is counted in it (28 comprimés, 100 ml), else the box's own count."""
    boxes: int
    substituted: bool
    reason: str | None = None
    """French: why the line is not planned, or planned otherwise than prescribed; None when fine."""
    warnings: tuple[str, ...] = ()
    price_eur: float | None = None
    """One box's public price."""
    reimbursement_rate: int | None = None
    conditions: DispensingConditions = field(default_factory=DispensingConditions)
    alternatives: tuple[Alternative, ...] = ()
    unit: str | None = None
    """The unit of `units_per_box` ("comprimé", "ml"...)."""
    days: int | None = None
    """The days of treatment this delivery is planned for (capped, first fraction)."""
    left_over: float | None = None
    """Units beyond the need in the boxes planned."""

    def contract(self) -> dict[str, Any]:
        """The line in `comptoir dispense plan --json` (DESIGN.md)."""
        return {"drug": self.drug, "cis": self.cis, "cip13": self.cip13, "name": self.name,
                "units_per_box": self.units_per_box, "unit": self.unit, "boxes": self.boxes,
                "substituted": self.substituted, "reason": self.reason, "warnings": list(self.warnings),
                "price_eur": self.price_eur, "reimbursement_rate": self.reimbursement_rate, "days": self.days,
                "alternatives": [{"name": a.name, "cis": a.cis, "cip13": a.cip13, "units": a.units,
                                  "price_eur": a.price_eur, "reimbursement_rate": a.reimbursement_rate}
                                 for a in self.alternatives]}


@dataclass(frozen=True, slots=True)
class _Line:
    """What the request means once read: the product, its conditions, the need for this delivery."""

    request: PlanRequest
    product: Product
    conditions: DispensingConditions
    need: Need
    days: int | None
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]


def plan_line(request: PlanRequest, *, catalogue: PlanCatalogue, today: date) -> PlannedLine:
    """The box, the boxes and the product to give for one line (rules in domain/dispensing)."""
    product = _product(request, catalogue)
    if product is None:
        return _refused(request, None, f"Produit non reconnu dans la BDPM : « {request.drug} ».")
    conditions = catalogue.conditions(product.cis)
    refusal = _refusal(request, product, conditions)
    if refusal:
        return _refused(request, product, refusal, conditions)
    line = _read(request, product, conditions)
    rule = substitution_rule(request.non_substitutable, substances=product.substance_names,
                             birth_date=request.patient_birth_date, today=today)
    planned = _planned(line, rule, catalogue)
    return replace(planned, warnings=planned.warnings + tuple(w for w in (rule.warning, rule.note) if w))


def _product(request: PlanRequest, catalogue: PlanCatalogue) -> Product | None:
    for text in (request.cip13, request.cis, request.drug):
        if text and text.strip():
            found = catalogue.product(text.strip())
            if found is not None:
                return found
    return None


def _refusal(request: PlanRequest, product: Product, conditions: DispensingConditions) -> str | None:
    if conditions.hospital_only:
        return (f"{product.name} est réservé à l'usage hospitalier (réserve hospitalière, CSP R.5121-84) : il ne "
                "se délivre pas en officine.")
    prescribed = request.renewals if request.renewals is not None else parse_posology(request.posology).renewals
    if not renewals.offered(prescribed, request.renewal):
        if prescribed == 0:
            return f"Ligne non renouvelable : le renouvellement {request.renewal} ne peut pas être délivré."
        return (f"Renouvellement {request.renewal} non prescrit ({prescribed} renouvellement(s)) : rien à "
                "délivrer.")
    return None


def _read(request: PlanRequest, product: Product, conditions: DispensingConditions) -> _Line:
    parsed = parse_posology(request.posology)
    prescribed_days = request.duration_days or (round(parsed.duration_days) if parsed.duration_days else None)
    delivery = narcotics.delivery_days(conditions, prescribed_days, single_delivery=request.single_delivery)
    units = parsed.daily_quantity * delivery.days if parsed.daily_quantity and delivery.days else None
    need = Need(units=units, unit=parsed.unit, boxes=request.boxes or parsed.boxes)
    warnings = delivery.warnings
    overlap = narcotics.overlap_warning(conditions, overlap_allowed=request.overlap_allowed)
    return _Line(request, product, conditions, need, delivery.days,
                 tuple(r for r in (delivery.reason,) if r), warnings + ((overlap,) if overlap else ()))


def _planned(line: _Line, rule: SubstitutionRule, catalogue: PlanCatalogue) -> PlannedLine:
    request, product = line.request, line.product
    code = request.cip13 or _cip13_written(request.drug)
    given = catalogue.presentation(code) if code else None
    warnings = line.warnings
    if given is not None and given.hospital_pack:
        warnings += (f"La boîte {given.cip13} est réservée aux collectivités (hôpitaux) : une boîte de ville est "
                     "proposée à la place.",)
        given = None
    if given is not None:
        return _line(line, product, plan_boxes(given, line.need), False, warnings, catalogue)
    own = choose_pack(catalogue.presentations(product.cis), line.need)
    generic = _generic(line, catalogue, own) if rule.allowed else None
    if generic is not None:
        name, choice = generic
        return _line(line, _named(product, choice, name), choice, True, warnings, catalogue)
    return _line(line, product, own, False, warnings, catalogue)


def _cip13_written(drug: str) -> str | None:
    """A CIP13 typed or scanned as the drug: that box is the one prescribed."""
    code = "".join(drug.split())
    return code if len(code) == 13 and code.isdigit() else None


def _generic(line: _Line, catalogue: PlanCatalogue, own: PackChoice) -> tuple[str, PackChoice] | None:
    """The cheapest reimbursed box of a generic of the group that covers the need, when the prescribed
    product is the princeps and costs more (a generic prescribed is kept)."""
    group = catalogue.generic_group(line.product.cis)
    if group.get(line.product.cis) != PRINCEPS:
        return None
    found = [found for cis, kind in sorted(group.items()) if kind != PRINCEPS
             if (found := _generic_box(line, catalogue, cis)) is not None]
    if not found:
        return None
    name, choice = min(found, key=lambda item: (_cost(item[1]), item[1].left_over or 0.0))
    if own.pack is not None and own.pack.reimbursed and not own.reason and _cost(own) < _cost(choice):
        return None
    return name, choice


def _generic_box(line: _Line, catalogue: PlanCatalogue, cis: str) -> tuple[str, PackChoice] | None:
    member = catalogue.product(cis)
    choice = choose_pack(catalogue.presentations(cis), line.need)
    if member is None or choice.pack is None or choice.reason or not choice.pack.reimbursed:
        return None
    return member.name, choice


def _cost(choice: PackChoice) -> float:
    return choice.boxes * (choice.pack.price_eur or 0.0) if choice.pack else 0.0


def _named(product: Product, choice: PackChoice, name: str) -> Product:
    assert choice.pack is not None
    return replace(product, cis=choice.pack.cis, name=name)


def _line(line: _Line, product: Product, choice: PackChoice, substituted: bool, warnings: tuple[str, ...],
          catalogue: PlanCatalogue) -> PlannedLine:
    pack = choice.pack
    if pack is None:
        reasons = line.reasons + ((choice.reason,) if choice.reason else ())
        return _refused(line.request, line.product, " ".join(reasons) or "Aucune boîte à délivrer.", line.conditions,
                        warnings)
    choice, days, capped = _one_delivery(line, choice, product.atc)
    reasons = line.reasons + tuple(r for r in (choice.reason, capped) if r)
    per_box, unit = _per_box(pack, line.need)
    return PlannedLine(
        drug=line.request.drug, cis=pack.cis, cip13=pack.cip13, name=product.name, units_per_box=per_box,
        boxes=choice.boxes, substituted=substituted, reason=" ".join(reasons) or None, warnings=warnings,
        price_eur=pack.price_eur, reimbursement_rate=pack.rate, conditions=line.conditions,
        alternatives=_alternatives(line, pack, catalogue), unit=unit, days=days, left_over=choice.left_over)


def _one_delivery(line: _Line, choice: PackChoice, atc: str | None) -> tuple[PackChoice, int | None, str | None]:
    """The boxes cut to what one delivery may supply (domain/dispensing/supply.py, CSP R.5123-2), the days they
    cover and why; unchanged when the need is not counted in the box's units."""
    need, pack = line.need, choice.pack
    per_box = pack.contents.amount_in(need.unit) if pack and pack.contents and need.units else None
    if not (per_box and need.units and line.days):
        return choice, line.days, None
    daily = need.units / line.days
    given = supply.capped(choice.boxes, per_box, daily, contraceptive=supply.contraceptive(atc))
    if given.days is None:
        return choice, line.days, None
    return replace(choice, boxes=given.boxes, left_over=given.boxes * per_box - daily * given.days), given.days, \
        given.reason


def _per_box(pack: Presentation, need: Need) -> tuple[int | None, str | None]:
    contents = pack.contents
    if contents is None:
        return None, None
    amount = contents.amount_in(need.unit)
    if amount is not None:
        return round(amount), need.unit or (contents.counted[1] if contents.counted else None)
    counted = contents.counted
    return (counted[0], counted[1]) if counted else (None, None)


def _alternatives(line: _Line, chosen: Presentation, catalogue: PlanCatalogue) -> tuple[Alternative, ...]:
    found: list[Alternative] = []
    for cis in [line.product.cis, *sorted(set(catalogue.generic_group(line.product.cis)) - {line.product.cis})]:
        member = catalogue.product(cis) if cis != line.product.cis else line.product
        if member is None:
            continue
        for pack in retail(catalogue.presentations(cis)):
            if pack.cip13 != chosen.cip13:
                found.append(Alternative(member.name, cis, pack.cip13, _per_box(pack, line.need)[0], pack.price_eur,
                                         pack.rate, pack.label))
        if len(found) >= ALTERNATIVES_MAX:
            break
    return tuple(found[:ALTERNATIVES_MAX])


def _refused(request: PlanRequest, product: Product | None, reason: str,
             conditions: DispensingConditions | None = None, warnings: tuple[str, ...] = ()) -> PlannedLine:
    return PlannedLine(drug=request.drug, cis=product.cis if product else None, cip13=None,
                       name=product.name if product else None, units_per_box=None, boxes=0, substituted=False,
                       reason=reason, warnings=warnings, conditions=conditions or DispensingConditions())


# --- `comptoir dispense plan FILE --json` -----------------------------------------------------------------


def plan_case(data: Any, *, catalogue: PlanCatalogue, today: date) -> dict[str, Any]:
    """One case shaped like `analyse`'s (DESIGN.md) -> `{lines: [...]}` in the order of its lines."""
    if not isinstance(data, dict):
        raise RuleViolation("Le cas à planifier doit être un objet JSON.")
    patient, items = data.get("patient") or {}, data.get("lines") or []
    if not isinstance(patient, dict) or not isinstance(items, list):
        raise RuleViolation("Cas mal formé : « patient » est un objet et « lines » une liste.")
    day = _date(data.get("today"), "today") or today
    birth = _date(patient.get("birth_date"), "birth_date")
    lines = [plan_line(_request(item, birth), catalogue=catalogue, today=day) for item in items]
    return {"lines": [line.contract() for line in lines]}


def plan_data(data: Any, *, uow: UnitOfWork, references: AnalysisReferenceCache, today: date) -> Any:
    """One case or an array of cases (an array in, an array out)."""
    with uow:
        catalogue = ReferenceCatalogue(uow.eprescriptions, references.get(uow.reference))
        cases = data if isinstance(data, list) else [data]
        planned = [plan_case(case, catalogue=catalogue, today=today) for case in cases]
        uow.commit()
    return planned if isinstance(data, list) else planned[0]


def _request(item: Any, birth: date | None) -> PlanRequest:
    if not isinstance(item, dict) or not isinstance(item.get("drug"), str | int) or not str(item["drug"]).strip():
        raise RuleViolation("Chaque ligne doit avoir un champ « drug » non vide (nom, CIP13 ou CIS).")
    mention = item.get("non_substitutable")
    mention = mention.strip().upper() if isinstance(mention, str) else mention
    if mention not in (None, "", "MTE", "EFG", "CIF"):
        raise RuleViolation(f"« non_substitutable » vaut MTE, EFG ou CIF, pas {mention!r}.")
    return PlanRequest(
        drug=str(item["drug"]).strip(), cis=_text(item.get("cis")), cip13=_text(item.get("cip13")),
        posology=_posology(item.get("posology")), duration_days=_count(item.get("duration_days"), "duration_days"),
        boxes=_count(item.get("boxes"), "boxes"), non_substitutable=mention or None,
        renewal=_count(item.get("renewal"), "renewal") or 0, renewals=_count(item.get("renewals"), "renewals"),
        patient_birth_date=birth, overlap_allowed=bool(item.get("overlap_allowed")),
        single_delivery=bool(item.get("single_delivery")))


def _posology(value: Any) -> str:
    if value is not None and not isinstance(value, str):
        raise RuleViolation("« posology » est un texte.")
    return value or ""


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def _count(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise RuleViolation(f"« {name} » doit être un entier positif, pas {value!r}.")
    return int(value)


def _date(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise RuleViolation(f"Date invalide pour « {name} » : {value!r} (attendu AAAA-MM-JJ).") from exc

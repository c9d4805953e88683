"""Putting products in the basket: a product scanned or typed (its box found, matched to a line that waits for
it), a pack's DataMatrix (its serial, lot and expiry kept on the line), the lines of an ON for one period, the
lines of a paper prescription read by the OCR and corrected.

Every line added without a box scanned is planned by services/dispensing/plan.plan_line: the retail box, the
boxes, the generic where the law allows it, the narcotics' caps. An ON line is then capped to what is left to
deliver in its period (services/eprescription: the ON's own count).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from comptoir.analysis.reference import AnalysisReference
from comptoir.domain import bounds
from comptoir.domain.eprescription import prescription as rx
from comptoir.errors import FieldErrors
from comptoir.reading.gs1 import PackCode
from comptoir.services.dispensing import alerts, products
from comptoir.services.dispensing.catalogue import ReferenceCatalogue
from comptoir.services.dispensing.entry import Entry
from comptoir.services.dispensing.plan import PlannedLine as Plan
from comptoir.services.dispensing.plan import PlanRequest, plan_line
from comptoir.services.dispensing.present import needs_prescription_message
from comptoir.services.dispensing.products import Found
from comptoir.services.dispensing.views import Ambiguous, Candidate, PaperLine
from comptoir.services.eprescription.counter import PlannedLine, plan
from comptoir.services.eprescription.dispense import needed_boxes
from comptoir.services.eprescription.lines import generic_group_of
from comptoir.services.nmvs.verification import Verified
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.counter import Basket, BasketLine

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

MAX_LINES = 40
CANDIDATES = 8
CLOSE_SCORES = 0.2
"""Search scores this close differ only by the index's tie-breakers (number of boxes, name length): the user
chooses among them."""


@dataclass(frozen=True, slots=True)
class Change:
    """One change of one basket, inside its unit of work."""

    uow: UnitOfWork
    basket: Basket
    operator: CurrentOperator
    now: datetime
    reference: AnalysisReference

    def lines(self) -> list[BasketLine]:
        return self.uow.baskets.lines(self.basket.id)


# --- one product scanned or typed ---------------------------------------------------------------------


def add_entry(change: Change, entry: Entry, verified: Verified | None = None) -> str:
    """The product the entry names, on the line waiting for it or on a new one; returns the audit detail.
    `verified`: what the NMVS said of the scanned pack (services/nmvs/verification.py), kept on its record."""
    found = _find(change, entry)
    refuse_without_prescription(change, found.cis)
    cis, cip13 = (found.cis, found.cip13) if found.cip13 else _typed_box(change, found.cis)
    pack = entry.pack
    if pack is not None:
        _check_pack(change, pack)
    line = _waiting_line(change, cis, cip13)
    if line is None and pack is not None:
        refuse_unprescribed_pack(change, cis, cip13)
    record = _pack_record(cip13, pack, verified) if pack else None
    if line is None:
        substituted = {"prescribed_cis": found.cis} if cis != found.cis else {}
        line = new_line(change, text=_name(change, cis), cis=cis, cip13=cip13, **substituted)
        line.packs = [record] if record else []
    else:
        _add_to(line, cis, cip13, record)
    return f"ligne {line.position} : {'boîte scannée' if pack else 'produit'} {cip13 or cis}"


def refuse_unprescribed_pack(change: Change, cis: str, cip13: str | None) -> None:
    """A pack goes to the prescribed line of its presentation, or to a line still without a scanned box whose
    product it is or — substitution allowed — a generic of its prescribed product (the BDPM group, CSP
    L.5125-23): `_waiting_line`. On an ordonnance numérique, whose lines the base gives, a pack that fits none of
    them, of a product only a prescription delivers (listed), is another product than the prescribed one:
    refused, nothing added. A product without listing may still join the basket (a sale on advice). A paper
    prescription's lines are what the counter enters, a scan among them: there a new product makes a new line."""
    prescribed = [line for line in change.lines() if line.prescription_line is not None]
    if not prescribed or not products.listing_label(change.reference.products.get(cis)):
        return
    waiting = ", ".join(f"ligne {line.position} ({line.text}, CIP13 {line.cip13 or '?'})" for line in prescribed)
    raise FieldErrors({"text": f"Boîte de {_name(change, cis)} (CIP13 {cip13 or '?'}) refusée : ce n'est pas le "
                               f"produit prescrit ni un générique permis de ses lignes — {waiting}. Scannez une "
                               "boîte du produit prescrit."})


def _typed_box(change: Change, cis: str) -> tuple[str, str | None]:
    """The product and box for a typed name: on a prescription, the plan's (a generic where the law allows it,
    then a visible substitution); sold without one, the named product's own box, never another."""
    if change.basket.kind == "sans_ordonnance":
        pack = products.default_pack(change.uow.eprescriptions, cis)
        return cis, pack.cip13 if pack else None
    cip13 = _planned(change, PlanRequest(_name(change, cis), cis=cis)).cip13
    presentation = change.uow.eprescriptions.presentation(cip13) if cip13 else None
    return (presentation.cis if presentation else cis), cip13


def _find(change: Change, entry: Entry) -> Found:
    if entry.pack is not None:
        if not entry.pack.cip13:
            raise FieldErrors({"text": "Ce DataMatrix n'est pas celui d'un médicament français (pas de CIP13)."})
        return _by_code(change, entry.pack.cip13)
    if entry.kind == "code":
        return _by_code(change, entry.text)
    return _by_name(change, entry.text)


def _by_code(change: Change, code: str) -> Found:
    found = products.by_code(code, change.reference)
    if found is None:
        raise FieldErrors({"text": f"Code {code} inconnu du référentiel : vérifiez-le ou tapez le nom du produit."})
    return found


def _by_name(change: Change, text: str) -> Found:
    hits = change.reference.index.search(text, limit=CANDIDATES)
    hits = [h for h in hits if h.record.marketed] or hits
    if not hits:
        raise FieldErrors({"text": f"Aucun médicament ne répond à « {text} »."})
    best = [h for h in hits if h.score > hits[0].score - CLOSE_SCORES]
    if len(best) == 1:
        return Found(best[0].record.cis, None)
    raise Ambiguous(text, tuple(_candidate(change, h.record.cis) for h in hits))


def _candidate(change: Change, cis: str) -> Candidate:
    name = alerts.product_name(cis, change.reference)
    pack = products.default_pack(change.uow.eprescriptions, cis)
    # The full BDPM name: its form ("comprimé", "gélule"...) tells apart products of the same name and strength.
    return Candidate(cis, _name(change, cis), name.dci if name else "", pack.cip13 if pack else None)


def _planned(change: Change, request: PlanRequest) -> Plan:
    catalogue = ReferenceCatalogue(change.uow.eprescriptions, change.reference)
    patient = change.uow.dispensations.patient(change.basket.patient_id) if change.basket.patient_id else None
    dated = replace(request, patient_birth_date=patient.birth_date if patient else None)
    return plan_line(dated, catalogue=catalogue, today=change.now.date())


def replan(change: Change, line: BasketLine) -> Plan:
    """The plan of a line's own product (never another) for its posology and duration."""
    return _planned(change, PlanRequest(_name(change, line.cis or ""), cis=line.cis, posology=line.posology,
                                        duration_days=line.duration_days, non_substitutable="CIF"))


def _name(change: Change, cis: str) -> str:
    product = change.reference.products.get(cis)
    return product.name if product else cis


def refuse_without_prescription(change: Change, cis: str) -> None:
    """A listed product is never sold without a prescription (CSP R.5132-6); a hospital-reserved one never here."""
    product = change.reference.products.get(cis)
    conditions = products.conditions(product)
    name = alerts.product_name(cis, change.reference)
    label = name.name if name else cis
    if conditions.hospital_only:
        raise FieldErrors({"text": f"{label} est réservé à l'usage hospitalier : il ne se délivre pas en officine."})
    listing = products.listing_label(product)
    if change.basket.kind == "sans_ordonnance" and listing:
        raise FieldErrors({"text": needs_prescription_message(label, listing)})


def _check_pack(change: Change, pack: PackCode) -> None:
    if pack.expiry and date.fromisoformat(pack.expiry) < change.now.date():
        raise FieldErrors({"text": f"Boîte périmée depuis le {date.fromisoformat(pack.expiry):%d/%m/%Y} "
                                   "(DataMatrix) : ne la délivrez pas."})
    if pack.serial and any(p.get("serial") == pack.serial and p.get("cip13") == pack.cip13
                           for line in change.lines() for p in line.packs):
        raise FieldErrors({"text": f"Cette boîte (n° de série {pack.serial}) est déjà scannée dans le panier."})


def _waiting_line(change: Change, cis: str, cip13: str | None) -> BasketLine | None:
    """The line this product is for: the same box, else a line without a scanned pack that may take it (same
    product, or a generic of the prescribed one where substitution is allowed)."""
    lines = change.lines()
    same = next((line for line in lines if cip13 and line.cip13 == cip13), None)
    if same is not None:
        return same
    return next((line for line in lines if not line.packs and _may_take(change, line, cis)), None)


def _may_take(change: Change, line: BasketLine, cis: str) -> bool:
    if line.cis == cis:
        return True
    prescribed = line.prescribed_cis
    return bool(prescribed and line.substitutable
                and cis in generic_group_of(change.uow.eprescriptions, prescribed))


def _add_to(line: BasketLine, cis: str, cip13: str | None, record: dict[str, Any] | None) -> None:
    prescribed = line.prescription_line is not None or line.prescribed_cis is not None
    line.cis, line.cip13, line.reason = cis, cip13, ""
    if record is not None:
        if len(line.packs) >= line.boxes:
            line.boxes += 1
        line.packs = [*line.packs, record]
    elif not prescribed:
        line.boxes += 1
    if line.boxes > bounds.BOXES_MAX:
        raise FieldErrors({"text": f"{bounds.BOXES_MAX} boîtes au plus sur une ligne."})


def _pack_record(cip13: str | None, pack: PackCode, verified: Verified | None) -> dict[str, Any]:
    record = {"cip13": cip13, "serial": pack.serial, "lot": pack.lot, "expiry": pack.expiry}
    return record | ({"nmvs": verified.status} if verified else {})


def new_line(change: Change, *, text: str, cis: str | None, cip13: str | None, **values: Any) -> BasketLine:
    lines = change.lines()
    if len(lines) >= MAX_LINES:
        raise FieldErrors({"text": f"Panier plein : {MAX_LINES} lignes au plus."})
    line = BasketLine(basket_id=change.basket.id, position=max((x.position for x in lines), default=0) + 1,
                      text=text[:bounds.SHORT_TEXT_MAX], cis=cis, cip13=cip13,
                      **({"boxes": 1, "posology": "", "substitutable": True, "packs": [], "reason": "",
                         "overlap_allowed": False, "boxes_by_hand": False} | values))
    change.uow.baskets.add_line(line)
    return line


# --- a paper prescription (F6) ------------------------------------------------------------------------


def add_paper_lines(change: Change, lines: list[PaperLine]) -> str:
    for paper in lines:
        _paper_line(change, paper)
    return f"{len(lines)} ligne(s) d'ordonnance papier"


def _paper_line(change: Change, paper: PaperLine) -> BasketLine:
    drug, posology = paper.drug.strip(), paper.posology.strip()
    if not drug:
        raise FieldErrors({"drug": "Chaque ligne nomme un médicament."})
    if len(posology) > bounds.POSOLOGY_MAX:
        raise FieldErrors({"posology": f"Posologie trop longue : {bounds.POSOLOGY_MAX} caractères au plus."})
    planned = _planned(change, PlanRequest(drug, posology=posology, duration_days=paper.duration_days))
    prescribed = ReferenceCatalogue(change.uow.eprescriptions, change.reference).product(drug)
    boxes = min(max(planned.boxes, 1), bounds.BOXES_MAX)
    return new_line(change, text=drug, cis=planned.cis, cip13=planned.cip13, boxes=boxes, posology=posology,
                    duration_days=paper.duration_days or planned.days,
                    prescribed_cis=prescribed.cis if prescribed else None, prescribed_boxes=boxes,
                    reason=_unplanned(planned))


def _unplanned(planned: Plan) -> str:
    """Why a line has no box (the plan's French reason), "" when it has one."""
    if planned.cip13:
        return ""
    return planned.reason or "Produit non reconnu : scannez la boîte ou tapez son nom."


# --- an ordonnance numérique -------------------------------------------------------------------------


def first_open_renewal(change: Change, prescription: rx.Prescription) -> int:
    """The first period (0, then renewal n) with a line still to deliver."""
    most = max((line.renewals for line in prescription.lines), default=0)
    for renewal in range(most + 1):
        if _open_lines(plan(change.uow.eprescriptions, prescription, renewal), renewal):
            return renewal
    return 0


def _open_lines(planned: list[PlannedLine], renewal: int) -> list[PlannedLine]:
    return [p for p in planned if not p.closed and p.line.renewals >= renewal]


def load_on_lines(change: Change, prescription: rx.Prescription, renewal: int) -> int:
    """The ON's lines still to deliver in this period replace those of another period; returns how many."""
    kept = [line for line in change.lines() if line.prescription_line is not None]
    for line in kept:
        change.uow.baskets.remove_line(line)
    planned = _open_lines(plan(change.uow.eprescriptions, prescription, renewal), renewal)
    for item in planned:
        _on_line(change, item)
    return len(planned)


def _on_line(change: Change, item: PlannedLine) -> BasketLine:
    line = item.line
    planned = _planned(change, PlanRequest(
        line.text, cis=line.cis, cip13=line.cip13, posology=line.posology, duration_days=line.duration_days,
        boxes=line.quantity, non_substitutable=line.non_substitution_reason, renewal=change.basket.renewal,
        renewals=line.renewals))
    presentation = change.uow.eprescriptions.presentation(planned.cip13) if planned.cip13 else None
    left = max(needed_boxes(line, presentation) - item.already, 1)
    boxes = min(max(planned.boxes, 1), left)
    return new_line(change, text=line.text, cis=planned.cis, cip13=planned.cip13, boxes=boxes,
                    posology=line.posology, duration_days=line.duration_days, prescription_line=line.number,
                    prescribed_cis=line.cis or planned.cis, prescribed_boxes=left,
                    substitutable=line.substitutable, non_substitutable=line.non_substitution_reason,
                    reason=_unplanned(planned))

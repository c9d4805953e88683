"""The basket as it stands: its lines with their products, the analysis of the whole (read once per change:
the patient's history in one query, the reference from memory), its alerts and decisions, what still blocks
its validation, and its totals."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from comptoir.analysis.engine import Analysis
from comptoir.analysis.reference import AnalysisReference, Product
from comptoir.domain.dispensing import supply
from comptoir.domain.dispensing.packs import pack_size, parse_pack
from comptoir.domain.eprescription.identifiers import check_rpps
from comptoir.domain.operators import Permission
from comptoir.reading.posology import parse_posology
from comptoir.services.annuaire.check import with_prescriber_check
from comptoir.services.asafo import check as asafo_check
from comptoir.services.asafo.panel import secure_supply
from comptoir.services.asafo.trust import UNSAID, Trust, trust_of
from comptoir.services.dispensing import alerts, products
from comptoir.services.dispensing.alerts import Naming
from comptoir.services.dispensing.overlap import NO_OVERLAP, Overlaps, overlaps
from comptoir.services.dispensing.views import (
    AlertView,
    BasketView,
    LineView,
    PrescriptionView,
    ScannedPack,
    Totals,
)
from comptoir.services.dp.history import dp_history
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.counter import Basket, BasketDecision, BasketLine
from comptoir.store.dispensing import HistoryLine

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

CENT = Decimal("0.01")
OPEN = ("ouvert", "en_attente")


@dataclass(frozen=True, slots=True)
class Assessment:
    """The basket analysed: everything its view and its validation read."""

    basket: Basket
    lines: list[BasketLine]
    decisions: list[BasketDecision]
    patient: m.Patient | None
    history: list[HistoryLine]
    analysis: Analysis
    alerts: tuple[AlertView, ...]
    naming: Naming
    overlaps: Overlaps = NO_OVERLAP
    asafo: asafo_check.AsafoCheck = asafo_check.NOT_CHECKED
    trust: Trust = UNSAID


def assess(uow: UnitOfWork, basket: Basket, reference: AnalysisReference, now: datetime) -> Assessment:
    lines = uow.baskets.lines(basket.id)
    patient = uow.dispensations.patient(basket.patient_id) if basket.patient_id else None
    history = uow.dispensations.history_lines(patient.id, since=now - timedelta(days=alerts.HISTORY_DAYS),
                                              limit=alerts.HISTORY_LINES) if patient else []
    history += dp_history(uow, patient.id, now=now) if patient else []  # other pharmacies' lines (the DP)
    trust = trust_of(uow, basket, patient, history, now)
    case = alerts.basket_case(lines, history, alerts.patient_profile(patient, now.date()),
                              prescriber_rpps=basket.prescriber_rpps, today=now.date(), trust=trust)
    analysis = with_prescriber_check(alerts.run(case, reference), basket.prescriber_rpps)
    asafo = _asafo(uow, basket, patient, analysis, trust, now)
    analysis = replace(analysis, findings=[*asafo.findings, *analysis.findings,
                                           *alerts.unscanned_packs(lines, reference)])
    naming = alerts.naming_of(lines, history, reference)
    found = overlaps(uow, basket, lines, reference, now)
    return redecided(Assessment(basket, lines, [], patient, history, analysis, (), naming, found, asafo, trust), uow)


def _asafo(uow: UnitOfWork, basket: Basket, patient: m.Patient | None, analysis: Analysis, trust: Trust,
           now: datetime) -> asafo_check.AsafoCheck:
    """The prescription against the ASAFO list (a sale without prescription is not checked)."""
    if basket.kind == "sans_ordonnance":
        return asafo_check.NOT_CHECKED
    presented = asafo_check.Presented(basket.prescriber_rpps, patient.nir if patient else None,
                                      [item for item in analysis.items if not item.is_history], trust)
    return asafo_check.check(uow, presented, now)


def redecided(assessment: Assessment, uow: UnitOfWork) -> Assessment:
    """The same analysis with the basket's decisions read again (a decision changes no finding)."""
    decisions = uow.baskets.decisions(assessment.basket.id)
    shown = alerts.alerts_of(assessment.analysis, assessment.lines, assessment.naming, decisions)
    return replace(assessment, decisions=decisions, alerts=shown)


def view_of(uow: UnitOfWork, assessment: Assessment, operator: CurrentOperator, reference: AnalysisReference,
            today: date) -> BasketView:
    basket = assessment.basket
    boxes = uow.eprescriptions.presentations_among([line.cip13 for line in assessment.lines if line.cip13])
    lines = tuple(line_view(boxes.get(line.cip13 or ""), reference, line, basket.kind, today, assessment.overlaps)
                  for line in assessment.lines)
    secure = secure_supply(uow, basket, assessment.asafo, lines, assessment.trust)
    blocking = blocking_reasons(assessment, lines) + secure.blocking
    pharmacist = operator.can(Permission.PHARMACIST_ACT)
    patient = assessment.patient
    return BasketView(
        id=basket.id, version=basket.version, status=basket.status, kind=basket.kind, patient_id=basket.patient_id,
        prescription=prescription_view(basket), lines=lines, alerts=assessment.alerts, blocking=blocking,
        can_decide=pharmacist and basket.status in OPEN,
        can_validate=pharmacist and basket.status in OPEN and not blocking,
        totals=totals(lines, reimbursed=basket.kind != "sans_ordonnance"),
        patient_name=f"{patient.last_name} {patient.first_name}" if patient else "",
        advice=alerts.advice_of(assessment.analysis, assessment.naming), created_by=basket.created_by,
        handed_over_by=basket.handed_over_by, dispensation_id=basket.dispensation_id, secure=secure)


def prescription_view(basket: Basket) -> PrescriptionView | None:
    if basket.kind == "sans_ordonnance":
        return None
    rpps = basket.prescriber_rpps
    return PrescriptionView(kind=basket.kind, on_id=basket.prescription_id, renewal=basket.renewal,
                            prescriber_name=basket.prescriber_name, prescriber_rpps=rpps,
                            rpps_valid=check_rpps(rpps).key_valid if rpps else None,
                            prescribed_on=basket.prescribed_on, scan_id=basket.scan_id,
                            prescriber_address=basket.prescriber_address or "")


def line_view(presentation: m.Presentation | None, reference: AnalysisReference, line: BasketLine, kind: str,
              today: date, found: Overlaps = NO_OVERLAP) -> LineView:
    product = reference.products.get(line.cis or "")
    name = alerts.product_name(line.cis, reference) if line.cis else None
    first = line.packs[0] if line.packs else {}
    expiry = date.fromisoformat(first["expiry"]) if first.get("expiry") else None
    return LineView(
        position=line.position, prescription_line=line.prescription_line, drug=line.text,
        name=name.name if name else None, dci=name.dci if name else None, cis=line.cis, cip13=line.cip13,
        pack_label=presentation.label if presentation else None,
        units_per_box=pack_size(presentation.label) if presentation else None, boxes=line.boxes,
        posology=line.posology, duration_days=line.duration_days,
        substituted=bool(line.prescribed_cis and line.cis and line.cis != line.prescribed_cis),
        non_substitutable=line.non_substitutable, price_eur=products.price(presentation),
        reimbursement_rate=products.rate(presentation), lot=first.get("lot"), serial=first.get("serial"),
        expiry=expiry, reason=line_problem(line, product is not None, kind) or found.refusals.get(line.position, ""),
        warnings=line_warnings(line, product, today) + _oversupply(line, presentation, product)
        + found.warnings.get(line.position, ()),
        listing=products.listing_label(product), scanned=len(line.packs), prescribed_boxes=line.prescribed_boxes,
        overlap_allowed=bool(line.overlap_allowed), packs=tuple(scanned_pack(p) for p in line.packs))


def scanned_pack(pack: dict[str, Any]) -> ScannedPack:
    expiry = pack.get("expiry")
    return ScannedPack(pack.get("lot"), date.fromisoformat(expiry) if expiry else None, pack.get("serial"),
                       pack.get("nmvs", ""))


def line_problem(line: BasketLine, known: bool, kind: str) -> str:
    if line.reason:
        return line.reason
    if not line.cip13 or not known:
        return "Choisissez la boîte à délivrer (produit non reconnu)."
    return ""


def line_warnings(line: BasketLine, product: Product | None, today: date) -> tuple[str, ...]:
    found = []
    conditions = products.conditions(product)
    for pack in line.packs:
        expiry = date.fromisoformat(pack["expiry"]) if pack.get("expiry") else None
        if expiry and expiry < today:
            found.append(f"Boîte périmée (lot {pack.get('lot') or '?'}, {expiry:%d/%m/%Y}).")
        elif expiry and line.duration_days and expiry < today + timedelta(days=line.duration_days):
            found.append(expires_during_treatment(pack.get("lot"), expiry, today + timedelta(days=line.duration_days)))
    if conditions.hospital_only:
        found.append("Réservé à l'usage hospitalier : ne se délivre pas en officine.")
    if conditions.narcotic:
        found.append("Stupéfiant : ordonnance sécurisée, quantités en toutes lettres, ordonnancier.")
    limit = conditions.max_prescription_days
    if limit and line.duration_days and line.duration_days > limit:
        found.append(f"Durée de {line.duration_days} jours : ce produit se prescrit pour {limit} jours au plus.")
    if line.prescribed_boxes and line.boxes > line.prescribed_boxes:
        found.append(f"{line.boxes} boîtes pour {line.prescribed_boxes} prescrite(s).")
    return tuple(found)


def expires_during_treatment(lot: str | None, expiry: date, treatment_end: date) -> str:
    """Said, not blocking: the pharmacist judges whether the box will be used up before (the patient may stop)."""
    return (f"Péremption avant la fin du traitement : boîte du lot {lot or '?'} périmée le {expiry:%d/%m/%Y}, "
            f"traitement jusqu'au {treatment_end:%d/%m/%Y}. Donnez une boîte de plus longue date.")


def _oversupply(line: BasketLine, presentation: m.Presentation | None, product: Product | None) -> tuple[str, ...]:
    """Boxes lasting beyond what one delivery may cover (CSP R.5123-2); the posology is read only for a line of
    several boxes (a change of the basket stays quick)."""
    if line.boxes < 2 or presentation is None or not line.posology:
        return ()
    parsed = parse_posology(line.posology)
    contents = parse_pack(presentation.label)
    per_box = contents.amount_in(parsed.unit) if contents else None
    if not (per_box and parsed.daily_quantity):
        return ()
    found = supply.oversupply(line.boxes, per_box, parsed.daily_quantity,
                              contraceptive=supply.contraceptive(product.atc if product else None))
    return (found,) if found else ()


def blocking_reasons(assessment: Assessment, lines: tuple[LineView, ...]) -> tuple[str, ...]:
    basket = assessment.basket
    reasons = list(_basket_reasons(assessment, lines))
    reasons += [f"Ligne {line.position} : {line.reason}" for line in lines if line.reason]
    reasons += [f"Ligne {line.position} : {w}" for line in lines for w in line.warnings if w.startswith(_REFUSING)]
    if basket.kind == "sans_ordonnance":
        reasons += [_needs_prescription(line) for line in lines if line.listing]
    reasons += [f"Décision d'un pharmacien requise — {a.level_label} : {_short(a)}" for a in assessment.alerts
                if a.needs_decision and a.decision is None]
    return tuple(reasons)


_REFUSING = ("Boîte périmée", "Réservé à l'usage hospitalier")


def _basket_reasons(assessment: Assessment, lines: tuple[LineView, ...]) -> list[str]:
    basket = assessment.basket
    found = []
    if basket.status not in OPEN:
        found.append("Panier déjà validé ou abandonné.")
    if not lines:
        found.append("Panier vide : scannez ou saisissez un produit.")
    if basket.kind == "ordonnance_numerique" and not basket.prescription_id:
        found.append("Scannez l'ordonnance numérique (QR code ou identifiant).")
    listed = any(line.listing for line in lines)
    if basket.patient_id is None and (basket.kind == "ordonnance_numerique" or listed):
        found.append("Choisissez le patient (ordonnance numérique ou produit inscrit à l'ordonnancier).")
    if basket.kind == "ordonnance_papier" and listed and not (basket.prescriber_name.strip() and basket.prescribed_on):
        found.append("Ordonnance papier : indiquez le prescripteur et la date (produit listé, ordonnancier).")
    return found


def _needs_prescription(line: LineView) -> str:
    return needs_prescription_message(line.name or line.drug, line.listing or "")


def needs_prescription_message(name: str, listing: str) -> str:
    return f"{name} ({listing}) ne se délivre que sur ordonnance."


def _short(alert: AlertView) -> str:
    return ", ".join(p.label for p in alert.products) or clipped(alert.message, 120)


def clipped(text: str, most: int) -> str:
    """At most `most` characters, cut after a whole word with "…", never inside one."""
    if len(text) <= most:
        return text
    cut = text[:most - 1]
    head = cut.rsplit(" ", 1)[0] if text[most - 1] != " " and " " in cut else cut
    return head.rstrip(" ,;:") + "…"


def totals(lines: tuple[LineView, ...], *, reimbursed: bool) -> Totals:
    price = sum(((line.price_eur or Decimal(0)) * line.boxes for line in lines), Decimal(0))
    part = sum(((line.price_eur or Decimal(0)) * line.boxes * (line.reimbursement_rate or 0) / 100 for line in lines),
               Decimal(0)) if reimbursed else Decimal(0)
    return Totals(Decimal(price).quantize(CENT), Decimal(part).quantize(CENT))

"""The pharmacist's acts of secure supply on a basket at the counter:

    record_check(basket_id, ChecklistInput, ...) -> BasketView     the reinforced check of a medicine over 300 €
    declare(basket_id, DeclarationInput, scan, content_type, ...) -> BasketView
                                                                   « Signaler une fausse ordonnance » (ASAFO)

Both are changes of the basket (locked, counted, audited, analysed again, one transaction). A declaration keeps
the prescription's metadata and its scan (the one given, else the paper scan taken at the counter) and goes to
ASAFO through the outbox; the basket may then not be validated (a fake is not dispensed).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain import bounds
from comptoir.domain.operators import Permission
from comptoir.errors import FieldErrors
from comptoir.national.asafo.wire import DOCUMENT_MAX_BYTES, DOCUMENT_TYPES
from comptoir.services.asafo.report import enqueue_declaration
from comptoir.services.asafo.supply import OUTCOMES
from comptoir.services.dispensing import present
from comptoir.services.dispensing.basket import References, change_basket
from comptoir.services.dispensing.expensive import exempt, expensive_lines, line_label
from comptoir.services.dispensing.filling import Change
from comptoir.services.dispensing.views import BasketView, LineView, basket_ref
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.asafo import AsafoDeclaration, ExpensiveCheck

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ChecklistInput:
    prescriber_verified: bool = False
    original_seen: bool = False
    identity_checked: bool = False
    specialty_coherent: bool = False
    outcome: str = ""
    comment: str = ""


@dataclass(frozen=True, slots=True)
class DeclarationInput:
    authenticated_by_prescriber: bool = False
    """« Fausse ordonnance authentifiée par le prescripteur »: the prescriber, called, confirmed the fake."""
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Scan:
    content: bytes
    content_type: str


# --- the reinforced check of a medicine over 300 € -------------------------------------------------


def record_check(basket_id: int, given: ChecklistInput, *, uow: UnitOfWork, operator: CurrentOperator,
                 now: datetime, reference: References) -> BasketView:
    """A pharmacist's act: the check and its mention, kept with the basket (a new check replaces it)."""
    operator.require(Permission.PHARMACIST_ACT)
    checked = _checked(given)
    return change_basket(basket_id, lambda change: _record(change, checked), uow=uow, operator=operator, now=now,
                         reference=reference)


def _checked(given: ChecklistInput) -> ChecklistInput:
    errors = {}
    if given.outcome not in OUTCOMES:
        errors["outcome"] = "Choisissez la mention : délivrance sécurisée, délivrance temporaire ou refus."
    elif given.outcome == "securisee" and not all((given.prescriber_verified, given.original_seen,
                                                    given.identity_checked, given.specialty_coherent)):
        errors["outcome"] = "Délivrance sécurisée : les quatre vérifications doivent être faites."
    elif given.outcome == "temporaire" and not (given.original_seen and given.identity_checked):
        errors["outcome"] = "Délivrance temporaire : voyez au moins l'original et vérifiez l'identité du patient."
    if len(given.comment) > bounds.NOTE_MAX:
        errors["comment"] = f"Texte trop long : {bounds.NOTE_MAX} caractères au plus."
    if errors:
        raise FieldErrors(errors)
    return given


def _shown_lines(change: Change) -> tuple[LineView, ...]:
    assessment = present.assess(change.uow, change.basket, change.reference, change.now)
    return present.view_of(change.uow, assessment, change.operator, change.reference, change.now.date()).lines


def _record(change: Change, given: ChecklistInput) -> str:
    uow, basket = change.uow, change.basket
    expensive = expensive_lines(_shown_lines(change))
    if not expensive or exempt(basket):
        raise FieldErrors({"outcome": "Aucun médicament de plus de 300 € à contrôler dans ce panier."})
    row = uow.asafo.expensive_check(basket.id)
    if row is None:
        row = ExpensiveCheck(basket_id=basket.id)
        _fill(row, given, expensive, change)
        uow.asafo.add_expensive_check(row)
    else:
        _fill(row, given, expensive, change)
    return f"contrôle renforcé {given.outcome}"


def _fill(row: ExpensiveCheck, given: ChecklistInput, expensive: tuple[LineView, ...], change: Change) -> None:
    row.products = [line_label(line) for line in expensive]
    row.prescriber_verified, row.original_seen = given.prescriber_verified, given.original_seen
    row.identity_checked, row.specialty_coherent = given.identity_checked, given.specialty_coherent
    row.outcome, row.comment = given.outcome, given.comment.strip()
    row.operator_code, row.at = change.operator.code, change.now


# --- « Signaler une fausse ordonnance » ---------------------------------------------------------------


def declare(basket_id: int, given: DeclarationInput, scan: Scan | None, *, uow: UnitOfWork,
            operator: CurrentOperator, now: datetime, reference: References) -> BasketView:
    """The declaration and its outbox message, in the basket's transaction; refused (nothing kept) without a scan,
    with a scan too big or of another kind than JPEG, PNG or PDF, or for a basket already declared."""
    operator.require(Permission.PHARMACIST_ACT)
    if scan is not None:
        _check_scan(scan)
    if len(given.comment) > bounds.NOTE_MAX:
        raise FieldErrors({"comment": f"Texte trop long : {bounds.NOTE_MAX} caractères au plus."})
    return change_basket(basket_id, lambda change: _declare(change, given, scan), uow=uow, operator=operator,
                         now=now, reference=reference)


def _check_scan(scan: Scan) -> None:
    if not scan.content:
        raise FieldErrors({"scan": "Joignez le scan de l'ordonnance suspecte."})
    if len(scan.content) > DOCUMENT_MAX_BYTES:
        raise FieldErrors({"scan": f"Scan trop volumineux : {DOCUMENT_MAX_BYTES // (1024 * 1024)} Mo au plus."})
    if scan.content_type not in DOCUMENT_TYPES:
        raise FieldErrors({"scan": "Scan refusé : format JPEG, PNG ou PDF attendu."})


def _counter_scan(change: Change) -> Scan | None:
    """The paper prescription's scan taken at the counter (F6), while it waits under the basket."""
    documents = change.uow.documents.pending_of(basket_ref(change.basket.id))
    if not documents:
        return None
    found = change.uow.documents.with_content(documents[-1].id)
    return Scan(found.content, found.content_type) if found else None


def _declare(change: Change, given: DeclarationInput, scan: Scan | None) -> str:
    uow, basket = change.uow, change.basket
    if uow.asafo.declarations_of_basket(basket.id):
        raise FieldErrors({"scan": "Cette ordonnance est déjà signalée : voyez « Mes signalements »."})
    scan = scan or _counter_scan(change)
    if scan is None:
        raise FieldErrors({"scan": "Joignez le scan de l'ordonnance suspecte (ou scannez-la d'abord par F6)."})
    _check_scan(scan)
    row = uow.asafo.add_declaration(_declaration(change, given, scan))
    enqueue_declaration(uow, row, change.now)
    return f"signalement ASAFO n° {row.id}" + (" authentifié par le prescripteur"
                                                if given.authenticated_by_prescriber else "")


def _declaration(change: Change, given: DeclarationInput, scan: Scan) -> AsafoDeclaration:
    basket = change.basket
    patient = change.uow.dispensations.patient(basket.patient_id) if basket.patient_id else None
    return AsafoDeclaration(
        key=f"asafo-{uuid.uuid4().hex}", basket_id=basket.id, declared_at=change.now,
        operator_code=change.operator.code, prescriber_rpps=basket.prescriber_rpps,
        prescriber_name=basket.prescriber_name, prescribed_on=basket.prescribed_on,
        patient_id=patient.id if patient else None, patient_nir=patient.nir if patient else None,
        patient_name=f"{patient.last_name} {patient.first_name}" if patient else "",
        products=_products(change), authenticated_by_prescriber=given.authenticated_by_prescriber,
        comment=given.comment.strip(), content_type=scan.content_type, size_bytes=len(scan.content),
        sha256=hashlib.sha256(scan.content).hexdigest(), document=scan.content, status="a_envoyer",
        decision_reason="")


def _products(change: Change) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for line in change.lines():
        product = change.reference.products.get(line.cis or "")
        found.append({"brand": (product.name.split(", ")[0] if product else line.text)[:200], "cip13": line.cip13,
                      "substances": list(product.substance_names)[:10] if product else []})
    if not found:
        raise FieldErrors({"scan": "Panier vide : ajoutez les produits de l'ordonnance suspecte avant de la signaler."})
    return found

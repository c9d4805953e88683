"""The reinforced check of medicines over 300 € (SPEC §11.1; Convention nationale pharmaceutique 2022, procedure in
force since 24 October 2022): when a basket holds a medicine whose unit public price (TTC, the BDPM's price of the
box) is over 300 €, and its prescription is not an ON read from the base (whose authenticity the base proves),
the pharmacist completes a checklist before validation — prescriber verified (RPPS in the Annuaire Santé, phone
call when in ville), original prescription seen, patient identity checked, speciality coherent with the drug —
and writes one of the three mentions: « Délivrance sécurisée », « Délivrance temporaire » (doubt: the smallest
box only, BPD arrêté of 28 Nov 2016), « Refus de délivrance ».

    checklist_of(uow, basket, line views, trust) -> ChecklistView | None   what the counter shows
    blocking(checklist, line views) -> reasons                            what holds the validation
    keep_with(uow, basket_id, dispensation_id, ...)                     at validation
    (the pharmacist's act itself: services/asafo/counter.record_check)

The check is required only by SPEC §11.1's rule — unit price over 300 €, not an ON read from the base, and the
patient or the prescriber unknown to the pharmacy (services/asafo/trust.py; a prescription without an RPPS says
nothing of its prescriber: unknown). A known patient with a known prescriber is offered the checklist on request:
a pharmacist may still fill it, and a « Refus » or « Délivrance temporaire » chosen then still holds.

Choices [U]: a « Délivrance sécurisée » needs the four checks ticked; a « Délivrance temporaire » needs at least
the original seen and the identity checked, and one box per expensive line; a « Refus » holds the validation for
good. The check names the expensive lines it covered: a line added after it asks for the check again. At
validation the check is tied to the dispensation (`keep_with`) and shown in its documents.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from comptoir.services.asafo.supply import CheckDone, ChecklistView
from comptoir.services.asafo.trust import Trust
from comptoir.services.dispensing.views import LineView
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.asafo import ExpensiveCheck
from comptoir.store.counter import Basket

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

EXPENSIVE_EUR = Decimal(300)


def expensive_lines(lines: tuple[LineView, ...]) -> tuple[LineView, ...]:
    return tuple(line for line in lines if (line.price_eur or 0) > EXPENSIVE_EUR)


def line_label(line: LineView) -> str:
    price = f"{line.price_eur or 0:.2f}".replace(".", ",")
    return f"{line.name or line.drug} ({price} € la boîte)"


def exempt(basket: Basket) -> bool:
    """An ON read from the base (its QR code or identifier): authentic, no reinforced check (SPEC §11.1)."""
    return basket.kind == "sans_ordonnance" or (basket.kind == "ordonnance_numerique" and bool(basket.prescription_id))


def required(trust: Trust) -> bool:
    """SPEC §11.1: the patient or the prescriber unknown (None: nothing known of them, hence unknown)."""
    return not (trust.patient_known and trust.prescriber_known)


def checklist_of(uow: UnitOfWork, basket: Basket, lines: tuple[LineView, ...], trust: Trust) -> ChecklistView | None:
    expensive = expensive_lines(lines)
    if not expensive or exempt(basket):
        return None
    row = uow.asafo.expensive_check(basket.id)
    done = done_view(row) if row else None
    labels = tuple(line_label(line) for line in expensive)
    return ChecklistView(labels, done, current=done is not None and set(labels) <= set(done.products),
                         required=required(trust))


def done_view(row: ExpensiveCheck) -> CheckDone:
    return CheckDone(row.prescriber_verified, row.original_seen, row.identity_checked, row.specialty_coherent,
                     row.outcome, row.comment, row.operator_code, row.at, tuple(row.products))


def blocking(checklist: ChecklistView | None, lines: tuple[LineView, ...]) -> tuple[str, ...]:
    if checklist is None:
        return ()
    if not checklist.current or checklist.done is None:
        if not checklist.required:
            return ()
        return ("Contrôle renforcé requis (médicament de plus de 300 €) : complétez la liste de vérification et "
                "choisissez la mention.",)
    if checklist.done.outcome == "refus":
        return ("Refus de délivrance décidé au contrôle renforcé : la délivrance ne peut pas être validée.",)
    if checklist.done.outcome == "temporaire":
        return tuple(f"Ligne {line.position} : délivrance temporaire, une seule boîte (la plus petite)."
                     for line in expensive_lines(lines) if line.boxes > 1)
    return ()


def keep_with(uow: UnitOfWork, basket_id: int, dispensation_id: int, operator: CurrentOperator,
              now: datetime) -> None:
    """At validation: the basket's check becomes the dispensation's (audited)."""
    row = uow.asafo.expensive_check(basket_id)
    if row is None:
        return
    row.dispensation_id = dispensation_id
    audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="dispensation",
          object_id=str(dispensation_id), detail=f"contrôle renforcé {row.outcome} conservé", now=now)


def of_dispensation(uow: UnitOfWork, dispensation_id: int) -> CheckDone | None:
    row = uow.asafo.expensive_check_of_dispensation(dispensation_id)
    return done_view(row) if row else None


def check_of(dispensation_id: int, *, uow: UnitOfWork) -> CheckDone | None:
    """The reinforced check kept with a dispensation, for its documents (whose reading the caller audits)."""
    with uow:
        return of_dispensation(uow, dispensation_id)

"""JSON API of the counter's basket (issue 11): open a basket, fill it by the one input box or a paper
prescription's lines, change or remove a line, decide on an alert, hand it over, validate it; cancel a
dispensation the same day. Each change answers the whole basket analysed (`BasketView`).

Errors: 422 `{"detail": "…", "errors": {field: message}}` in French (and `candidates` when a typed name has
several products, `reasons` when a validation is refused); 409 for a basket changed meanwhile or a line
delivered by another counter. Thin: parse, call one service, render.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import Field

from comptoir.domain import bounds
from comptoir.domain.operators import Permission
from comptoir.errors import FieldErrors
from comptoir.services.dispensing import basket as counter
from comptoir.services.dispensing.cancel import cancel_dispensation
from comptoir.services.dispensing.decisions import decide
from comptoir.services.dispensing.validate import validate
from comptoir.services.dispensing.views import (
    BasketSummary,
    BasketView,
    DecisionInput,
    LineChanges,
    OutboxRef,
    PaperLine,
    PrescriptionInput,
    Validated,
)
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web.bounds import (
    ApiModel,
    ImageBase64,
    Note,
    OptionalBodyRecordId,
    Posology,
    RecordId,
    ScannedText,
    ShortText,
)
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.dispensing.nmvs import NmvsDep
from comptoir.web.eprescription.api import BaseDep

router = APIRouter(prefix="/api", tags=["comptoir"])
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Pharmacist = Annotated[CurrentOperator, Depends(require(Permission.PHARMACIST_ACT))]
BASKET = "/comptoir/paniers/{basket_id}"


class BasketIn(ApiModel):
    kind: Literal["ordonnance_numerique", "ordonnance_papier", "sans_ordonnance"] = "ordonnance_papier"
    patient_id: OptionalBodyRecordId = None


class EntryIn(ApiModel):
    text: ScannedText = Field(min_length=1, description="QR de l'ordonnance numérique ou son identifiant, "
                                                        "DataMatrix d'une boîte, CIP13, CIP7, CIS, nom ou DCI")


class PrescriptionIn(ApiModel):
    prescriber_rpps: str | None = Field(default=None, max_length=20)
    prescriber_name: str = Field(default="", max_length=bounds.NAME_MAX * 2)
    prescribed_on: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2099, 12, 31))
    renewal: int = Field(default=0, ge=0, le=bounds.RENEWALS_MAX)
    prescriber_address: str = Field(default="", max_length=bounds.SHORT_TEXT_MAX,
                                    description="Adresse du prescripteur (ordonnancier)")


class PatientIn(ApiModel):
    patient_id: Annotated[int, Field(ge=1, le=2**31 - 1)]


class PaperLineIn(ApiModel):
    drug: str = Field(min_length=1, max_length=bounds.SHORT_TEXT_MAX)
    posology: Posology = ""
    duration_days: int | None = Field(default=None, ge=1, le=bounds.DURATION_DAYS_MAX)


class PaperIn(ApiModel):
    lines: list[PaperLineIn] = Field(min_length=1, max_length=bounds.LINES_MAX)
    scan_base64: ImageBase64 = Field(default="", description="L'image de l'ordonnance (lue par F6), en base 64")
    content_type: Literal["image/png", "image/jpeg", "application/pdf"] | None = None


class LineIn(ApiModel):
    cip13: str | None = Field(default=None, pattern=r"^\d{13}$")
    boxes: int | None = Field(default=None, ge=1, le=bounds.BOXES_MAX)
    posology: Posology | None = None
    duration_days: int | None = Field(default=None, ge=1, le=bounds.DURATION_DAYS_MAX)
    substitute: bool | None = Field(default=None, description="Vrai : un générique ; faux : le produit prescrit")
    overlap_allowed: bool | None = Field(default=None, description="Chevauchement autorisé par le prescripteur "
                                                                   "(mention expresse sur l'ordonnance, CSP R.5132-33)")


class DecisionIn(ApiModel):
    alert_key: str = Field(min_length=1, max_length=80)
    kind: Literal["intervention", "override"]
    reason: Note = ""
    problem_code: str | None = Field(default=None, max_length=6, description="Problème SFPC, ex. 6.4")
    intervention_code: str | None = Field(default=None, max_length=3, description="Intervention SFPC, ex. 2 (arrêt)")
    outcome: str | None = Field(default=None, max_length=3, description="1 acceptée, 2 non acceptée")


class VersionIn(ApiModel):
    version: int = Field(ge=1, le=2**31 - 1, description="La version du panier affichée au pharmacien")


class CancellationIn(ApiModel):
    reason: ShortText = Field(min_length=1, description="Pourquoi la délivrance est annulée")


class Cancelled(ApiModel):
    dispensation_id: int
    outbox_messages: list[OutboxRef]


@router.post("/comptoir/paniers", status_code=201, response_model=BasketView)
def open_basket(body: BasketIn, runtime: RuntimeDep, uow: UowDep, operator: Reader) -> BasketView:
    """Ouvrir un panier : ordonnance numérique, ordonnance papier ou vente sans ordonnance."""
    return counter.open_basket(body.patient_id, body.kind, uow=uow, operator=operator, now=runtime.clock(),
                               reference=runtime.analysis_reference)


@router.get("/comptoir/paniers", response_model=list[BasketSummary])
def waiting_baskets(runtime: RuntimeDep, uow: UowDep, operator: Reader) -> list[BasketSummary]:
    """Les paniers transmis, en attente d'un pharmacien."""
    return counter.waiting_baskets(uow=uow, operator=operator, now=runtime.clock())


@router.get(BASKET, response_model=BasketView)
def get_basket(basket_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Reader) -> BasketView:
    """Le panier, analysé : lignes, alertes et décisions, ce qui empêche encore de valider."""
    return counter.basket(basket_id, uow=uow, operator=operator, now=runtime.clock(),
                          reference=runtime.analysis_reference)


@router.post(BASKET + "/saisie", response_model=BasketView)
def scan_or_type(basket_id: RecordId, body: EntryIn, runtime: RuntimeDep, uow: UowDep, operator: Reader,
                 base: BaseDep, nmvs: NmvsDep) -> BasketView:
    """Ce que la douchette ou le clavier a saisi : ordonnance numérique, boîte (vérifiée auprès du NMVS), code ou
    nom."""
    return counter.scan_or_type(basket_id, body.text, uow=uow, operator=operator, now=runtime.clock(),
                                reference=runtime.analysis_reference, base=base, nmvs=nmvs)


@router.post(BASKET + "/ordonnance", response_model=BasketView)
def set_prescription(basket_id: RecordId, body: PrescriptionIn, runtime: RuntimeDep, uow: UowDep,
                     operator: Reader) -> BasketView:
    """Le prescripteur et la date d'une ordonnance papier, ou le renouvellement délivré d'une ordonnance numérique."""
    given = PrescriptionInput(body.prescriber_rpps, body.prescriber_name, body.prescribed_on, body.renewal,
                              body.prescriber_address)
    return counter.set_prescription(basket_id, given, uow=uow, operator=operator, now=runtime.clock(),
                                    reference=runtime.analysis_reference)


@router.post(BASKET + "/patient", response_model=BasketView)
def set_patient(basket_id: RecordId, body: PatientIn, runtime: RuntimeDep, uow: UowDep, operator: Reader) -> BasketView:
    """Le patient du panier."""
    return counter.set_patient(basket_id, body.patient_id, uow=uow, operator=operator, now=runtime.clock(),
                               reference=runtime.analysis_reference)


@router.post(BASKET + "/ordonnance-papier", response_model=BasketView)
def add_paper_lines(basket_id: RecordId, body: PaperIn, runtime: RuntimeDep, uow: UowDep,
                    operator: Reader) -> BasketView:
    """Les lignes d'une ordonnance papier lue (F6), après correction, et son image."""
    lines = [PaperLine(x.drug, x.posology, x.duration_days) for x in body.lines]
    return counter.add_paper_lines(basket_id, lines, _scan(body.scan_base64), body.content_type, uow=uow,
                                   operator=operator, now=runtime.clock(), reference=runtime.analysis_reference)


@router.patch(BASKET + "/lignes/{position}", response_model=BasketView)
def update_line(basket_id: RecordId, position: RecordId, body: LineIn, runtime: RuntimeDep, uow: UowDep,
                operator: Reader) -> BasketView:
    """Changer la boîte, le nombre de boîtes, la posologie, la durée, substituer, ou noter le chevauchement autorisé
    par le prescripteur."""
    changes = LineChanges(body.cip13, body.boxes, body.posology, body.duration_days, body.substitute,
                          body.overlap_allowed)
    return counter.update_line(basket_id, position, changes, uow=uow, operator=operator, now=runtime.clock(),
                               reference=runtime.analysis_reference)


@router.delete(BASKET + "/lignes/{position}", response_model=BasketView)
def remove_line(basket_id: RecordId, position: RecordId, runtime: RuntimeDep, uow: UowDep,
                operator: Reader) -> BasketView:
    """Retirer une ligne du panier."""
    return counter.remove_line(basket_id, position, uow=uow, operator=operator, now=runtime.clock(),
                               reference=runtime.analysis_reference)


@router.post(BASKET + "/decisions", response_model=BasketView)
def decide_on_alert(basket_id: RecordId, body: DecisionIn, runtime: RuntimeDep, uow: UowDep,
                    operator: Pharmacist) -> BasketView:
    """Décision du pharmacien sur une alerte : intervention pharmaceutique (SFPC) ou délivrance maintenue."""
    given = DecisionInput(body.kind, body.reason, body.problem_code, body.intervention_code, body.outcome)
    return decide(basket_id, body.alert_key, given, uow=uow, operator=operator, now=runtime.clock(),
                  reference=runtime.analysis_reference)


@router.post(BASKET + "/transmettre", response_model=BasketView)
def hand_over(basket_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Reader) -> BasketView:
    """Transmettre le panier à un pharmacien (préparateur, étudiant)."""
    return counter.hand_over(basket_id, uow=uow, operator=operator, now=runtime.clock(),
                             reference=runtime.analysis_reference)


@router.post(BASKET + "/prendre", response_model=BasketView)
def take_over(basket_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Pharmacist) -> BasketView:
    """Prendre en charge un panier en attente (pharmacien)."""
    return counter.take_over(basket_id, uow=uow, operator=operator, now=runtime.clock(),
                             reference=runtime.analysis_reference)


@router.post(BASKET + "/abandon", response_model=BasketView)
def abandon(basket_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Reader) -> BasketView:
    """Abandonner le panier (rien n'est délivré)."""
    return counter.abandon_basket(basket_id, uow=uow, operator=operator, now=runtime.clock(),
                                  reference=runtime.analysis_reference)


@router.post(BASKET + "/valider", status_code=201, response_model=Validated)
def validate_basket(basket_id: RecordId, body: VersionIn, runtime: RuntimeDep, uow: UowDep,
                    operator: Pharmacist) -> Validated:
    """Valider (pharmacien) : la délivrance, ses lignes, les décisions et les envois nationaux en une transaction."""
    return validate(basket_id, body.version, uow=uow, operator=operator, now=runtime.clock(),
                    reference=runtime.analysis_reference)


@router.post("/delivrances/{dispensation_id}/annulation", response_model=Cancelled)
def cancel(dispensation_id: RecordId, body: CancellationIn, runtime: RuntimeDep, uow: UowDep,
           operator: Pharmacist) -> Cancelled:
    """Annuler une délivrance du jour : les messages compensatoires partent par la file d'envoi."""
    sent = cancel_dispensation(dispensation_id, body.reason, uow=uow, operator=operator, now=runtime.clock())
    return Cancelled(dispensation_id=dispensation_id, outbox_messages=list(sent))


def _scan(encoded: str) -> bytes | None:
    if not encoded:
        return None
    try:
        return base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise FieldErrors({"scan_base64": "Image mal encodée (base 64 attendu)."}) from exc

"""The JSON API of patient identity (INS): check a NIR, the INS panel, INSi search and confirmation,
the document step, DataMatrix, Vitale, identitovigilance. Thin: parse, call one service, render."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from comptoir.devices.vitale.reader import EmulatedVitaleReader
from comptoir.domain.identity.ins import InsIdentity, TraitDifference
from comptoir.domain.identity.nir import check_nir
from comptoir.domain.identity.profile import Profile
from comptoir.domain.identity.status import DocumentOutcome, TrustDocument
from comptoir.domain.identity.vitale import VitaleMedium
from comptoir.domain.operators import Permission
from comptoir.national.http import HttpPolicy
from comptoir.national.ins.client import InsiClient
from comptoir.national.ins.port import InsTeleservice
from comptoir.services.identity import (
    identitovigilance,
    identity_sheet,
    ins_datamatrix,
    patients,
    profile,
    qualify_identity,
)
from comptoir.services.identity.identity_sheet import IdentitySheet
from comptoir.services.identity.vitale_reading import identify_from_app, identify_from_card
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web.bounds import ApiModel, BodyRecordId, Note, PersonName, RecordId, ScannedText, ShortText
from comptoir.web.deps import RuntimeDep, UowDep, require

router = APIRouter(prefix="/api", tags=["identité (INS)"])
READER = EmulatedVitaleReader()


def get_insi(request: Request, runtime: RuntimeDep) -> InsTeleservice:
    """The INSi client of this app (one connection pool), built from the settings on first use."""
    client: InsTeleservice | None = getattr(request.app.state, "insi", None)
    if client is None:
        settings = runtime.settings
        client = InsiClient.at(settings.insi_url, HttpPolicy(timeout_s=settings.insi_timeout_s,
                                                             retries=settings.insi_retries), token=settings.insi_token)
        request.app.state.insi = client
    return client


InsiDep = Annotated[InsTeleservice, Depends(get_insi)]
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
Qualifier = Annotated[CurrentOperator, Depends(require(Permission.QUALIFY_IDENTITY))]
Merger = Annotated[CurrentOperator, Depends(require(Permission.MERGE_PATIENTS))]
VitaleCardId = Annotated[str, Path(min_length=1, max_length=64, description="Carte du lecteur (émulé)")]


class InsOut(BaseModel):
    matricule: str
    oid: str
    birth_name: str
    birth_given_names: str
    first_birth_given_name: str
    birth_date: date
    sex: str
    birth_place: str


class DifferenceOut(BaseModel):
    field: str
    label: str
    ours: str
    theirs: str


class ProposalOut(BaseModel):
    answer_id: int
    outcome: str
    message: str
    method: str
    identity: InsOut | None
    differences: list[DifferenceOut]


def ins_out(identity: InsIdentity) -> InsOut:
    t = identity.traits
    return InsOut(matricule=identity.matricule, oid=identity.oid.value, birth_name=t.birth_name,
                  birth_given_names=t.birth_given_names, first_birth_given_name=t.first_birth_given_name,
                  birth_date=t.birth_date, sex=t.sex, birth_place=t.birth_place)


def _difference(d: TraitDifference) -> DifferenceOut:
    return DifferenceOut(field=d.field, label=d.label, ours=d.ours, theirs=d.theirs)


def proposal_out(p: qualify_identity.InsiProposal) -> ProposalOut:
    return ProposalOut(answer_id=p.answer_id, outcome=p.outcome.value, message=p.message, method=p.method.value,
                       identity=ins_out(p.identity) if p.identity else None,
                       differences=[_difference(d) for d in p.differences])


@router.get("/ins/check")
def check(runtime: RuntimeDep, _: Reader, nir: Annotated[str, Query(min_length=1, max_length=40)]) -> dict[str, object]:
    """Check a NIR or NIA: {valid, reason, sex, birth_year, birth_month, birth_place} (as `comptoir ins check`)."""
    return check_nir(nir, today=runtime.clock().date()).contract()


def identity_out(sheet: IdentitySheet) -> dict[str, object]:
    patient, view, proposal = sheet.patient, sheet.panel, sheet.proposal
    return {
        "patient_id": patient.id, "status": view.status.value, "status_label": view.status.label,
        "attributes": [a.value for a in view.attributes], "collection_method": view.method.value,
        "document": view.document.value if view.document else None,
        "matricule": patient.nir, "oid": patient.nir_oid, "nir_check": view.nir.contract() if view.nir else None,
        "traits": {"birth_name": view.traits.birth_name, "birth_given_names": view.traits.birth_given_names,
                   "first_birth_given_name": view.traits.first_birth_given_name,
                   "birth_date": view.traits.birth_date.isoformat(), "sex": view.traits.sex,
                   "birth_place": view.traits.birth_place, "used_name": patient.last_name,
                   "used_first_name": patient.first_name},
        "sharing_refusal": view.sharing_refusal or None, "ask_for_document": view.ask_for_document,
        "merged_into": patient.merged_into_id,
        "pending_insi": proposal_out(proposal).model_dump(mode="json") if proposal else None,
        "history": [{"at": e.at.isoformat(), "operator": e.operator_code, "kind": e.kind, "reason": e.reason,
                     "status_before": e.status_before, "status_after": e.status_after, "changes": e.changes}
                    for e in sheet.events],
    }


def sheet_out(patient_id: int, uow: UowDep, runtime: RuntimeDep,
              proposal: qualify_identity.InsiProposal | None = None) -> dict[str, object]:
    return identity_out(identity_sheet.sheet_after_change(patient_id, proposal=proposal, uow=uow, now=runtime.clock()))


@router.get("/patients/{patient_id}/identity")
def read_identity(patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Reader) -> dict[str, object]:
    """The INS panel of a patient: status, attributes, traits, matricule check, pending INSi answer, history."""
    return identity_out(identity_sheet.read_identity(patient_id, uow=uow, operator=operator, now=runtime.clock()))


@router.post("/patients/{patient_id}/insi", response_model=ProposalOut)
def search_insi(patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Qualifier,
                insi: InsiDep) -> ProposalOut:
    """Ask the INSi with the record's traits (birth name and first names at least); the answer is kept."""
    return proposal_out(qualify_identity.ask_insi(patient_id, uow=uow, operator=operator, insi=insi,
                                                  now=runtime.clock()))


class AcceptIn(ApiModel):
    answer_id: BodyRecordId


@router.post("/patients/{patient_id}/insi/accept")
def accept_insi(patient_id: RecordId, body: AcceptIn, runtime: RuntimeDep, uow: UowDep,
                operator: Qualifier) -> dict[str, object]:
    """The operator confirms the INSi identity is the patient's: the record takes the INS traits."""
    qualify_identity.accept_insi_identity(patient_id, body.answer_id, uow=uow, operator=operator, now=runtime.clock())
    return sheet_out(patient_id, uow, runtime)


class DocumentIn(ApiModel):
    outcome: DocumentOutcome
    document: TrustDocument | None = None


@router.post("/patients/{patient_id}/document")
def record_document(patient_id: RecordId, body: DocumentIn, runtime: RuntimeDep, uow: UowDep,
                    operator: Qualifier) -> dict[str, object]:
    """The document step: `presentee` (with the document code), `differente`, `aucune`, `refus`."""
    qualify_identity.record_document(patient_id, body.outcome, document=body.document,
                                     prompts=runtime.settings.document_prompts, uow=uow, operator=operator,
                                     now=runtime.clock())
    return sheet_out(patient_id, uow, runtime)


class DataMatrixIn(ApiModel):
    text: str = Field(min_length=1, max_length=400)


@router.post("/patients/{patient_id}/datamatrix", response_model=ProposalOut)
def check_datamatrix(patient_id: RecordId, body: DataMatrixIn, runtime: RuntimeDep, uow: UowDep, operator: Qualifier,
                     insi: InsiDep) -> ProposalOut:
    """An INS DataMatrix scanned from a document, verified by the INSi, to confirm like a search answer."""
    return proposal_out(ins_datamatrix.check_datamatrix(patient_id, body.text, uow=uow, operator=operator, insi=insi,
                                                        now=runtime.clock()))


@router.get("/vitale")
def vitale_cards(_: Qualifier) -> list[dict[str, str]]:
    """The cards in the (emulated) Vitale reader."""
    return [{"card": card, "title": title} for card, title in READER.inserted()]


class IdentifyIn(ApiModel):
    beneficiary: int = Field(default=0, ge=0, le=20)
    medium: VitaleMedium = VitaleMedium.CARD


@router.post("/vitale/{card_id}/identify")
def identify(card_id: VitaleCardId, body: IdentifyIn, runtime: RuntimeDep, uow: UowDep, operator: Qualifier,
             insi: InsiDep) -> dict[str, object]:
    """Read a card (or the app) and identify a beneficiary: find or create the record, then INSi (card) or
    qualified at once (app)."""
    card, now = READER.read(card_id, body.medium), runtime.clock()
    found = (identify_from_app(card, body.beneficiary, uow=uow, operator=operator, now=now)
             if body.medium is VitaleMedium.APP
             else identify_from_card(card, body.beneficiary, uow=uow, operator=operator, insi=insi, now=now))
    return {"created": found.created, "ask_for_document": found.ask_for_document,
            **sheet_out(found.patient.id, uow, runtime, found.proposal)}


@router.post("/identitovigilance/detect")
def detect(runtime: RuntimeDep, uow: UowDep, operator: Qualifier) -> dict[str, int]:
    """Look for probable duplicates and collisions among all records."""
    return {"new_reviews": identitovigilance.detect(uow=uow, operator=operator, now=runtime.clock())}


@router.get("/identitovigilance/reviews")
def reviews(runtime: RuntimeDep, uow: UowDep, operator: Reader) -> list[dict[str, object]]:
    """Pairs awaiting a decision, the most likely first."""
    return [{"id": i.review.id, "finding": i.finding.value, "score": i.review.score, "reasons": i.review.reasons,
             "first": i.first.id, "second": i.second.id}
            for i in identitovigilance.pending(uow=uow, operator=operator, now=runtime.clock())]


class DismissIn(ApiModel):
    note: Note = Field(min_length=1)


@router.post("/identitovigilance/reviews/{review_id}/dismiss", status_code=204)
def dismiss(review_id: RecordId, body: DismissIn, runtime: RuntimeDep, uow: UowDep, operator: Qualifier) -> None:
    """Two different persons: close the pair (homonyms are marked HOMA)."""
    identitovigilance.dismiss(review_id, note=body.note, uow=uow, operator=operator, now=runtime.clock())


class MergeIn(ApiModel):
    keep_id: BodyRecordId
    merge_id: BodyRecordId
    reason: Note = Field(min_length=1)


@router.post("/identitovigilance/merge")
def merge(body: MergeIn, runtime: RuntimeDep, uow: UowDep, operator: Merger) -> dict[str, object]:
    """Merge two records of one person (pharmacists only); both histories are kept."""
    kept = identitovigilance.merge(keep_id=body.keep_id, merge_id=body.merge_id, reason=body.reason, uow=uow,
                                   operator=operator, now=runtime.clock())
    return sheet_out(kept.id, uow, runtime)


@router.get("/identitovigilance/report")
def report(runtime: RuntimeDep, uow: UowDep, operator: Reader) -> dict[str, object]:
    """Counts by status, collection method and attribute; pending reviews; merges."""
    found = identitovigilance.report(uow=uow, operator=operator, now=runtime.clock())
    return {"patients": found.patients, "by_status": {s.value: n for s, n in found.by_status.items()},
            "by_method": found.by_method, "attributes": {a.value: n for a, n in found.attributes.items()},
            "pending_reviews": found.pending_reviews, "findings": found.findings, "merges": found.merges,
            "waiting_for_document": found.waiting_for_document, "qualified_share": round(found.qualified_share, 3)}


class PatientIn(ApiModel):
    last_name: PersonName
    first_name: PersonName
    birth_date: date
    sex: str = Field(pattern="^[FM]$")
    allergies: list[ShortText] = Field(default=[], max_length=50)
    nir: ScannedText | None = Field(default=None, max_length=40)
    birth_name: PersonName | None = None
    birth_given_names: PersonName | None = None
    birth_place: str | None = Field(default=None, max_length=5)


class PatientOut(BaseModel):
    id: int
    last_name: str
    first_name: str
    birth_date: date
    sex: str
    allergies: list[str]


def _patient_out(p: object) -> PatientOut:
    return PatientOut.model_validate(p, from_attributes=True)


@router.get("/patients", response_model=list[PatientOut], tags=["patients"])
def find_patients(runtime: RuntimeDep, uow: UowDep, q: Annotated[str, Query(min_length=2, max_length=100)],
                  operator: Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]) -> list[PatientOut]:
    """Search patients by name (audited)."""
    return [_patient_out(p) for p in patients.find_patients(q, uow=uow, operator=operator, now=runtime.clock())]


@router.get("/patients/{patient_id}", response_model=PatientOut, tags=["patients"])
def read_patient(patient_id: RecordId, runtime: RuntimeDep, uow: UowDep,
                 operator: Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]) -> PatientOut:
    """One patient record (audited)."""
    return _patient_out(patients.read_patient(patient_id, uow=uow, operator=operator, now=runtime.clock()))


@router.post("/patients", response_model=PatientOut, status_code=201, tags=["patients"])
def create_patient(body: PatientIn, runtime: RuntimeDep, uow: UowDep,
                   operator: Annotated[CurrentOperator, Depends(require(Permission.WRITE_PATIENTS))]) -> PatientOut:
    """Create a patient record (audited): a provisional identity; a typed NIR must be valid and agree with it."""
    new = patients.NewPatient(body.last_name, body.first_name, body.birth_date, body.sex, nir=body.nir,
                              allergies=tuple(body.allergies), birth_name=body.birth_name,
                              birth_given_names=body.birth_given_names, birth_place=body.birth_place)
    return _patient_out(patients.create_patient(new, uow=uow, operator=operator, now=runtime.clock()))


class ProfileIn(ApiModel):
    """The fields to change; one left out stays as it is, `null` (or "") empties it. Numbers may be JSON numbers
    or texts typed the French way ("52,5")."""

    allergies: list[ShortText] | None = Field(default=None, max_length=50, description="Allergies, une par élément")
    pregnant: bool | None = Field(default=None, description="Enceinte")
    pregnancy_weeks: int | str | None = Field(default=None, description="Terme aujourd'hui, en semaines "
                                              "d'aménorrhée (SA) : 23, ou \"23+4\" avec les jours")
    breastfeeding: bool | None = Field(default=None, description="Allaitement")
    weight_kg: float | str | None = Field(default=None, description="Poids en kg (plus de 0, 350 au plus)")
    egfr: float | str | None = Field(default=None, description="DFG en ml/min/1,73 m² (de 1 à 200)")
    egfr_on: date | None = Field(default=None, description="Date du dosage du DFG (pas dans le futur)")


class ProfileOut(BaseModel):
    patient_id: int
    allergies: list[str]
    pregnant: bool
    pregnancy_weeks: int | None = Field(description="Terme aujourd'hui (SA), compté depuis le premier jour "
                                                    "d'aménorrhée")
    amenorrhoea_start: date | None
    breastfeeding: bool
    weight_kg: float | None
    weight_on: date | None = Field(description="Jour où le poids a été noté")
    egfr: float | None
    egfr_on: date | None = Field(description="Jour du dosage")


def _typed(body: ProfileIn) -> dict[str, str]:
    """The given fields as the form would send them: the use case reads both alike."""
    given = body.model_dump(exclude_unset=True)
    typed = {name: "" if value is None else str(value) for name, value in given.items()}
    for flag in ("pregnant", "breastfeeding"):
        if flag in given:
            typed[flag] = "on" if given[flag] else ""
    if "allergies" in given:
        typed["allergies"] = "\n".join(given["allergies"] or [])
    return typed


def profile_out(patient_id: int, p: Profile, today: date) -> ProfileOut:
    return ProfileOut(patient_id=patient_id, allergies=list(p.allergies), pregnant=p.pregnant,
                      pregnancy_weeks=None if p.term_overdue(today) else p.pregnancy_weeks(today),
                      amenorrhoea_start=p.amenorrhoea_start, breastfeeding=p.breastfeeding,
                      weight_kg=float(p.weight_kg) if p.weight_kg is not None else None, weight_on=p.weight_on,
                      egfr=float(p.egfr) if p.egfr is not None else None, egfr_on=p.egfr_on)


REFUSED_FIELDS: dict[int | str, dict[str, Any]] = {
    422: {"description": "Champs refusés, rien n'est modifié : `detail` donne un message en français par champ "
                         "(`loc` : [\"body\", champ], `msg`)."},
    404: {"description": "Aucun patient de ce numéro."}}


@router.get("/patients/{patient_id}/profile", response_model=ProfileOut, tags=["patients"],
            responses={404: REFUSED_FIELDS[404]})
def read_profile(patient_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Reader) -> ProfileOut:
    """The patient's profile: allergies, pregnancy and its term today, breastfeeding, weight, eGFR (audited)."""
    now = runtime.clock()
    return profile_out(patient_id, profile.patient_profile(patient_id, uow=uow, operator=operator, now=now),
                       now.date())


@router.patch("/patients/{patient_id}/profile", response_model=ProfileOut, tags=["patients"],
              responses=REFUSED_FIELDS)
def patch_profile(patient_id: RecordId, body: ProfileIn, runtime: RuntimeDep, uow: UowDep,
                  operator: Annotated[CurrentOperator, Depends(require(Permission.WRITE_PATIENTS))]) -> ProfileOut:
    """Change the patient's profile (audited): only the fields given. Implausible values are refused, each with
    its French message (weight 0 or over 350 kg, eGFR outside 1-200, term outside 1-42 SA or on a man, eGFR
    measured in the future); then nothing changes."""
    now = runtime.clock()
    record = profile.patch_profile(patient_id, _typed(body), uow=uow, operator=operator, now=now)
    return profile_out(patient_id, profile.profile_of(record), now.date())

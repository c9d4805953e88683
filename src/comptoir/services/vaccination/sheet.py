"""What the vaccination page shows: the patient, the vaccines the pharmacist may give him today (and why not the
others), the pack just scanned, and his vaccinations — recorded here, and read in his DMP (notes de vaccination
87273-9 and historiques 11369-6, SPEC §5.1). A DMP that is down or an identity not qualified leaves our records
only, with a French notice. Every reading is audited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from comptoir.domain.operators import Permission
from comptoir.domain.vaccination.act import DEFAULT_SITE, Route
from comptoir.domain.vaccination.rules import PHARMACIST_KINDS, age_on, eligibility, vaccine_refusal
from comptoir.domain.vaccination.vaccines import VaccineKind
from comptoir.errors import FieldErrors, RuleViolation
from comptoir.national.dmp.port import Dmp, DocumentEntry
from comptoir.services.dispensing.printing import local
from comptoir.services.dmp.reading import patient_dmp
from comptoir.services.identity.patients import actor_of
from comptoir.services.platform.audit_log import audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.vaccination.note import KIND, Audience
from comptoir.services.vaccination.pack import typed_pack, vaccine_of
from comptoir.services.vaccination.record import YES, patient_record, person_of, question_field
from comptoir.store import models as m
from comptoir.store.vaccination import Vaccination

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

DMP_TYPE_CODES = ("87273-9", "11369-6")
"""Note de vaccination, historique des vaccinations (SPEC §5.1)."""


@dataclass(frozen=True, slots=True)
class VaccineOption:
    kind: VaccineKind
    allowed: bool
    reason: str

    @property
    def label(self) -> str:
        return self.kind.label


@dataclass(frozen=True, slots=True)
class HistoryLine:
    given_on: date
    vaccine: str
    lot: str
    source: str
    """« Pharmacie » (our records) or « DMP »."""
    by: str
    vaccination_id: int | None = None
    """Ours: the certificate can be printed again."""


@dataclass(frozen=True, slots=True)
class VaccinationSheet:
    patient_id: int
    name: str
    birth_date: date
    age: int
    options: tuple[VaccineOption, ...]
    history: tuple[HistoryLine, ...]
    """Newest first: ours and the DMP's."""
    dmp_notice: str = ""
    defaults: dict[str, str] = field(default_factory=dict)
    """What the form shows the first time."""


@dataclass(frozen=True, slots=True)
class ScannedPack:
    values: dict[str, str]
    """cip13, lot, expiry as the form takes them."""
    name: str
    kind: str
    refusal: str
    """Why this vaccine is not for this patient today ("" when it is)."""


def vaccination_sheet(patient_id: int, form: Mapping[str, str] | None = None, *, uow: UnitOfWork,
                      operator: CurrentOperator, dmp: Dmp | None, now: datetime) -> VaccinationSheet:
    """The page's content (`form`: what was typed, for the eligibility of the risk groups ticked)."""
    operator.require(Permission.PHARMACIST_ACT)
    today = local(now).date()
    with uow:
        patient = patient_record(uow, patient_id)
        person = person_of(patient, form or {})
        options = tuple(VaccineOption(kind, found.allowed, found.reason)
                        for kind in PHARMACIST_KINDS for found in (eligibility(kind, person, today),))
        ours = tuple(_ours(row) for row in uow.vaccinations.of_patient(patient_id))
        shared = {d.document_id for d in uow.sharing.of_patient(patient_id) if d.kind == KIND}
        audit(uow, actor_of(operator), action="read", object_type="vaccination_history", object_id=str(patient_id),
              detail=f"{len(ours)} vaccination(s) de la pharmacie", now=now)
        sheet = VaccinationSheet(patient.id, f"{patient.last_name} {patient.first_name}", patient.birth_date,
                                 age_on(patient.birth_date, today), options, ours, defaults=first_values(patient))
        uow.commit()
    entries, notice = _from_dmp(patient_id, shared, uow=uow, operator=operator, dmp=dmp, now=now)
    history = tuple(sorted(ours + entries, key=lambda line: line.given_on, reverse=True))
    return replace(sheet, history=history, dmp_notice=notice)


def first_values(patient: m.Patient) -> dict[str, str]:
    """The counter's defaults: IM in the deltoid, first dose, the note visible to all; « oui » already ticked for
    a pregnancy the patient's profile records."""
    values = {"route": Route.INTRAMUSCULAR.value, "site": DEFAULT_SITE, "dose": "1",
              "audience": Audience.EVERYONE.value}
    if patient.pregnant:
        values[question_field("pregnancy")] = YES
    return values


def _ours(row: Vaccination) -> HistoryLine:
    return HistoryLine(local(row.given_at).date(), row.product_name, row.lot, "Pharmacie", row.pharmacist_name,
                       row.id)


def _from_dmp(patient_id: int, ours: set[str], *, uow: UnitOfWork, operator: CurrentOperator, dmp: Dmp | None,
              now: datetime) -> tuple[tuple[HistoryLine, ...], str]:
    """The vaccination documents of the patient's DMP, but the notes this pharmacy sent (already listed)."""
    if dmp is None:
        return (), "DMP non consulté (service non configuré) : vaccinations enregistrées à la pharmacie seulement."
    read = patient_dmp(patient_id, uow=uow, operator=operator, dmp=dmp, now=now)
    if read.problem:
        return (), f"{read.problem} Vaccinations enregistrées à la pharmacie seulement."
    return tuple(_from_entry(e) for e in read.entries
                 if e.type_code in DMP_TYPE_CODES and e.unique_id not in ours), ""


def _from_entry(entry: DocumentEntry) -> HistoryLine:
    when = entry.service_start or entry.creation_time
    return HistoryLine(local(when).date(), entry.title or entry.type_label, "", "DMP", entry.author_name)


def scanned_pack(patient_id: int, form: Mapping[str, str], *, uow: UnitOfWork, operator: CurrentOperator,
                 now: datetime) -> ScannedPack:
    """The pack the scanner just read (`code`), for the form; `FieldErrors` on `code` when it cannot be used."""
    operator.require(Permission.PHARMACIST_ACT)
    with uow:
        patient = patient_record(uow, patient_id)
        try:
            typed = typed_pack({"code": form.get("code", "")} if form.get("code", "").strip() else form)
            vaccine = vaccine_of(typed.cip13, uow=uow)
        except RuleViolation as refused:
            raise FieldErrors({"code": str(refused)}) from refused
        refusal = vaccine_refusal(vaccine, person_of(patient, form), local(now).date())
        audit(uow, actor_of(operator), action="read", object_type="patient", object_id=str(patient_id),
              detail=f"vaccination : vaccin scanné {vaccine.cip13} ({'refusé' if refusal else 'possible'})", now=now)
        uow.commit()
    return ScannedPack(typed.values(), vaccine.name, vaccine.kind.label, refusal)

"""The DMP's feeding by the dispensations (issue 12): a validated dispensation becomes an eDISP-MED
(SPEC §5.1 typeCode 60593-1) put in the patient's DMP through the outbox; a cancelled one is deleted from it by
its author. Registered in the dispensations' fan-out (services/dispensing/fanout.py), so it runs inside the
validation's (or the cancellation's) unit of work.

Nothing is sent for a dispensation with no patient, nor for a patient who opposed the feeding of his DMP (a
choice recorded locally at the counter, `set_opposition`; the document is then only recorded, « opposition »).

[U] The eDISP-MED describes the act as dispensed: each line's product as the drug reference names it (name, CIS,
form, units per box), its boxes, posology, substitution; the ordonnance numérique and its prescriber when the act
executes one (the ON base's answer kept at the scan). A paper prescription carries no id nor issue date in the
dispensation, so none is written (the lines stay the act).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from comptoir.cda import model
from comptoir.cda.dispensation import build_dispensation
from comptoir.domain.dispensing.packs import parse_pack
from comptoir.domain.operators import Permission
from comptoir.errors import NotFound
from comptoir.national.eprescription import mapping, wire
from comptoir.services.dmp import sharing
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation, DispensedLine
from comptoir.store.outbox import OutboxMessage
from comptoir.store.sharing import SharedDocument

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

KIND = "dispensation"
BuildDispensation = Callable[[model.Dispensation], bytes]


class DispensationAct(Protocol):
    """What the fan-out tells (services/dispensing/fanout.DispensationAct; named here, the fan-out imports us)."""

    @property
    def dispensation(self) -> Dispensation: ...

    @property
    def lines(self) -> tuple[DispensedLine, ...]: ...

    @property
    def patient(self) -> m.Patient | None: ...

    @property
    def operator(self) -> CurrentOperator: ...

    @property
    def now(self) -> datetime: ...


def source_ref(dispensation_id: int) -> str:
    return f"{KIND}:{dispensation_id}"


class DmpFeed:
    """The fan-out's handler: `dmp.document` when a dispensation is validated, `dmp.suppression` when cancelled."""

    name = "dmp"

    def __init__(self, build: BuildDispensation = build_dispensation) -> None:
        self.build = build

    def validated(self, uow: UnitOfWork, act: DispensationAct) -> list[OutboxMessage]:
        patient = act.patient
        if patient is None or not act.lines:
            return []
        row = act.dispensation
        _, message = sharing.share_enqueued(
            uow, patient=patient, kind=KIND, build=self.builder(uow, row, act.lines), title=title(row),
            visibility=(), operator=act.operator, now=act.now, source_ref=source_ref(row.id), act_at=row.dispensed_at)
        return [message] if message is not None else []

    def cancelled(self, uow: UnitOfWork, act: DispensationAct, reason: str) -> list[OutboxMessage]:
        return sharing.withdraw(uow, source_ref(act.dispensation.id), now=act.now)

    def builder(self, uow: UnitOfWork, row: Dispensation, lines: tuple[DispensedLine, ...]) -> sharing.Build:
        """What turns a header into this dispensation's eDISP-MED."""
        content = tuple(dispensed_line(uow, line) for line in lines)
        prescription = prescription_of(uow, row)

        def build(header: model.Header) -> bytes:
            return self.build(model.Dispensation(header=header, lines=content, prescription=prescription,
                                                 dispensation_id=str(row.id)))
        return build

    def rebuild(self, uow: UnitOfWork, record: SharedDocument) -> sharing.Build:
        """The document of a dispensation recorded before its patient's identity was qualified."""
        dispensation_id = int(record.source_ref.removeprefix(f"{KIND}:"))
        row = uow.dispensations.by_id(dispensation_id)
        if row is None:
            raise NotFound(f"Dispensation n° {dispensation_id} introuvable.")
        lines = uow.dispensations.lines_of([dispensation_id]).get(dispensation_id, [])
        return self.builder(uow, row, tuple(lines))


def title(row: Dispensation) -> str:
    return f"Dispensation du {row.dispensed_at:%d/%m/%Y}"


def dispensed_line(uow: UnitOfWork, line: DispensedLine) -> model.DispensedLine:
    note = ""
    if line.intervention:
        note = line.intervention.get("comment", "")
    return model.DispensedLine(product=product(uow, line), boxes=line.boxes, posology=line.posology,
                               substituted=bool(line.substitution), prescription_line=line.prescription_line,
                               note=note, expiry=line.expiry, lot=line.lot or "")


def product(uow: UnitOfWork, line: DispensedLine) -> model.Product:
    """The pack as the drug reference names it; the line's own words when the reference does not know it."""
    specialty = uow.reference.specialty(line.cis) if line.cis else None
    presentation = next((p for p in uow.reference.presentations_of(line.cis) if p.cip13 == line.cip13),
                        None) if line.cis else None
    contents = parse_pack(presentation.label) if presentation else None
    counted = contents.counted if contents else None
    unit = counted[1] if counted else (contents.unit or contents.container or "") if contents else ""
    return model.Product(cip13=line.cip13 or "", name=specialty.name if specialty else line.drug,
                         cis=line.cis or "", form=specialty.form if specialty else "",
                         units_per_box=counted[0] if counted else None, unit=unit)


def prescription_of(uow: UnitOfWork, row: Dispensation) -> model.Prescription | None:
    """The ordonnance numérique executed, as the base described it when scanned; None for any other act."""
    if not row.prescription_id:
        return None
    record = uow.eprescriptions.consulted(row.prescription_id)
    if record is None:
        return None
    on = mapping.prescription(wire.Ordonnance.model_validate(record.snapshot))
    prescriber = model.Professional(rpps=on.prescriber.rpps, last_name=on.prescriber.last_name,
                                    first_name=on.prescriber.first_name, role="medecin")
    return model.Prescription(id=on.id, issued_on=on.issued_on, prescriber=prescriber)


def set_opposition(patient_id: int, opposed_: bool, *, uow: UnitOfWork, operator: CurrentOperator,
                   now: datetime) -> bool:
    """Record the patient's opposition to the feeding of his DMP by the pharmacy (or its withdrawal)."""
    operator.require(Permission.WRITE_PATIENTS)
    with uow:
        if uow.patients.by_id(patient_id) is None:
            raise NotFound("Patient introuvable.")
        uow.sharing.set_choice(patient_id, opposed=opposed_, at=now, by=operator.code)
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="patient",
              object_id=str(patient_id), detail=f"opposition alimentation DMP={'oui' if opposed_ else 'non'}",
              now=now)
        uow.commit()
    return opposed_


def is_opposed(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator) -> bool:
    operator.require(Permission.READ_PATIENTS)
    with uow:
        return sharing.opposed(uow, patient_id)


FEED = DmpFeed()
sharing.register_rebuilder(KIND, FEED.rebuild)

"""Identitovigilance: find probable duplicates and collisions, review them, merge, report.

Detection writes review items only; a person decides. Dismissing homonyms marks both records
"homonyme avéré" (HOMA). A merge keeps both records and their identity histories: the merged one points
to the kept one and is left out of searches; nothing is deleted. What the pharmacy did for the person
follows the kept record, so that the counter's analysis, its narcotics' overlap and its history see it all:
the dispensations and the pharmacist's decisions, the baskets, the ordonnancier's entries (their names and
addresses as written), the ONs consulted and issued, the consents (per kind, the more recent). The profile
joins (domain/identity/profile.merged_profile): allergies add up, the most recently dated weight and eGFR win.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain.identity.duplicates import Finding, IdentityRecord, suspicions
from comptoir.domain.identity.profile import merged_profile
from comptoir.domain.identity.status import IdentityAttribute, IdentityStatus
from comptoir.domain.operators import Permission
from comptoir.errors import Conflict, NotFound, RuleViolation
from comptoir.services.identity.history import change_identity
from comptoir.services.identity.patient_identity import load_for_change, status_of, used_names
from comptoir.services.identity.patients import actor_of
from comptoir.services.identity.profile import FIELD_LABELS, apply_profile, profile_of
from comptoir.services.platform.audit_log import audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

PENDING, DISMISSED, MERGED = "a_revoir", "ecarte", "fusionne"
_RANK = {s: i for i, s in enumerate(IdentityStatus)}


def _record(patient: m.Patient) -> IdentityRecord:
    return IdentityRecord(patient.id, used_names(patient), patient.birth_given_names or patient.first_name,
                          patient.birth_date, patient.sex, patient.birth_place or "", patient.nir or "")


def detect(*, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> int:
    """Compare every active record; returns how many new pairs await review."""
    operator.require(Permission.QUALIFY_IDENTITY)
    with uow:
        added = _add_new_suspicions(uow, now)
        audit(uow, actor_of(operator), action="read", object_type="identitovigilance", object_id="detection",
              detail=f"{added} nouvelle(s) paire(s) à revoir", now=now)
        uow.commit()
    return added


def _add_new_suspicions(uow: UnitOfWork, now: datetime) -> int:
    active = uow.patients.active()
    known = uow.identitovigilance.known_pairs()
    added = 0
    for found in suspicions(_record(p) for p in active):
        if (found.first_id, found.second_id) not in known:
            uow.identitovigilance.add_review(m.DuplicateReview(
                finding=found.finding.value, first_patient_id=found.first_id, second_patient_id=found.second_id,
                score=found.score, reasons=list(found.reasons), state=PENDING, detected_at=now, note=""))
            added += 1
    return added


@dataclass(frozen=True, slots=True)
class ReviewItem:
    review: m.DuplicateReview
    first: m.Patient
    second: m.Patient

    @property
    def finding(self) -> Finding:
        return Finding(self.review.finding)


def pending(*, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> list[ReviewItem]:
    """The pairs awaiting a decision, the most likely first (the records shown are audited)."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        items = [_item(uow, r) for r in uow.identitovigilance.in_state(PENDING)]
        shown = ",".join(f"{i.first.id}/{i.second.id}" for i in items)
        audit(uow, actor_of(operator), action="read", object_type="identitovigilance", object_id="revue",
              detail=f"{len(items)} paire(s) : {shown}"[:500], now=now)
        uow.commit()
    return items


def _item(uow: UnitOfWork, row: m.DuplicateReview) -> ReviewItem:
    return ReviewItem(row, uow.patients.one(row.first_patient_id), uow.patients.one(row.second_patient_id))


def review(review_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> ReviewItem:
    """One pair, both records audited as read."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        row = _review_row(uow, review_id)
        for patient_id in (row.first_patient_id, row.second_patient_id):
            audit(uow, actor_of(operator), action="read", object_type="patient", object_id=str(patient_id),
                  detail=f"revue identitovigilance n° {review_id}", now=now)
        item = _item(uow, row)
        uow.commit()
    return item


def _review_row(uow: UnitOfWork, review_id: int) -> m.DuplicateReview:
    row = uow.identitovigilance.review(review_id)
    if row is None:
        raise NotFound(f"Aucune paire à revoir n° {review_id}.")
    return row


def dismiss(review_id: int, *, note: str, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> None:
    """Two different persons: the pair is closed; homonyms are marked so on both records."""
    operator.require(Permission.QUALIFY_IDENTITY)
    with uow:
        item = _open_item(uow, review_id)
        if not note.strip():
            raise RuleViolation("Indiquez pourquoi ce ne sont pas les mêmes personnes.")
        if item.finding is Finding.HOMONYM:
            for patient in (item.first, item.second):
                _add_attribute(uow, operator, patient, IdentityAttribute.HOMONYM, note, now)
        _close(item.review, DISMISSED, operator, note, now)
        uow.commit()


def _open_item(uow: UnitOfWork, review_id: int) -> ReviewItem:
    row = _review_row(uow, review_id)
    if row.state != PENDING:
        raise Conflict("Cette paire a déjà été traitée.")
    return ReviewItem(row, load_for_change(uow, row.first_patient_id), load_for_change(uow, row.second_patient_id))


def _close(row: m.DuplicateReview, state: str, operator: CurrentOperator, note: str, now: datetime) -> None:
    row.state, row.decided_at, row.decided_by, row.note = state, now, operator.code, note.strip()


def _add_attribute(uow: UnitOfWork, operator: CurrentOperator, patient: m.Patient, attribute: IdentityAttribute,
                   reason: str, now: datetime) -> None:
    if attribute.value not in patient.identity_attributes:
        change_identity(uow, patient, actor_of(operator), kind="attribut", reason=reason.strip(),
                        values={"identity_attributes": [*patient.identity_attributes, attribute.value]}, now=now)


def merge(*, keep_id: int, merge_id: int, reason: str, uow: UnitOfWork, operator: CurrentOperator,
          now: datetime) -> m.Patient:
    """Make two records of one person one: the kept record takes the better identity; the other stays, merged."""
    operator.require(Permission.MERGE_PATIENTS)
    if keep_id == merge_id or not reason.strip():
        raise RuleViolation("Choisissez deux dossiers différents et indiquez le motif de la fusion.")
    with uow:
        kept, merged = load_for_change(uow, keep_id), load_for_change(uow, merge_id)
        if kept.nir and merged.nir and kept.nir != merged.nir:
            raise Conflict("Les deux dossiers portent des matricules INS différents : ce sont deux personnes "
                           "(homonymes), pas un doublon.")
        _merge(uow, operator, kept, merged, reason, now)
        uow.commit()
    return kept


def _merge(uow: UnitOfWork, operator: CurrentOperator, kept: m.Patient, merged: m.Patient, reason: str,
           now: datetime) -> None:
    snapshot = _snapshot(merged)
    actor = actor_of(operator)
    change_identity(uow, merged, actor, kind="fusion", reason=f"fusionné dans le dossier n° {kept.id} : {reason}",
                    values={"merged_into_id": kept.id,
                            "identity_attributes": [*merged.identity_attributes, IdentityAttribute.DUPLICATE.value]},
                    now=now)
    change_identity(uow, kept, actor, kind="fusion", reason=f"dossier n° {merged.id} fusionné ici : {reason}",
                    values=_kept_values(kept, snapshot), now=now)
    _join_profiles(uow, operator, kept, merged, now)
    moved = _move_records(uow, merged.id, kept.id)
    audit(uow, actor, action="write", object_type="patient", object_id=str(kept.id),
          detail=f"fusion du dossier n° {merged.id} : " + ", ".join(f"{n} {_MOVED[k]}" for k, n in moved.items()),
          now=now)
    uow.identitovigilance.add_merge(m.PatientMerge(kept_id=kept.id, merged_id=merged.id, at=now,
                                                   operator_code=operator.code, reason=reason.strip(),
                                                   merged_snapshot=snapshot | {"moved": moved}))
    _close_reviews(uow, kept.id, merged.id, operator, reason, now)


def _snapshot(patient: m.Patient) -> dict[str, object]:
    fields = ("last_name", "first_name", "birth_date", "sex", "nir", "nir_oid", "birth_name", "birth_given_names",
              "birth_place", "identity_status", "identity_attributes", "collection_method", "trust_document",
              "allergies")
    return {f: (v.isoformat() if hasattr(v, "isoformat") else v) for f in fields for v in [getattr(patient, f)]}


def _kept_values(kept: m.Patient, merged: dict[str, object]) -> dict[str, object]:
    """The INS identity of the merged record wins only if it is the more trusted one."""
    values: dict[str, object] = {}
    if _RANK[IdentityStatus(str(merged["identity_status"]))] > _RANK[status_of(kept)] and merged["nir"]:
        for f in ("nir", "nir_oid", "birth_name", "birth_given_names", "birth_place", "identity_status",
                  "collection_method", "trust_document"):
            values[f] = merged[f]
    return values


def _join_profiles(uow: UnitOfWork, operator: CurrentOperator, kept: m.Patient, merged: m.Patient,
                   now: datetime) -> None:
    """The kept record takes the joined profile; the audit names the parts that changed, never their values."""
    changed = apply_profile(kept, merged_profile(profile_of(kept), profile_of(merged)))
    if changed:
        audit(uow, actor_of(operator), action="write", object_type="patient_profile", object_id=str(kept.id),
              detail=f"fusion du dossier n° {merged.id} : " + ", ".join(FIELD_LABELS[name] for name in changed),
              now=now)


_MOVED = {"dispensations": "délivrance(s)", "baskets": "panier(s)", "register_entries": "entrée(s) d'ordonnancier",
          "consulted_prescriptions": "ordonnance(s) numérique(s) consultée(s)",
          "issued_prescriptions": "ordonnance(s) numérique(s) émise(s)", "consents": "consentement(s)",
          "dmp_documents": "document(s) pour le DMP"}


def _move_records(uow: UnitOfWork, from_id: int, to_id: int) -> dict[str, int]:
    """The merged record's history linked to the kept record; how many of each went."""
    return {"dispensations": uow.dispensations.move_patient(from_id, to_id),
            "baskets": uow.baskets.move_patient(from_id, to_id),
            "register_entries": uow.registers.move_patient(from_id, to_id),
            "consulted_prescriptions": uow.eprescriptions.move_patient(from_id, to_id),
            "issued_prescriptions": uow.prescribers.move_issued(from_id, to_id),
            "consents": _move_consents(uow, from_id, to_id),
            "dmp_documents": uow.sharing.move_patient(from_id, to_id)}


def _move_consents(uow: UnitOfWork, from_id: int, to_id: int) -> int:
    """Each consent the kept record lacks goes to it; where both have one, the more recent decision stands."""
    moved = 0
    for consent in uow.prescribers.consents_of(from_id):
        own = uow.prescribers.consent(to_id, consent.kind)
        if own is None:
            consent.patient_id = to_id
        elif consent.at > own.at:
            own.granted, own.at, own.operator_code = consent.granted, consent.at, consent.operator_code
        else:
            continue
        moved += 1
    return moved


def _close_reviews(uow: UnitOfWork, a: int, b: int, operator: CurrentOperator, note: str, now: datetime) -> None:
    for row in uow.identitovigilance.reviews_of_pair(min(a, b), max(a, b)):
        if row.state == PENDING:
            _close(row, MERGED, operator, note, now)


@dataclass(frozen=True, slots=True)
class IdentityReport:
    patients: int
    by_status: dict[IdentityStatus, int]
    by_method: dict[str, int]
    attributes: dict[IdentityAttribute, int]
    pending_reviews: int
    merges: int
    waiting_for_document: int
    findings: dict[str, int] = field(default_factory=dict)

    @property
    def qualified_share(self) -> float:
        return self.by_status.get(IdentityStatus.QUALIFIED, 0) / self.patients if self.patients else 0.0


def report(*, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> IdentityReport:
    """Counts for the identitovigilance referent: statuses, methods, attributes, reviews, merges."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        active = list(uow.patients.active())
        reviews = Counter(uow.identitovigilance.findings_in_state(PENDING))
        audit(uow, actor_of(operator), action="read", object_type="identitovigilance", object_id="rapport",
              detail=f"{len(active)} dossiers comptés", now=now)
        counted = _report(active, reviews, merges=uow.identitovigilance.merge_count())
        uow.commit()
    return counted


def _report(active: list[m.Patient], reviews: Counter[str], *, merges: int) -> IdentityReport:
    return IdentityReport(
        patients=len(active), by_status={s: sum(p.identity_status == s.value for p in active) for s in IdentityStatus},
        by_method=dict(Counter(p.collection_method for p in active)),
        attributes=dict(Counter(IdentityAttribute(a) for p in active for a in p.identity_attributes)),
        pending_reviews=sum(reviews.values()), findings=dict(reviews), merges=merges,
        waiting_for_document=sum(p.document_prompts_left > 0 for p in active))

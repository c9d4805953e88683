"""Identitovigilance: find probable duplicates and collisions, review them, merge, report.

Detection writes review items only; a person decides. Dismissing homonyms marks both records
"homonyme avéré" (HOMA). A merge keeps both records and their histories: the merged one points
to the kept one and is left out of searches; nothing is deleted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from comptoir.domain.identity.duplicates import Finding, IdentityRecord, suspicions
from comptoir.domain.identity.status import IdentityAttribute, IdentityStatus
from comptoir.domain.operators import Permission
from comptoir.errors import Conflict, NotFound, RuleViolation
from comptoir.services.identity.history import change_identity
from comptoir.services.identity.patient_identity import load_for_change, status_of, used_names
from comptoir.services.identity.patients import actor_of
from comptoir.services.platform.audit_log import record_access
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m

PENDING, DISMISSED, MERGED = "a_revoir", "ecarte", "fusionne"
_RANK = {s: i for i, s in enumerate(IdentityStatus)}


def _record(patient: m.Patient) -> IdentityRecord:
    return IdentityRecord(patient.id, used_names(patient), patient.birth_given_names or patient.first_name,
                          patient.birth_date, patient.sex, patient.birth_place or "", patient.nir or "")


def detect(session: Session, operator: CurrentOperator, *, now: datetime) -> int:
    """Compare every active record; returns how many new pairs await review."""
    operator.require(Permission.QUALIFY_IDENTITY)
    active = session.scalars(select(m.Patient).where(m.Patient.merged_into_id.is_(None)))
    known = set(session.execute(select(m.DuplicateReview.first_patient_id, m.DuplicateReview.second_patient_id)))
    added = 0
    for found in suspicions(_record(p) for p in active):
        if (found.first_id, found.second_id) not in known:
            session.add(m.DuplicateReview(finding=found.finding.value, first_patient_id=found.first_id,
                                          second_patient_id=found.second_id, score=found.score,
                                          reasons=list(found.reasons), state=PENDING, detected_at=now, note=""))
            added += 1
    record_access(session, actor_of(operator), action="read", object_type="identitovigilance",
                  object_id="detection", detail=f"{added} nouvelle(s) paire(s) à revoir", now=now)
    return added


@dataclass(frozen=True, slots=True)
class ReviewItem:
    review: m.DuplicateReview
    first: m.Patient
    second: m.Patient

    @property
    def finding(self) -> Finding:
        return Finding(self.review.finding)


def pending(session: Session, operator: CurrentOperator, *, now: datetime) -> list[ReviewItem]:
    """The pairs awaiting a decision, the most likely first (the records shown are audited)."""
    operator.require(Permission.READ_PATIENTS)
    rows = session.scalars(select(m.DuplicateReview).where(m.DuplicateReview.state == PENDING)
                           .order_by(m.DuplicateReview.score.desc(), m.DuplicateReview.id))
    items = [ReviewItem(r, session.get_one(m.Patient, r.first_patient_id), session.get_one(m.Patient,
             r.second_patient_id)) for r in rows]
    shown = ",".join(f"{i.first.id}/{i.second.id}" for i in items)
    record_access(session, actor_of(operator), action="read", object_type="identitovigilance", object_id="revue",
                  detail=f"{len(items)} paire(s) : {shown}"[:500], now=now)
    return items


def review(session: Session, operator: CurrentOperator, review_id: int, *, now: datetime) -> ReviewItem:
    operator.require(Permission.READ_PATIENTS)
    row = session.get(m.DuplicateReview, review_id)
    if row is None:
        raise NotFound(f"Aucune paire à revoir n° {review_id}.")
    for patient_id in (row.first_patient_id, row.second_patient_id):
        record_access(session, actor_of(operator), action="read", object_type="patient", object_id=str(patient_id),
                      detail=f"revue identitovigilance n° {review_id}", now=now)
    return ReviewItem(row, session.get_one(m.Patient, row.first_patient_id),
                      session.get_one(m.Patient, row.second_patient_id))


def dismiss(session: Session, operator: CurrentOperator, review_id: int, *, note: str, now: datetime) -> None:
    """Two different persons: the pair is closed; homonyms are marked so on both records."""
    operator.require(Permission.QUALIFY_IDENTITY)
    item = _open_item(session, review_id)
    if not note.strip():
        raise RuleViolation("Indiquez pourquoi ce ne sont pas les mêmes personnes.")
    if item.finding is Finding.HOMONYM:
        for patient in (item.first, item.second):
            _add_attribute(session, operator, patient, IdentityAttribute.HOMONYM, note, now)
    _close(item.review, DISMISSED, operator, note, now)


def _open_item(session: Session, review_id: int) -> ReviewItem:
    row = session.get(m.DuplicateReview, review_id)
    if row is None:
        raise NotFound(f"Aucune paire à revoir n° {review_id}.")
    if row.state != PENDING:
        raise Conflict("Cette paire a déjà été traitée.")
    return ReviewItem(row, load_for_change(session, row.first_patient_id),
                      load_for_change(session, row.second_patient_id))


def _close(row: m.DuplicateReview, state: str, operator: CurrentOperator, note: str, now: datetime) -> None:
    row.state, row.decided_at, row.decided_by, row.note = state, now, operator.code, note.strip()


def _add_attribute(session: Session, operator: CurrentOperator, patient: m.Patient, attribute: IdentityAttribute,
                   reason: str, now: datetime) -> None:
    if attribute.value not in patient.identity_attributes:
        change_identity(session, patient, actor_of(operator), kind="attribut", reason=reason.strip(),
                        values={"identity_attributes": [*patient.identity_attributes, attribute.value]}, now=now)


def merge(session: Session, operator: CurrentOperator, *, keep_id: int, merge_id: int, reason: str,
          now: datetime) -> m.Patient:
    """Make two records of one person one: the kept record takes the better identity; the other stays, merged."""
    operator.require(Permission.MERGE_PATIENTS)
    if keep_id == merge_id or not reason.strip():
        raise RuleViolation("Choisissez deux dossiers différents et indiquez le motif de la fusion.")
    kept, merged = load_for_change(session, keep_id), load_for_change(session, merge_id)
    if kept.nir and merged.nir and kept.nir != merged.nir:
        raise Conflict("Les deux dossiers portent des matricules INS différents : ce sont deux personnes "
                       "(homonymes), pas un doublon.")
    snapshot = _snapshot(merged)
    actor = actor_of(operator)
    change_identity(session, merged, actor, kind="fusion", reason=f"fusionné dans le dossier n° {kept.id} : {reason}",
                    values={"merged_into_id": kept.id,
                            "identity_attributes": [*merged.identity_attributes, IdentityAttribute.DUPLICATE.value]},
                    now=now)
    change_identity(session, kept, actor, kind="fusion", reason=f"dossier n° {merged.id} fusionné ici : {reason}",
                    values=_kept_values(kept, snapshot), now=now)
    session.add(m.PatientMerge(kept_id=kept.id, merged_id=merged.id, at=now, operator_code=operator.code,
                               reason=reason.strip(), merged_snapshot=snapshot))
    _close_reviews(session, kept.id, merged.id, operator, reason, now)
    return kept


def _snapshot(patient: m.Patient) -> dict[str, object]:
    fields = ("last_name", "first_name", "birth_date", "sex", "nir", "nir_oid", "birth_name", "birth_given_names",
              "birth_place", "identity_status", "identity_attributes", "collection_method", "trust_document",
              "allergies")
    return {f: (v.isoformat() if hasattr(v, "isoformat") else v) for f in fields for v in [getattr(patient, f)]}


def _kept_values(kept: m.Patient, merged: dict[str, object]) -> dict[str, object]:
    """Allergies add up; the INS identity of the merged record wins only if it is the more trusted one."""
    allergies = list(dict.fromkeys([*kept.allergies, *merged["allergies"]]))  # type: ignore[misc]
    values: dict[str, object] = {"allergies": allergies}
    if _RANK[IdentityStatus(str(merged["identity_status"]))] > _RANK[status_of(kept)] and merged["nir"]:
        for f in ("nir", "nir_oid", "birth_name", "birth_given_names", "birth_place", "identity_status",
                  "collection_method", "trust_document"):
            values[f] = merged[f]
    return values


def _close_reviews(session: Session, a: int, b: int, operator: CurrentOperator, note: str, now: datetime) -> None:
    pair = (min(a, b), max(a, b))
    for row in session.scalars(select(m.DuplicateReview).where(m.DuplicateReview.first_patient_id == pair[0],
                                                               m.DuplicateReview.second_patient_id == pair[1])):
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


def report(session: Session, operator: CurrentOperator, *, now: datetime) -> IdentityReport:
    """Counts for the identitovigilance referent: statuses, methods, attributes, reviews, merges."""
    operator.require(Permission.READ_PATIENTS)
    active = list(session.scalars(select(m.Patient).where(m.Patient.merged_into_id.is_(None))))
    reviews = Counter(session.scalars(select(m.DuplicateReview.finding).where(m.DuplicateReview.state == PENDING)))
    record_access(session, actor_of(operator), action="read", object_type="identitovigilance", object_id="rapport",
                  detail=f"{len(active)} dossiers comptés", now=now)
    return IdentityReport(
        patients=len(active), by_status={s: sum(p.identity_status == s.value for p in active) for s in IdentityStatus},
        by_method=dict(Counter(p.collection_method for p in active)),
        attributes=dict(Counter(IdentityAttribute(a) for p in active for a in p.identity_attributes)),
        pending_reviews=sum(reviews.values()), findings=dict(reviews),
        merges=session.scalar(select(func.count()).select_from(m.PatientMerge)) or 0,
        waiting_for_document=sum(p.document_prompts_left > 0 for p in active))

"""Fakes of identity: the repositories (patient records, their history and INSi answers, identitovigilance) in
dicts, an INSi that answers what the test says, and a builder of records with safe defaults."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Protocol

from comptoir.domain.identity.ins import InsIdentity
from comptoir.errors import ExternalServiceError
from comptoir.national.ins.port import (
    CardQuery,
    SearchAnswer,
    SearchOutcome,
    TraitsQuery,
    VerificationAnswer,
    VerificationOutcome,
)
from comptoir.store import models as m


def _next_id(rows: dict[int, object]) -> int:
    return max(rows, default=0) + 1


class FakePatientRepository:
    def __init__(self) -> None:
        self.patients: dict[int, m.Patient] = {}
        self.events: dict[int, m.IdentityEvent] = {}
        self.answers: dict[int, m.InsiAnswer] = {}

    def by_id(self, patient_id: int) -> m.Patient | None:
        return self.patients.get(patient_id)

    def one(self, patient_id: int) -> m.Patient:
        return self.patients[patient_id]

    def for_change(self, patient_id: int) -> m.Patient | None:
        return self.patients.get(patient_id)

    def add(self, patient: m.Patient) -> None:
        patient.id = _next_id(self.patients)  # type: ignore[arg-type]
        self.patients[patient.id] = patient

    def find_by_name(self, text: str, *, matricule_prefix: str | None, limit: int = 50) -> list[m.Patient]:
        """Like SQL's ILIKE: case is ignored, accents are not."""
        def matches(p: m.Patient) -> bool:
            names = (p.last_name, p.first_name, p.birth_name or "")
            return (any(text.lower() in n.lower() for n in names)
                    or bool(matricule_prefix and (p.nir or "").startswith(matricule_prefix)))
        found = sorted((p for p in self.active() if matches(p)), key=lambda p: (p.last_name, p.first_name))
        return found[:limit]

    def active(self) -> list[m.Patient]:
        return [p for p in self.patients.values() if p.merged_into_id is None]

    def active_with_matricule(self, matricule: str) -> m.Patient | None:
        return next((p for p in self.active() if p.nir == matricule), None)

    def active_born_on(self, birth_date: date) -> list[m.Patient]:
        return [p for p in self.active() if p.birth_date == birth_date]

    def other_with_matricule(self, matricule: str, *, besides: int) -> int | None:
        return next((p.id for p in self.active() if p.nir == matricule and p.id != besides), None)

    def add_event(self, event: m.IdentityEvent) -> None:
        event.id = _next_id(self.events)  # type: ignore[arg-type]
        self.events[event.id] = event

    def history_of(self, patient_id: int) -> list[m.IdentityEvent]:
        return [e for _, e in sorted(self.events.items(), reverse=True) if e.patient_id == patient_id]

    def add_insi_answer(self, answer: m.InsiAnswer) -> None:
        answer.id = _next_id(self.answers)  # type: ignore[arg-type]
        self.answers[answer.id] = answer

    def insi_answer(self, answer_id: int) -> m.InsiAnswer | None:
        return self.answers.get(answer_id)

    def latest_insi_answer(self, patient_id: int) -> m.InsiAnswer | None:
        return next((a for _, a in sorted(self.answers.items(), reverse=True) if a.patient_id == patient_id), None)


class FakeIdentitovigilanceRepository:
    def __init__(self) -> None:
        self.reviews: dict[int, m.DuplicateReview] = {}
        self.merges: list[m.PatientMerge] = []

    def known_pairs(self) -> set[tuple[int, int]]:
        return {(r.first_patient_id, r.second_patient_id) for r in self.reviews.values()}

    def add_review(self, review: m.DuplicateReview) -> None:
        review.id = _next_id(self.reviews)  # type: ignore[arg-type]
        self.reviews[review.id] = review

    def review(self, review_id: int) -> m.DuplicateReview | None:
        return self.reviews.get(review_id)

    def in_state(self, state: str) -> list[m.DuplicateReview]:
        return sorted((r for r in self.reviews.values() if r.state == state), key=lambda r: (-r.score, r.id))

    def reviews_of_pair(self, first_id: int, second_id: int) -> list[m.DuplicateReview]:
        return [r for r in self.reviews.values() if (r.first_patient_id, r.second_patient_id) == (first_id, second_id)]

    def findings_in_state(self, state: str) -> list[str]:
        return [r.finding for r in self.in_state(state)]

    def add_merge(self, merge: m.PatientMerge) -> None:
        self.merges.append(merge)

    def merge_count(self) -> int:
        return len(self.merges)


class HoldsPatients(Protocol):
    patients: FakePatientRepository


def a_patient(uow: HoldsPatients, **fields: Any) -> m.Patient:
    """A provisional record typed at the counter (Jeanne Marie DARK, no matricule); `fields` say what differs."""
    defaults: dict[str, Any] = {
        "last_name": "DARK", "first_name": "Jeanne", "birth_date": date(1939, 8, 13), "sex": "F", "allergies": [],
        "created_at": datetime(2026, 2, 19, 9, 30, tzinfo=UTC), "birth_name": "DARK",
        "birth_given_names": "JEANNE MARIE", "birth_place": "88154", "nir": None, "nir_oid": None,
        "identity_status": "PROV", "identity_attributes": [], "collection_method": "SM", "trust_document": None,
        "document_prompts_left": 0, "last_prompt_on": None, "merged_into_id": None, "pregnant": False,
        "amenorrhoea_start": None, "breastfeeding": False, "weight_kg": None, "weight_on": None, "egfr": None,
        "egfr_on": None}
    patient = m.Patient(**(defaults | fields))
    uow.patients.add(patient)
    return patient


class FakeInsi:
    """The INSi port: answers `answer` to a search, confirms what it is asked to verify; `down` fails every call."""

    def __init__(self, answer: SearchAnswer | None = None, *, down: bool = False) -> None:
        self.answer = answer or SearchAnswer(SearchOutcome.NONE)
        self.down = down
        self.asked: list[CardQuery | TraitsQuery | InsIdentity] = []

    def search_by_card(self, query: CardQuery) -> SearchAnswer:
        return self._answer(query)

    def search_by_traits(self, query: TraitsQuery) -> SearchAnswer:
        return self._answer(query)

    def verify(self, identity: InsIdentity) -> VerificationAnswer:
        self._asked(identity)
        return VerificationAnswer(VerificationOutcome.CONFORMING, identity)

    def _answer(self, query: CardQuery | TraitsQuery) -> SearchAnswer:
        self._asked(query)
        return self.answer

    def _asked(self, question: CardQuery | TraitsQuery | InsIdentity) -> None:
        self.asked.append(question)
        if self.down:
            raise ExternalServiceError("Le téléservice INSi est indisponible.", permanent=False)

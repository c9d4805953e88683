"""Fake repository of the documents shared with the DMP and of the patients' DMP choices, in memory."""

from __future__ import annotations

from datetime import datetime

from comptoir.store.sharing import NOT_SENT, REFUSED, DmpChoice, SharedDocument


class FakeSharingRepository:
    def __init__(self) -> None:
        self.documents: list[SharedDocument] = []
        self.choices: dict[int, DmpChoice] = {}

    def add(self, document: SharedDocument) -> None:
        document.id = len(self.documents) + 1
        self.documents.append(document)

    def get(self, document_pk: int) -> SharedDocument | None:
        return next((d for d in self.documents if d.id == document_pk), None)

    def by_document_id(self, document_id: str) -> SharedDocument | None:
        return next((d for d in self.documents if d.document_id == document_id), None)

    def of_source(self, source_ref: str) -> list[SharedDocument]:
        return [d for d in self.documents if d.source_ref == source_ref]

    def of_patient(self, patient_id: int) -> list[SharedDocument]:
        return [d for d in reversed(self.documents) if d.patient_id == patient_id]

    def not_sent(self, *, limit: int = 500) -> list[SharedDocument]:
        return [d for d in self.documents if d.status in (NOT_SENT, REFUSED)][:limit]

    def move_patient(self, from_id: int, to_id: int) -> int:
        moved = [d for d in self.documents if d.patient_id == from_id]
        for document in moved:
            document.patient_id = to_id
        merged = self.choices.pop(from_id, None)
        if merged is not None and merged.feeding_opposed:
            self.choices[to_id] = DmpChoice(patient_id=to_id, feeding_opposed=True, changed_at=merged.changed_at,
                                            changed_by=merged.changed_by)
        return len(moved)

    def choice(self, patient_id: int) -> DmpChoice | None:
        return self.choices.get(patient_id)

    def set_choice(self, patient_id: int, *, opposed: bool, at: datetime, by: str) -> DmpChoice:
        row = DmpChoice(patient_id=patient_id, feeding_opposed=opposed, changed_at=at, changed_by=by)
        self.choices[patient_id] = row
        return row

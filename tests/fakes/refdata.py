"""Fake repository of the drug reference: a few specialties in memory."""

from __future__ import annotations

from comptoir.store import models as m


class FakeReferenceRepository:
    def __init__(self) -> None:
        self.specialties: dict[str, m.Specialty] = {}
        self.presentations: list[m.Presentation] = []
        self.release_rows: list[m.RefdataRelease] = []
        self.thesaurus_headers: list[str] = []
        self.thesaurus_classes: dict[str, list[str]] = {}
        self.mapped_names: set[str] = set()
        self.cleared = False

    def is_loaded(self) -> bool:
        return bool(self.specialties)

    def release_key(self) -> tuple[int, int]:
        return (len(self.release_rows), len(self.specialties))

    def releases(self) -> list[m.RefdataRelease]:
        return self.release_rows

    def count_specialties(self) -> int:
        return len(self.specialties)

    def count_presentations(self) -> int:
        return len(self.presentations)

    def thesaurus_class_names(self) -> set[str]:
        return set(self.thesaurus_classes)

    def thesaurus_protagonist_names(self) -> list[str]:
        return self.thesaurus_headers + list(self.thesaurus_classes)

    def thesaurus_class_substances(self) -> list[str]:
        return [s for members in self.thesaurus_classes.values() for s in members]

    def count_mapped_thesaurus_names(self) -> int:
        return len(self.mapped_names)

    def specialty(self, cis: str) -> m.Specialty | None:
        return self.specialties.get(cis)

    def compositions_of(self, cis: str) -> list[m.Composition]:
        return []

    def presentations_of(self, cis: str) -> list[m.Presentation]:
        return [p for p in self.presentations if p.cis == cis]

    def generic_memberships(self, cis: str) -> list[tuple[m.GenericGroup, int]]:
        return []

    def other_members(self, group_id: int, cis: str) -> list[tuple[str, str, int]]:
        return []

    def conditions_of(self, cis: str) -> list[str]:
        return []

    def opinions_of(self, cis: str) -> list[m.HasOpinion]:
        return []

    def availability_of(self, cis: str) -> list[m.AvailabilityAlert]:
        return []

    def clear(self) -> None:
        self.cleared = True

"""Repository of the refdata capability: every query on the drug reference's tables lives here.

`ReferenceRepository` reads the reference (search index, product sheet, analysis, status) and
replaces it in bulk when a new one is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, delete, distinct, func, insert, select
from sqlalchemy.orm import Session

from comptoir.store import models as m

REFERENCE_TABLES = (
    m.ThesaurusSubstanceMap,
    m.ThesaurusInteraction,
    m.ThesaurusClassMember,
    m.ThesaurusProtagonist,
    m.HasOpinion,
    m.AvailabilityAlert,
    m.PrescriptionCondition,
    m.GenericMember,
    m.GenericGroup,
    m.Composition,
    m.Substance,
    m.Presentation,
    m.Specialty,
    m.RefdataRelease,
)
"""In deletion order: children before the tables they point to."""

BULK_ROWS = 5000


class ReferenceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # What is loaded

    def is_loaded(self) -> bool:
        return self.session.scalar(select(m.Specialty.cis).limit(1)) is not None

    def release_key(self) -> tuple[int, int]:
        """Changes whenever a reference is imported: the last release and the number of specialties."""
        last = self.session.scalar(select(func.max(m.RefdataRelease.id))) or 0
        return (last, self.count_specialties())

    def last_import(self) -> tuple[int, datetime] | None:
        row = self.session.execute(select(m.RefdataRelease.id, m.RefdataRelease.imported_at)
                                   .order_by(m.RefdataRelease.id.desc()).limit(1)).first()
        return (row[0], row[1]) if row else None

    def database_name(self) -> str:
        """The database's URL, password hidden: what a cache kept beside it is keyed by."""
        return self.session.get_bind().engine.url.render_as_string(hide_password=True)

    def releases(self) -> list[m.RefdataRelease]:
        return list(self.session.scalars(select(m.RefdataRelease).order_by(m.RefdataRelease.id)))

    def latest_release(self, kind: str) -> m.RefdataRelease | None:
        return self.session.scalars(select(m.RefdataRelease).where(m.RefdataRelease.kind == kind)
                                    .order_by(m.RefdataRelease.id.desc())).first()

    def count_specialties(self) -> int:
        return self.session.scalar(select(func.count()).select_from(m.Specialty)) or 0

    def count_presentations(self) -> int:
        return self.session.scalar(select(func.count()).select_from(m.Presentation)) or 0

    # The whole reference, for the search index and the analysis

    def specialties(self) -> list[m.Specialty]:
        return list(self.session.scalars(select(m.Specialty)))

    def specialty_names(self) -> Sequence[Row[str, str, str]]:
        """(cis, name, marketing status) of every specialty."""
        return self.session.execute(select(m.Specialty.cis, m.Specialty.name, m.Specialty.marketing_status)).all()

    def presentation_codes(self) -> Sequence[Row[str, str, str]]:
        """(cis, cip13, cip7) of every presentation."""
        return self.session.execute(select(m.Presentation.cis, m.Presentation.cip13, m.Presentation.cip7)).all()

    def presentation_prices(self) -> Sequence[Row[str, str, Any, str]]:
        """(cis, cip13, price in euros, label) of every presentation."""
        return self.session.execute(select(m.Presentation.cis, m.Presentation.cip13, m.Presentation.price_eur,
                                           m.Presentation.label)).all()

    def compositions(self) -> list[m.Composition]:
        return list(self.session.scalars(select(m.Composition).order_by(m.Composition.id)))

    def composition_dosages(self) -> Sequence[Row[str, int | None, str, str, str, int]]:
        """(cis, link number, nature SA/FT, substance name, dosage, id) of every composition line, in file order."""
        return self.session.execute(
            select(m.Composition.cis, m.Composition.link_number, m.Composition.nature, m.Composition.substance_name,
                   m.Composition.dosage, m.Composition.id).order_by(m.Composition.id)).all()

    def prescription_conditions(self) -> Sequence[Row[str, str]]:
        """(cis, condition) pairs."""
        return self.session.execute(select(m.PrescriptionCondition.cis, m.PrescriptionCondition.condition)).all()

    def thesaurus_spellings(self) -> Sequence[Row[str, str]]:
        """(BDPM substance code, thesaurus name) pairs."""
        return self.session.execute(select(m.ThesaurusSubstanceMap.substance_code,
                                           m.ThesaurusSubstanceMap.thesaurus_name)).all()

    def thesaurus_entries(self) -> list[m.ThesaurusInteraction]:
        return list(self.session.scalars(select(m.ThesaurusInteraction)
                                         .where(m.ThesaurusInteraction.block == "entry")))

    def thesaurus_class_members(self) -> Sequence[Row[str, str]]:
        """(class name, substance) pairs."""
        return self.session.execute(select(m.ThesaurusClassMember.class_name,
                                           m.ThesaurusClassMember.substance)).all()

    def thesaurus_class_names(self) -> set[str]:
        return set(self.session.scalars(select(m.ThesaurusClassMember.class_name).distinct()))

    def thesaurus_protagonist_names(self) -> list[str]:
        return list(self.session.scalars(select(m.ThesaurusProtagonist.name)))

    def thesaurus_class_substances(self) -> list[str]:
        return list(self.session.scalars(select(m.ThesaurusClassMember.substance)))

    def count_mapped_thesaurus_names(self) -> int:
        return self.session.scalar(select(func.count(distinct(m.ThesaurusSubstanceMap.thesaurus_name)))) or 0

    # One product's sheet

    def specialty(self, cis: str) -> m.Specialty | None:
        return self.session.get(m.Specialty, cis)

    def compositions_of(self, cis: str) -> list[m.Composition]:
        return list(self.session.scalars(select(m.Composition).where(m.Composition.cis == cis)
                                         .order_by(m.Composition.link_number, m.Composition.nature)))

    def presentations_of(self, cis: str) -> list[m.Presentation]:
        return list(self.session.scalars(select(m.Presentation).where(m.Presentation.cis == cis)
                                         .order_by(m.Presentation.label)))

    def generic_memberships(self, cis: str) -> list[tuple[m.GenericGroup, int]]:
        """The generic groups `cis` belongs to, with its kind in each (princeps, générique...)."""
        members = self.session.scalars(select(m.GenericMember).where(m.GenericMember.cis == cis))
        found = [(self.session.get(m.GenericGroup, member.group_id), member.kind) for member in members]
        return [(group, kind) for group, kind in found if group is not None]

    def other_members(self, group_id: int, cis: str) -> list[tuple[str, str, int]]:
        """(cis, name, kind) of the group's other specialties."""
        rows = self.session.execute(
            select(m.Specialty.cis, m.Specialty.name, m.GenericMember.kind)
            .join(m.GenericMember, m.GenericMember.cis == m.Specialty.cis)
            .where(m.GenericMember.group_id == group_id, m.GenericMember.cis != cis)
            .order_by(m.GenericMember.kind, m.Specialty.name))
        return [(c, n, k) for c, n, k in rows]

    def conditions_of(self, cis: str) -> list[str]:
        return list(self.session.scalars(select(m.PrescriptionCondition.condition)
                                         .where(m.PrescriptionCondition.cis == cis)))

    def opinions_of(self, cis: str) -> list[m.HasOpinion]:
        return list(self.session.scalars(select(m.HasOpinion).where(m.HasOpinion.cis == cis)
                                         .order_by(m.HasOpinion.opinion_date.desc())))

    def availability_of(self, cis: str) -> list[m.AvailabilityAlert]:
        return list(self.session.scalars(select(m.AvailabilityAlert).where(m.AvailabilityAlert.cis == cis)))

    # Importing a new reference: the whole of it is replaced

    def clear(self) -> None:
        for table in REFERENCE_TABLES:
            self.session.execute(delete(table))

    def add_specialties(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.Specialty, rows)

    def add_presentations(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.Presentation, rows)

    def add_substances(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.Substance, rows)

    def add_compositions(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.Composition, rows)

    def add_generic_groups(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.GenericGroup, rows)

    def add_generic_members(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.GenericMember, rows)

    def add_conditions(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.PrescriptionCondition, rows)

    def add_availability(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.AvailabilityAlert, rows)

    def add_opinions(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.HasOpinion, rows)

    def add_interactions(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.ThesaurusInteraction, rows)

    def add_protagonists(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.ThesaurusProtagonist, rows)

    def add_class_members(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.ThesaurusClassMember, rows)

    def add_substance_map(self, rows: list[dict[str, Any]]) -> int:
        return self._bulk(m.ThesaurusSubstanceMap, rows)

    def add_release(self, *, kind: str, source: str, data_date: date | None, imported_at: datetime,
                    counts: dict[str, int], licence: str) -> None:
        self.session.add(m.RefdataRelease(kind=kind, source=source, data_date=data_date, imported_at=imported_at,
                                          counts=counts, licence=licence))

    def _bulk(self, table: type[m.Base], rows: list[dict[str, Any]]) -> int:
        for start in range(0, len(rows), BULK_ROWS):
            self.session.execute(insert(table), rows[start : start + BULK_ROWS])
        return len(rows)



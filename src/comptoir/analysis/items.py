"""The things analysed: each prescription line and each history dispensation, resolved to a product,
with its posology understood and its doses in mg when the strength is known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from comptoir.analysis.reference import Component, Product
from comptoir.reading.posology import Posology

NON_ABSORBED_ORALLY = frozenset({"amphotericine b", "nystatine", "colistine", "vancomycine", "fidaxomicine",
                                 "rifaximine", "neomycine", "paromomycine"})
"""Given by mouth, these act in the gut and are not absorbed (their RCP: "résorption digestive
négligeable"); the thesaurus' systemic interactions do not concern them then."""


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    product: Product | None
    posology: Posology | None = None
    line: int | None = None
    """Index of the prescription line; None for a history item."""
    dispensed_on: date | None = None
    duration_days: int | None = None
    """How long a history dispensation lasts, when known."""

    @property
    def label(self) -> str:
        return self.text

    @property
    def is_history(self) -> bool:
        return self.line is None

    def systemic_components(self) -> tuple[Component, ...]:
        """Components that reach the body: none for a local product; not the gut-only ones by mouth."""
        if self.product is None or self.product.is_local or _is_mouthwash(self.posology):
            return ()
        oral_only = set(self.product.routes) <= {"orale", "buccale"}
        return tuple(c for c in self.product.components
                     if not (oral_only and any(n in NON_ABSORBED_ORALLY for n in c.thesaurus_names | {c.name})))

    def units_per_day(self) -> float | None:
        if self.posology is None or not self.posology.understood:
            return None
        return self.posology.daily_quantity

    def mg_per_intake(self, component: Component) -> float | None:
        if component.dosage_mg is None:
            return None
        mass = _mass_dose(self.posology, per_intake=True)
        return mass if mass is not None else component.dosage_mg * _units_per_intake(self.posology)

    def mg_per_day(self, component: Component) -> float | None:
        if component.dosage_mg is None:
            return None
        mass = _mass_dose(self.posology, per_intake=False)
        if mass is not None:
            return mass
        units = self.units_per_day()
        # Unknown posology: one unit a day is assumed (the finding then says so).
        return component.dosage_mg * (units if units is not None else 1.0)


def _is_mouthwash(posology: Posology | None) -> bool:
    return posology is not None and "bain de bouche" in posology.text.lower()


def _units_per_intake(posology: Posology | None) -> float:
    per_intake = posology.per_intake if posology is not None else None
    return float(per_intake) if per_intake else 1.0


def _mass_dose(posology: Posology | None, *, per_intake: bool) -> float | None:
    """When the posology is written in mg or g ("500 mg 3 fois par jour"), the dose is read directly."""
    if posology is None or posology.unit not in ("mg", "g") or posology.daily_quantity is None:
        return None
    factor = 1000.0 if posology.unit == "g" else 1.0
    if per_intake:
        return float(posology.per_intake) * factor if posology.per_intake else None
    return posology.daily_quantity * factor

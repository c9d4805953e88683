"""What the counter's planning looks up in the drug reference: `PlanCatalogue`, and its implementation over
the repositories (the BDPM tables) and the analysis reference (the resolver of typed text)."""

from __future__ import annotations

from typing import Protocol

from comptoir.analysis.reference import AnalysisReference, Product
from comptoir.analysis.resolve import resolve
from comptoir.domain.dispensing.conditions import DispensingConditions, read_conditions
from comptoir.domain.dispensing.packs import Presentation
from comptoir.store import models as m
from comptoir.store.eprescription import EPrescriptionRepository

SUBSTITUTABLE_KINDS = (0, 1, 2, 4)
"""BDPM generic group members (CIS_GENER): princeps, generic, complementarity, substitutable (CSP L.5125-23)."""
PRINCEPS = 0


class PlanCatalogue(Protocol):
    def product(self, text: str) -> Product | None:
        """A product from free text (brand or DCI with strength), a CIP13, a CIP7 or a CIS."""
        ...

    def presentation(self, cip13: str) -> Presentation | None: ...

    def presentations(self, cis: str) -> list[Presentation]: ...

    def generic_group(self, cis: str) -> dict[str, int]:
        """CIS -> kind (0 princeps, 1, 2, 4 generics) of `cis`'s BDPM generic group, `cis` included; empty
        when it belongs to none."""
        ...

    def conditions(self, cis: str) -> DispensingConditions: ...


def presentation_of(row: m.Presentation) -> Presentation:
    return Presentation(cip13=row.cip13, cis=row.cis, label=row.label, status=row.status or "",
                        marketing_state=row.marketing_state or "", collectivities=row.collectivities or "",
                        reimbursement_rate=row.reimbursement_rate or "",
                        price_eur=float(row.price_eur) if row.price_eur is not None else None)


class ReferenceCatalogue:
    """The catalogue of one unit of work: `ReferenceCatalogue(uow.eprescriptions, references.get(uow.reference))`."""

    def __init__(self, lookups: EPrescriptionRepository, reference: AnalysisReference) -> None:
        self.lookups = lookups
        self.reference = reference

    def product(self, text: str) -> Product | None:
        if text.strip() in self.reference.products:
            return self.reference.products[text.strip()]
        return resolve(text, self.reference).product

    def presentation(self, cip13: str) -> Presentation | None:
        row = self.lookups.presentation(cip13)
        return presentation_of(row) if row else None

    def presentations(self, cis: str) -> list[Presentation]:
        return [presentation_of(row) for row in self.lookups.presentations_of(cis)]

    def generic_group(self, cis: str) -> dict[str, int]:
        return self.lookups.generic_group_kinds(cis, kinds=SUBSTITUTABLE_KINDS)

    def conditions(self, cis: str) -> DispensingConditions:
        product = self.reference.products.get(cis)
        return read_conditions(product.conditions if product else ())

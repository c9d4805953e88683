"""A fake `PlanCatalogue` (services/dispensing/catalogue.py): products, boxes, generic groups and conditions in
dictionaries, arranged by the test."""

from __future__ import annotations

from comptoir.analysis.reference import Component, Product
from comptoir.domain.dispensing.conditions import DispensingConditions, read_conditions
from comptoir.domain.dispensing.packs import Presentation


def product(cis: str, name: str, *substances: str, conditions: tuple[str, ...] = (), atc: str | None = None) -> Product:
    components = tuple(Component(f"S{n}", s, None, frozenset()) for n, s in enumerate(substances or ("x",)))
    return Product(cis=cis, name=name, form="comprimé", routes=("orale",), atc=atc, components=components,
                   conditions=conditions)


def box(cis: str, cip13: str, label: str, *, price: float | None = 2.0, rate: str = "65%",
        collectivities: str = "oui", marketing_state: str = "Déclaration de commercialisation",
        status: str = "Présentation active") -> Presentation:
    return Presentation(cip13=cip13, cis=cis, label=label, status=status, marketing_state=marketing_state,
                        collectivities=collectivities, reimbursement_rate=rate, price_eur=price)


def hospital_box(cis: str, cip13: str, label: str) -> Presentation:
    return box(cis, cip13, label, price=None, rate="")


class FakePlanCatalogue:
    def __init__(self) -> None:
        self.products: dict[str, Product] = {}
        self.names: dict[str, str] = {}
        """Free text -> CIS (what the resolver would find)."""
        self.boxes: dict[str, Presentation] = {}
        self.groups: list[dict[str, int]] = []

    def add(self, item: Product, *boxes: Presentation, text: str = "") -> Product:
        """Arrange: a product, its boxes, and the text that names it."""
        self.products[item.cis] = item
        self.names[(text or item.name).lower()] = item.cis
        self.boxes.update({b.cip13: b for b in boxes})
        return item

    def group(self, **kinds: int) -> None:
        """Arrange: a generic group, CIS given as `c<CIS>=kind`."""
        self.groups.append({cis.removeprefix("c"): kind for cis, kind in kinds.items()})

    def product(self, text: str) -> Product | None:
        if text in self.products:
            return self.products[text]
        if text in self.boxes:
            return self.products.get(self.boxes[text].cis)
        return self.products.get(self.names.get(text.lower(), ""))

    def presentation(self, cip13: str) -> Presentation | None:
        return self.boxes.get(cip13)

    def presentations(self, cis: str) -> list[Presentation]:
        return [b for b in self.boxes.values() if b.cis == cis]

    def generic_group(self, cis: str) -> dict[str, int]:
        return next((dict(g) for g in self.groups if cis in g), {})

    def conditions(self, cis: str) -> DispensingConditions:
        found = self.products.get(cis)
        return read_conditions(found.conditions if found else ())

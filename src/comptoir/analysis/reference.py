"""The drug reference as the analysis needs it: products with their components and thesaurus
names, and the ANSM thesaurus indexed for lookups. Built once from the database by the services
layer; pure values here."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from comptoir.refdata.search import DrugIndex, fold
from comptoir.refdata.thesaurus import InteractionEntry

LOCAL_ROUTES = frozenset({"cutanée", "ophtalmique", "auriculaire", "gingivale", "dentaire", "buccale",
                          "endosinusale", "oromuqueuse"})
"""Routes whose products act where applied; the thesaurus' systemic interactions do not apply to them."""


_SALT_IN_BRACKETS = re.compile(r"\s*\((?:[^)]*\b(?:de|d'|d’)\s*|base)\)\s*$", re.I)
_LEADING_SALT = re.compile(
    r"^(?:di|mono|hemi|hémi|tri)?(?:chlorhydrate|bromhydrate|oxalate|fumarate|maléate|maleate|tartrate|succinate|mésilate|"
    r"mesilate|bésilate|besilate|sulfate|citrate|acétate|acetate|phosphate|nitrate|lactate|gluconate)\s+(?:de\s+|d['’])",
    re.I)
_TRAILING = re.compile(r"\s+(?:base|anhydre|trihydraté[e]?|dihydraté[e]?|monohydraté[e]?|hémihydraté[e]?|"
                       r"sodique|potassique|calcique|magnésique)$", re.I)


_CATIONS = frozenset({"sodium", "potassium", "calcium", "magnésium", "magnesium", "lithium", "zinc", "fer",
                      "aluminium", "lysine", "arginine", "méglumine", "meglumine"})
_INVERTED = re.compile(r"^(\S+)\s*\(([^)]*?)\s*(de|d'|d’)\)$", re.I)


def dci_display(name: str) -> str:
    """A BDPM substance name as a pharmacist says it: "chlorhydrate d'hydroxyzine" -> "hydroxyzine",
    "hydroxyzine (dichlorhydrate de)" -> "hydroxyzine", "clopidogrel base" -> "clopidogrel",
    "sodium (valproate de)" -> "valproate de sodium" (there the bracket holds the active part)."""
    cleaned = name.strip().lower()
    if cleaned.endswith(" (acide)"):
        return "acide " + cleaned[: -len(" (acide)")]
    inverted = _INVERTED.match(cleaned)
    if inverted and inverted.group(1) in _CATIONS:
        return f"{inverted.group(2)} {inverted.group(3)}{'' if inverted.group(3).endswith(('’', chr(39))) else ' '}" \
               f"{inverted.group(1)}".replace("  ", " ")
    cleaned = _SALT_IN_BRACKETS.sub("", cleaned)
    cleaned = _LEADING_SALT.sub("", cleaned)
    while _TRAILING.search(cleaned):
        cleaned = _TRAILING.sub("", cleaned)
    return cleaned.strip() or name.lower()


@dataclass(frozen=True, slots=True)
class Component:
    code: str
    name: str
    dosage_mg: float | None
    thesaurus_names: frozenset[str]
    """Folded thesaurus names that designate this substance."""


@dataclass(frozen=True, slots=True)
class Product:
    cis: str
    name: str
    form: str
    routes: tuple[str, ...]
    atc: str | None
    components: tuple[Component, ...]
    marketed: bool = True
    conditions: tuple[str, ...] = ()
    min_box_price: float | None = None
    """The cheapest box's public price (the "prix unitaire" of the billing: one box)."""
    pack_sizes: tuple[int, ...] = ()

    @property
    def substance_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.components)

    @property
    def is_local(self) -> bool:
        return bool(self.routes) and all(route in LOCAL_ROUTES for route in self.routes)


@dataclass(frozen=True, slots=True)
class ThesaurusIndex:
    """Entries keyed by folded protagonist names, and class membership both ways."""

    edition: str
    partners: Mapping[str, Mapping[str, tuple[InteractionEntry, ...]]]
    classes_of: Mapping[str, frozenset[str]]
    members_of: Mapping[str, frozenset[str]]
    display: Mapping[str, str]

    @classmethod
    def build(cls, edition: str, entries: Iterable[InteractionEntry],
              members: Mapping[str, Iterable[str]]) -> ThesaurusIndex:
        partners: dict[str, dict[str, list[InteractionEntry]]] = defaultdict(lambda: defaultdict(list))
        display: dict[str, str] = {}
        for entry in entries:
            a, b = fold(entry.protagonist_a), fold(entry.protagonist_b)
            partners[a][b].append(entry)
            display.setdefault(a, entry.protagonist_a)
            display.setdefault(b, entry.protagonist_b)
        classes_of: dict[str, set[str]] = defaultdict(set)
        members_of: dict[str, frozenset[str]] = {}
        for class_name, names in members.items():
            folded = frozenset(fold(n) for n in names)
            members_of[fold(class_name)] = folded
            for name in folded:
                classes_of[name].add(fold(class_name))
        return cls(
            edition=edition,
            partners={a: {b: tuple(v) for b, v in inner.items()} for a, inner in partners.items()},
            classes_of={name: frozenset(v) for name, v in classes_of.items()},
            members_of=members_of,
            display=display,
        )

    def name(self, folded: str) -> str:
        return self.display.get(folded, folded)


@dataclass(frozen=True, slots=True)
class AnalysisReference:
    index: DrugIndex
    products: Mapping[str, Product]
    thesaurus: ThesaurusIndex | None
    cip13_to_cis: Mapping[str, str] = field(default_factory=dict)
    cip13_price: Mapping[str, float] = field(default_factory=dict)
    bdpm_date: str = ""
    substance_words: frozenset[str] = frozenset()
    """Every word of every substance name (salts excluded): tells a DCI on a line from a brand."""
    resolved: dict[str, object] = field(default_factory=dict, compare=False, repr=False)
    """Memo of line texts already resolved (the same products come back all day long)."""
    substance_classes: Mapping[str, tuple[str, ...]] | None = field(default=None, compare=False, repr=False)
    """Folded substance name -> the ATC chemical subgroups (5 characters) of the products holding it;
    built once with the reference, so a declared allergy never scans the products."""

    form_words: frozenset[str] | None = field(default=None, compare=False, repr=False)
    """Every word of every pharmaceutical form ("solution", "injectable", "sachet-dose"): never a substance."""
    names: Mapping[str, str] | None = field(default=None, compare=False, repr=False)
    """A product's full denomination, folded to its words ("keppra 100 mg ml solution buvable") -> its CIS."""

    def __post_init__(self) -> None:
        if self.substance_classes is None:
            object.__setattr__(self, "substance_classes", index_substance_classes(self.products.values()))
        if self.form_words is None:
            object.__setattr__(self, "form_words", frozenset(w for p in self.products.values() for w in words(p.form)))
        if self.names is None:
            object.__setattr__(self, "names", index_names(self.products.values()))

    def atc_of(self, product: Product) -> str:
        """The product's ATC code; for a generic the BDPM left without one, the single ATC subgroup (5
        characters) its single substance has in the other products holding it; "" when unknown."""
        if product.atc:
            return product.atc
        if len(product.components) != 1:
            return ""
        known = (self.substance_classes or {}).get(fold(product.components[0].name), ())
        return known[0] if len(known) == 1 else ""

    @property
    def thesaurus_source(self) -> str:
        edition = self.thesaurus.edition if self.thesaurus else "?"
        day = "/".join(reversed(edition.split("-")))
        return f"ANSM, Thésaurus des interactions médicamenteuses ({day})"

    @property
    def bdpm_source(self) -> str:
        day = "/".join(reversed(self.bdpm_date.split("-"))) if self.bdpm_date else "date inconnue"
        return f"BDPM (ANSM, HAS, UNCAM) du {day}"


def index_substance_classes(products: Iterable[Product]) -> dict[str, tuple[str, ...]]:
    """Every substance's ATC chemical subgroups, from the products that hold it and have an ATC."""
    classes: dict[str, set[str]] = defaultdict(set)
    for product in products:
        if product.atc:
            for component in product.components:
                classes[fold(component.name)].add(product.atc[:5])
    return {name: tuple(sorted(atc)) for name, atc in classes.items()}


def words(text: str) -> list[str]:
    """The folded words and numbers of a text, punctuation dropped: "0,30 mg/dose" -> ["0", "30", "mg", "dose"]."""
    return re.findall(r"[a-z0-9]+", fold(text))


def index_names(products: Iterable[Product]) -> dict[str, str]:
    """Full denominations -> CIS; a marketed product wins over a withdrawn one of the same name."""
    names: dict[str, str] = {}
    for product in sorted(products, key=lambda p: (p.marketed, p.cis), reverse=True):
        names.setdefault(" ".join(words(product.name)), product.cis)
    return names

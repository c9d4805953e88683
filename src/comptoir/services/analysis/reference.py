"""Build the analysis' view of the reference from the database, once per process and per import."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from comptoir.analysis.reference import AnalysisReference, Component, Product, ThesaurusIndex, dci_display
from comptoir.analysis.resolve import SALT_WORDS
from comptoir.domain.dispensing.packs import pack_size
from comptoir.refdata.search import DrugIndex, fold, tokens
from comptoir.refdata.thesaurus import InteractionEntry
from comptoir.services.refdata.drugs import DrugIndexCache, dosage_in_mg
from comptoir.store import models as m
from comptoir.store.refdata import ReferenceRepository

if TYPE_CHECKING:
    pass

def build_reference(source: ReferenceRepository, index: DrugIndex) -> AnalysisReference:
    reference = source
    components = _components(reference.compositions(), _thesaurus_names_by_code(reference))
    presentations = reference.presentation_prices()
    conditions: dict[str, list[str]] = defaultdict(list)
    for cis, condition in reference.prescription_conditions():
        conditions[cis].append(condition)
    products = {spec.cis: _product(spec, components.get(spec.cis, ()), conditions.get(spec.cis, ()))
                for spec in reference.specialties()}
    _attach_presentations(products, presentations)
    _borrow_missing_atc(products)
    words = {w for p in products.values() for n in p.substance_names for w in tokens(n)}
    return AnalysisReference(
        index=index, products=products, thesaurus=_thesaurus(reference),
        cip13_to_cis={cip13: cis for cis, cip13, _, _ in presentations},
        cip13_price={cip13: float(price) for _, cip13, price, _ in presentations if price is not None},
        bdpm_date=_bdpm_date(reference),
        substance_words=frozenset(w for w in words if w not in SALT_WORDS and not w[0].isdigit()),
    )


def _product(spec: m.Specialty, components: Iterable[Component], conditions: Iterable[str]) -> Product:
    return Product(cis=spec.cis, name=spec.name, form=spec.form,
                   routes=tuple(r.strip().lower() for r in spec.routes.split(";") if r.strip()),
                   atc=spec.atc_code, components=tuple(components), marketed=spec.marketing_status == "Commercialisée",
                   conditions=tuple(conditions))


def _attach_presentations(products: dict[str, Product], presentations: Sequence[Any]) -> None:
    prices: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, set[int]] = defaultdict(set)
    for cis, _, price, label in presentations:
        size = pack_size(label)
        if size:
            sizes[cis].add(size)
        if price is not None:
            prices[cis].append(float(price))
    for cis, product in list(products.items()):
        products[cis] = replace(product, min_box_price=min(prices[cis], default=None),
                                pack_sizes=tuple(sorted(sizes[cis])))


def _borrow_missing_atc(products: dict[str, Product]) -> None:
    """A single-substance product with no ATC (the BDPM links only the MITM list) takes the ATC most
    products of the same substance and route have: IBUPROFENE ARROW 400 mg -> M01AE01."""
    seen: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for product in products.values():
        if product.atc and len(product.components) == 1:
            seen[_substance_route(product)][product.atc] += 1
    for cis, product in list(products.items()):
        votes = seen.get(_substance_route(product)) if len(product.components) == 1 else None
        if not product.atc and votes:
            products[cis] = replace(product, atc=votes.most_common(1)[0][0])


def _substance_route(product: Product) -> tuple[str, str]:
    return (fold(product.components[0].name), product.routes[0] if product.routes else "")


def _thesaurus_names_by_code(reference: ReferenceRepository) -> dict[str, frozenset[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for code, name in reference.thesaurus_spellings():
        names[code].add(fold(name))
    return {code: frozenset(v) for code, v in names.items()}


def _components(compositions: Iterable[m.Composition],
                thesaurus_names: dict[str, frozenset[str]]) -> dict[str, list[Component]]:
    """One component per SA/FT link: the fraction thérapeutique's name and dosage preferred."""
    groups: dict[tuple[str, object], list[m.Composition]] = defaultdict(list)
    for row in compositions:
        groups[(row.cis, row.link_number if row.link_number is not None else f"#{row.id}")].append(row)
    components: dict[str, list[Component]] = defaultdict(list)
    for (cis, _), rows in groups.items():
        chosen = next((r for r in rows if r.nature == "FT"), rows[0])
        dosage = dosage_in_mg(chosen.dosage) or next((dosage_in_mg(r.dosage) for r in rows if dosage_in_mg(r.dosage)),
                                                     None)
        names = frozenset().union(*(thesaurus_names.get(r.substance_code, frozenset()) for r in rows))
        components[cis].append(Component(chosen.substance_code, dci_display(chosen.substance_name), dosage, names))
    return components


def _thesaurus(reference: ReferenceRepository) -> ThesaurusIndex | None:
    release = reference.latest_release("thesaurus")
    if release is None:
        return None
    entries = [InteractionEntry(r.protagonist_a, r.protagonist_b, r.level_raw, tuple(r.levels.split(";")), r.risk,
                                r.conduct, r.pdf_page, r.block)
               for r in reference.thesaurus_entries()]
    members: dict[str, list[str]] = defaultdict(list)
    for class_name, substance in reference.thesaurus_class_members():
        members[class_name].append(substance)
    edition = release.data_date.isoformat() if release.data_date else "?"
    return ThesaurusIndex.build(edition, entries, members)


def _bdpm_date(reference: ReferenceRepository) -> str:
    release = reference.latest_release("bdpm")
    return release.data_date.isoformat() if release and release.data_date else ""


class AnalysisReferenceCache:
    """One analysis reference per process, rebuilt with the drug index when a new reference is imported."""

    def __init__(self, drug_index: DrugIndexCache) -> None:
        self._drug_index = drug_index
        self._lock = threading.Lock()
        self._built: tuple[DrugIndex, AnalysisReference] | None = None

    def preload(self, index: DrugIndex, reference: AnalysisReference) -> None:
        with self._lock:
            self._built = (index, reference)

    def get(self, source: ReferenceRepository) -> AnalysisReference:
        """`get(uow.reference)` inside a unit of work; a bare session is still accepted during the transition."""
        reference = source
        index = self._drug_index.get(reference)
        with self._lock:
            if self._built is None or self._built[0] is not index:
                self._built = (index, build_reference(reference, index))
            return self._built[1]

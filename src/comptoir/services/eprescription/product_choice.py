"""Which product of the reference a prescriber's line names, or which ones it might name.

The line is resolved as the counter resolves it (`comptoir.analysis.resolve`). A line is ambiguous when
the search that resolved it also finds, nearly as well ranked, products the pharmacist could not give in
its place: another composition (substances or strengths) or another route ("DOLIPRANE" alone: 500 mg or
1000 mg, tablet or suppository). Products that differ only by laboratory or packaging are one choice:
the pharmacist's to make. A candidate holding a substance the resolved product lacks is set aside
("METFORMINE BIOGARAN 1000 mg" is not the vildagliptine/metformine combination, "EFFERALGAN 500" not
EFFERALGAN VITAMINE C).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from comptoir.analysis.reference import AnalysisReference, Product
from comptoir.analysis.resolve import candidate_queries, resolve
from comptoir.refdata.search import fold, tokens

CLOSE_SCORE = 0.3
"""Hits within this much of the best are as well named by the text (a typed strength or word weighs 1)."""
CANDIDATES_MAX = 8


@dataclass(frozen=True, slots=True)
class ProductChoice:
    product: Product | None
    """The product the counter would resolve the line to."""
    candidates: tuple[Product, ...] = ()
    """When the text names several choices: one product per choice, best ranked first."""

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def choose_product(text: str, reference: AnalysisReference) -> ProductChoice:
    """The product the line resolves to, and the choices when it names several; a code (CIP13, CIP7, CIS)
    names one product."""
    product = resolve(text, reference).product
    if product is None or re.sub(r"[\s.-]", "", text).isdigit():
        return ProductChoice(product)
    for query in candidate_queries(text):
        close = _close_products(query, text, reference)
        if close:
            return ProductChoice(product, _one_per_choice(close, product))
    return ProductChoice(product)


def _close_products(query: str, text: str, reference: AnalysisReference) -> list[Product]:
    """The products of the query's hits scored near the best hit, consistent with the substances named."""
    named = _named_substances(text, reference)
    hits = reference.index.search(query, limit=40)
    found = [(hit.score, reference.products.get(hit.record.cis)) for hit in hits]
    kept = [(score, p) for score, p in found if p is not None and (not named or named & _words_of(p))]
    if not kept:
        return []
    best = kept[0][0]
    return [p for score, p in kept if score >= best - CLOSE_SCORE]


def _one_per_choice(products: list[Product], resolved: Product) -> tuple[Product, ...]:
    allowed = {fold(c.name) for c in resolved.components}
    chosen: dict[tuple[object, ...], Product] = {}
    for product in products:
        if {fold(c.name) for c in product.components} <= allowed:
            chosen.setdefault(_choice_key(product), product)
    return tuple(chosen.values())[:CANDIDATES_MAX]


def _choice_key(product: Product) -> tuple[object, ...]:
    """What the pharmacist cannot change: the substances, the strengths the name prints, the route, and
    whether the release is modified."""
    head = fold(_FORM_AFTER.split(product.name, maxsplit=1)[0])
    modified = any(mark in head.split() for mark in _MODIFIED_RELEASE) or "liberation" in fold(product.name)
    return (tuple(sorted(fold(c.name) for c in product.components)), _strengths(head),
            tuple(sorted(product.routes)), modified)


_FORM_AFTER = re.compile(r",(?!\d)")
"""The comma before the pharmaceutical form ("DOLIPRANE 1000 mg, comprimé"; not "37,5 mg")."""
_STRENGTH = re.compile(r"(\d+(?:[.,]\d+)?)\s*(mg|g|microgrammes?|[µμ]g|mcg|ui|unites?|%|pour cent|ml)(?![a-z])")
_TO_MG = {"g": 1000.0, "mg": 1.0, "microgramme": 0.001, "microgrammes": 0.001, "µg": 0.001, "μg": 0.001,
          "mcg": 0.001}
_MODIFIED_RELEASE = ("lp", "l.p.", "chrono", "retard", "xl")


def _strengths(head: str) -> tuple[tuple[float, str], ...]:
    """"4 000 UI (40 mg)/0,4 mL" -> ((0.4, "ml"), (40.0, "mg"), (4000.0, "ui")): 1 g and 1000 mg are one."""
    found = []
    for number, unit in _STRENGTH.findall(re.sub(r"(?<=\d) (?=\d{3}\b)", "", head)):
        value = float(number.replace(",", "."))
        if unit in _TO_MG:
            found.append((round(value * _TO_MG[unit], 6), "mg"))
        else:
            found.append((value, {"unite": "ui", "unites": "ui", "pour cent": "%"}.get(unit, unit)))
    return tuple(sorted(found))


def _named_substances(text: str, reference: AnalysisReference) -> set[str]:
    return {w for w in tokens(text) if len(w) >= 5 and w in reference.substance_words}


def _words_of(product: Product) -> set[str]:
    return {w for name in product.substance_names for w in tokens(name) if len(w) >= 5}

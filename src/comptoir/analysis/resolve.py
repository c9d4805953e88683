"""From what is written on a line ("HYDROXYZINE CHLORHYDRATE 25 mg cp (ATARAX)", a CIP13, a CIS)
to a product of the reference.

Prescriptions mix brand, DCI, salt, strength and form; the drug search ANDs every word, so
we try, in order: a code; the brand in brackets with the strength; the text without its
brackets; the text with salts and forms dropped; the text as written. A candidate whose
substances do not include a substance named on the line is refused (a brand search must not
turn "PARACETAMOL (DOLIPRANE)" into another molecule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from comptoir.analysis.reference import AnalysisReference, Product
from comptoir.refdata.search import fold, tokens

SALT_WORDS = frozenset({
    "chlorhydrate", "dichlorhydrate", "oxalate", "sodique", "potassique", "calcique", "maleate", "fumarate",
    "tartrate", "succinate", "mesilate", "besilate", "bromhydrate", "sulfate", "citrate", "acetate", "trihydrate",
    "trihydratee", "monohydrate", "anhydre", "base", "magnesien", "magnesique", "lysinate", "hemifumarate",
    "dihydrate", "chlorure",
})
_BRACKETS = re.compile(r"\(([^)]*)\)")
_STRENGTH = re.compile(r"\d+(?:[.,]\d+)?(?:\s?\d{3})*\s*(?:mg|g|µg|mcg|microgrammes?|ui|u\.?i\.?|%|ml)?", re.I)


@dataclass(frozen=True, slots=True)
class ResolvedDrug:
    text: str
    product: Product | None

    @property
    def label(self) -> str:
        return self.product.name if self.product else self.text


def resolve(text: str, reference: AnalysisReference) -> ResolvedDrug:
    known = reference.resolved.get(text)
    if isinstance(known, ResolvedDrug):
        return known
    if len(reference.resolved) > 100_000:
        reference.resolved.clear()
    resolved = reference.resolved[text] = _resolve(text, reference)
    return resolved


def _resolve(text: str, reference: AnalysisReference) -> ResolvedDrug:
    code = re.sub(r"[\s.-]", "", text)
    if code.isdigit():
        hits = reference.index.search(code, limit=1)  # CIP13, CIP7 or CIS
        return ResolvedDrug(text, reference.products.get(hits[0].record.cis) if hits else None)
    for query in candidate_queries(text):
        product = _first_consistent(query, text, reference)
        if product is not None:
            return ResolvedDrug(text, product)
    return ResolvedDrug(text, None)


def candidate_queries(text: str) -> list[str]:
    strengths = " ".join(m.group(0) for m in _STRENGTH.finditer(text) if any(c.isdigit() for c in m.group(0)))
    outside = _BRACKETS.sub(" ", text)
    queries = [f"{inner} {strengths}" for inner in _BRACKETS.findall(text) if _is_brand(inner)]
    queries += [outside, _without_salts_and_forms(outside), text]
    return [q for q in dict.fromkeys(q.strip() for q in queries) if q]


def _is_brand(inner: str) -> bool:
    words = [w for w in tokens(inner) if not w[0].isdigit()]
    return bool(words) and not all(w in SALT_WORDS or len(w) <= 2 for w in words)


def _without_salts_and_forms(text: str) -> str:
    kept = [w for w in re.split(r"[\s/]+", text) if fold(w) not in SALT_WORDS and fold(w).rstrip(".") not in _FORMS]
    return " ".join(kept)


_FORMS = frozenset({"cp", "cpr", "comprime", "gel", "gelule", "sol", "inj", "susp", "buv", "sirop", "sach",
                    "sachet", "effervescent", "eff", "p", "perf", "inj/p", "amp", "pdre", "pdr"})


def _first_consistent(query: str, text: str, reference: AnalysisReference) -> Product | None:
    named = _substance_words(text, reference)
    for hit in reference.index.search(query, limit=5):
        product = reference.products.get(hit.record.cis)
        if product is None:
            continue
        if not named or named & _product_words(product):
            return product
    return None


def _substance_words(text: str, reference: AnalysisReference) -> set[str]:
    """Words of the line that are substance names of the reference (long enough to mean something)."""
    return {w for w in tokens(text) if len(w) >= 5 and w in reference.substance_words}


def _product_words(product: Product) -> set[str]:
    return {w for name in product.substance_names for w in tokens(name)}

"""From what is written on a line ("HYDROXYZINE CHLORHYDRATE 25 mg cp (ATARAX)", a CIP13, a CIS)
to a product of the reference.

Prescriptions mix brand, DCI, salt, strength and form; the drug search ANDs every word, so
we try, in order: a code; the full BDPM denomination as written, or with the prescriber's
abbreviations spelt out ("cp", "sol buv", "LP"); the brand in brackets with the strength; the
text without its brackets, then with the abbreviations spelt out; the denomination before its
form (the part before the comma); the text with salts and forms dropped; the text as written. A candidate whose
substances do not include a substance named on the line is refused (a brand search must not
turn "PARACETAMOL (DOLIPRANE)" into another molecule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from comptoir.analysis.reference import AnalysisReference, Product, words
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
    exact = _exact(text, reference)
    if exact is not None:
        return ResolvedDrug(text, exact)
    for query in candidate_queries(text):
        product = _first_consistent(query, text, reference)
        if product is not None:
            return ResolvedDrug(text, product)
    return ResolvedDrug(text, None)


def candidate_queries(text: str) -> list[str]:
    strengths = " ".join(m.group(0) for m in _STRENGTH.finditer(text) if any(c.isdigit() for c in m.group(0)))
    outside = _BRACKETS.sub(" ", text)
    queries = [f"{inner} {strengths}" for inner in _BRACKETS.findall(text) if _is_brand(inner)]
    denomination = outside.split(",")[0]
    queries += [outside, spelt_out(outside), denomination, _without_salts_and_forms(outside), text]
    if (named := _NAME_AND_STRENGTH.match(outside)) is not None:
        queries.append(named.group(0))
    return [q for q in dict.fromkeys(q.strip() for q in queries) if q]


def _is_brand(inner: str) -> bool:
    words = [w for w in tokens(inner) if not w[0].isdigit()]
    return bool(words) and not all(w in SALT_WORDS or len(w) <= 2 for w in words)


def _without_salts_and_forms(text: str) -> str:
    kept = [w for w in re.split(r"[\s/]+", text) if fold(w) not in SALT_WORDS and fold(w).rstrip(".") not in _FORMS]
    return " ".join(kept)


_FORMS = frozenset({"cp", "cpr", "comprime", "gel", "gelule", "sol", "inj", "susp", "buv", "sirop", "sach",
                    "sachet", "effervescent", "eff", "p", "perf", "inj/p", "amp", "pdre", "pdr"})


ABBREVIATIONS = {
    "cp": "comprime", "cpr": "comprime", "cpe": "comprime", "comp": "comprime", "sol": "solution",
    "buv": "buvable", "inj": "injectable", "susp": "suspension", "pdre": "poudre", "pdr": "poudre",
    "sach": "sachet", "eff": "effervescent", "efferv": "effervescent", "lp": "a liberation prolongee",
    "lm": "a liberation modifiee", "sec": "secable", "pell": "pellicule", "pellic": "pellicule",
    "orodisp": "orodispersible", "disp": "dispersible", "amp": "ampoule", "gtt": "gouttes", "gttes": "gouttes",
    "suppo": "suppositoire", "ser": "seringue", "preremp": "preremplie", "caps": "capsule", "collyr": "collyre",
}
"""Prescribers' abbreviations of forms (folded). "gél" is left alone: it may be a gélule or a gel."""
_NAME_AND_STRENGTH = re.compile(r"\D*?\d[\d\s.,]*(?:mg|g|µg|ui|ml|%)?(?:\s*/\s*[\d.,]+\s*(?:mg|g|µg|ui|ml)?)*", re.I)
"""The name and its strength, what follows dropped ("AUGMENTIN 1 g/125 mg" of "… pdre … adultes")."""
_RELEASE = frozenset({"lp", "prolongee", "lm", "modifiee", "retard"})


def spelt_out(text: str) -> str:
    """The text's words with the prescriber's abbreviations spelt out: "sol buv" -> "solution buvable"."""
    return " ".join(ABBREVIATIONS.get(w, w) for w in words(text))


def _exact(text: str, reference: AnalysisReference) -> Product | None:
    names = reference.names or {}
    for written in (" ".join(words(text)), spelt_out(text)):
        cis = names.get(written)
        if cis is not None:
            return reference.products.get(cis)
    return None


def _first_consistent(query: str, text: str, reference: AnalysisReference) -> Product | None:
    """The first hit naming a substance of the line; a modified-release hit only for a modified-release line
    when both kinds are found (an "LP" must not become the immediate form, nor the reverse)."""
    named = _substance_words(text, reference)
    consistent = [product for hit in reference.index.search(query, limit=5)
                  if (product := reference.products.get(hit.record.cis)) is not None
                  and (not named or named & _product_words(product))]
    release = _is_modified_release(text)
    same = [p for p in consistent if _is_modified_release(p.name) == release]
    chosen = same or consistent
    return chosen[0] if chosen else None


def _is_modified_release(text: str) -> bool:
    return bool(_RELEASE & set(words(text)))


def _substance_words(text: str, reference: AnalysisReference) -> set[str]:
    """Words of the line that are substance names of the reference (long enough to mean something) and not
    words of a form ("solution" is in some substance names, and in every "solution buvable")."""
    forms = reference.form_words or frozenset()
    return {w for w in tokens(text) if len(w) >= 5 and w in reference.substance_words and w not in forms}


def _product_words(product: Product) -> set[str]:
    return {w for name in product.substance_names for w in tokens(name)}

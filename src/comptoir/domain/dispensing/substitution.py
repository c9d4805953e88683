"""Generic substitution at the counter (CSP L.5125-23): within the BDPM generic group, unless the
prescriber wrote a valid "non substituable" mention.

Since 1 January 2020 the mention must carry one of three reasons (arrêté du 12 novembre 2019, JO du
19 novembre 2019, taken under CSP L.5125-23; read on the Ordre des pharmaciens' pages "Médicaments à
marge thérapeutique étroite : conditions d'exclusion de la substitution" and "La liste des médicaments
à marge thérapeutique étroite non substituables est étendue", and the CPAM's note of 18/12/2019):
- "MTE": narrow-therapeutic-margin drug for a patient stabilised on it — valid only for the
  substances listed in the arrêté's annex (13 substances), completed by the arrêté du 20 juillet 2022
  (JO du 28 juillet 2022: lacosamide, oxcarbazépine). Outside the list the mention has no effect: the
  substitution stays allowed and the pharmacist is warned.
- "EFG": a child under 6 years when no generic has a suitable form — valid only for a child under 6
  on the day of dispensing.
- "CIF": a formal, proven contraindication to an excipient with known effect present in every generic
  — valid, no substitution (the pharmacist cannot check the excipients of every generic from here).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class NonSubstitution(StrEnum):
    MTE = "MTE"
    EFG = "EFG"
    CIF = "CIF"


NARROW_MARGIN_SUBSTANCES = frozenset({
    # arrêté du 12 novembre 2019, annexe
    "lamotrigine", "pregabaline", "zonisamide", "levetiracetam", "topiramate", "valproate de sodium",
    "levothyroxine", "mycophenolate mofetil", "buprenorphine", "azathioprine", "ciclosporine", "everolimus",
    "mycophenolate sodique",
    # arrêté du 20 juillet 2022
    "lacosamide", "oxcarbazepine",
})
"""Folded names (no accents, lower case) of the substances for which "non substituable (MTE)" is valid."""

CHILD_AGE_LIMIT_YEARS = 6
"""EFG: "enfant de moins de 6 ans" (arrêté du 12 novembre 2019)."""

_ALIASES = {"acide mycophenolique": "mycophenolate sodique"}
"""The BDPM's "fraction thérapeutique" of mycophénolate sodique (MYFORTIC) is named as the acid."""


@dataclass(frozen=True, slots=True)
class SubstitutionRule:
    allowed: bool
    """May the pharmacist give another member of the generic group."""
    warning: str | None = None
    """French: a mention that was not valid and is ignored."""
    note: str | None = None
    """French: why substitution is excluded, when it is."""


def narrow_margin(substances: Iterable[str]) -> bool:
    """Does a product hold a substance of the MTE list, under any of the BDPM's spellings ("LÉVOTHYROXINE
    SODIQUE", "SODIUM (VALPROATE DE)", "CHLORHYDRATE DE BUPRÉNORPHINE"); every word of a listed name must
    be there ("divalproate de sodium" is not "valproate de sodium")."""
    return any(_listed(_words(name)) for name in substances)


def _listed(words: frozenset[str]) -> bool:
    names = NARROW_MARGIN_SUBSTANCES | {alias for alias, listed in _ALIASES.items() if listed}
    return any(_words(name) <= words for name in names)


def _words(name: str) -> frozenset[str]:
    decomposed = unicodedata.normalize("NFKD", name.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return frozenset(re.findall(r"[a-z]+", bare))


def age_in_years(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def substitution_rule(mention: str | None, *, substances: Iterable[str], birth_date: date | None,
                      today: date) -> SubstitutionRule:
    """What a line's "non substituable" mention allows (see the module's rules)."""
    if not mention:
        return SubstitutionRule(allowed=True)
    kind = mention.strip().upper()
    if kind == NonSubstitution.MTE:
        return _mte(list(substances))
    if kind == NonSubstitution.EFG:
        return _efg(birth_date, today)
    if kind == NonSubstitution.CIF:
        return SubstitutionRule(allowed=False, note="Non substituable (CIF) : contre-indication formelle à un "
                                                    "excipient, produit prescrit délivré.")
    return SubstitutionRule(allowed=True, warning=f"Mention « non substituable ({mention}) » inconnue : seules MTE, "
                                                  "EFG et CIF excluent la substitution ; substitution possible.")


def _mte(substances: list[str]) -> SubstitutionRule:
    if narrow_margin(substances):
        return SubstitutionRule(allowed=False, note="Non substituable (MTE) : médicament à marge thérapeutique "
                                                    "étroite, produit prescrit délivré.")
    return SubstitutionRule(allowed=True, warning="Mention « non substituable (MTE) » non valable : la substance "
                                                  "n'est pas sur la liste des médicaments à marge thérapeutique "
                                                  "étroite (arrêté du 12 novembre 2019) ; substitution possible.")


def _efg(birth_date: date | None, today: date) -> SubstitutionRule:
    if birth_date is None:
        return SubstitutionRule(allowed=False, note="Non substituable (EFG) : date de naissance inconnue, produit "
                                                    "prescrit délivré ; vérifiez l'âge de l'enfant.")
    age = age_in_years(birth_date, today)
    if age < CHILD_AGE_LIMIT_YEARS:
        return SubstitutionRule(allowed=False, note=f"Non substituable (EFG) : enfant de {age} an(s), produit "
                                                    "prescrit délivré.")
    return SubstitutionRule(allowed=True, warning=f"Mention « non substituable (EFG) » non valable : le patient a "
                                                  f"{age} ans (elle vaut pour un enfant de moins de 6 ans) ; "
                                                  "substitution possible.")

"""The INS: a matricule (NIR or NIA, told apart by its OID) and the five traits (SPEC §1.2).

Traits are compared the way the INS referential writes them: upper case, no diacritics,
hyphens and apostrophes kept, spaces collapsed. The first birth first name is the first
item of the space-separated list (a compound name such as "ANNE-SOPHIE" stays whole).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class InsOid(StrEnum):
    """The authority of a matricule INS (SPEC §0.1)."""

    NIR = "1.2.250.1.213.1.4.8"
    NIA = "1.2.250.1.213.1.4.9"
    TEST = "1.2.250.1.213.1.4.10"
    DEMO = "1.2.250.1.213.1.4.11"

    @property
    def label(self) -> str:
        return OID_LABELS[self]


OID_LABELS = {InsOid.NIR: "NIR", InsOid.NIA: "NIA (numéro d'attente)", InsOid.TEST: "NIR de test",
              InsOid.DEMO: "NIR de démonstration"}


def ins_text(value: str) -> str:
    """A name as the INS writes it: upper case without diacritics, single spaces."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("Œ", "OE").replace("œ", "oe")
    return re.sub(r"\s+", " ", plain).strip().upper()


@dataclass(frozen=True, slots=True)
class InsTraits:
    """The five traits INS; `birth_given_names` is the full list, space separated."""

    birth_name: str
    birth_given_names: str
    birth_date: date
    sex: str
    birth_place: str

    @property
    def first_birth_given_name(self) -> str:
        names = ins_text(self.birth_given_names).split(" ")
        return names[0] if names else ""

    def normalised(self) -> InsTraits:
        return InsTraits(ins_text(self.birth_name), ins_text(self.birth_given_names), self.birth_date,
                         self.sex.upper(), self.birth_place.upper())


@dataclass(frozen=True, slots=True)
class InsIdentity:
    """An identity as the INSi téléservice returns it."""

    matricule: str
    oid: InsOid
    traits: InsTraits


@dataclass(frozen=True, slots=True)
class TraitDifference:
    field: str
    label: str
    ours: str
    theirs: str


TRAIT_LABELS = (
    ("birth_name", "Nom de naissance"),
    ("birth_given_names", "Prénom(s) de naissance"),
    ("birth_date", "Date de naissance"),
    ("sex", "Sexe"),
    ("birth_place", "Lieu de naissance (code INSEE)"),
)


def trait_text(traits: InsTraits, field: str) -> str:
    value = getattr(traits, field)
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else ins_text(str(value))


def differences(ours: InsTraits, theirs: InsTraits) -> tuple[TraitDifference, ...]:
    """The traits of our record that differ from those the INSi returned, compared as the INS writes them."""
    return tuple(TraitDifference(field, label, trait_text(ours, field), trait_text(theirs, field))
                 for field, label in TRAIT_LABELS if trait_text(ours, field) != trait_text(theirs, field))

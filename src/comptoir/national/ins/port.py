"""What the services ask of the INSi téléservice, in our words (SPEC §1.5, §15.1).

Three questions: find the INS from a carte Vitale's data, find it from typed traits (birth name
and first names are enough to ask), and check an INS already known (read from a DataMatrix or
stored). Each search answers none, one, or several identities; when several match, the service
does not list them: the operator completes the traits and asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from comptoir.domain.identity.ins import InsIdentity


class SearchOutcome(StrEnum):
    NONE = "aucune"
    ONE = "une"
    SEVERAL = "plusieurs"

    @property
    def message(self) -> str:
        return {SearchOutcome.NONE: "Aucune identité INS ne correspond : vérifiez les traits saisis.",
                SearchOutcome.ONE: "Une identité INS trouvée.",
                SearchOutcome.SEVERAL: "Plusieurs identités correspondent : complétez les traits (date, sexe, "
                                       "lieu de naissance, tous les prénoms) et relancez la recherche."}[self]


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    outcome: SearchOutcome
    identity: InsIdentity | None = None


@dataclass(frozen=True, slots=True)
class TraitsQuery:
    birth_name: str
    given_names: str
    sex: str | None = None
    birth_date: date | None = None
    birth_place: str | None = None


@dataclass(frozen=True, slots=True)
class CardQuery:
    """One beneficiary of a carte Vitale: the holder's NIR, the names on the card, the birth date."""

    holder_nir: str
    used_name: str
    first_name: str
    birth_date: date
    birth_rank: int = 1


class VerificationOutcome(StrEnum):
    CONFORMING = "conforme"
    NOT_CONFORMING = "non conforme"
    UNKNOWN = "inconnue"


@dataclass(frozen=True, slots=True)
class VerificationAnswer:
    outcome: VerificationOutcome
    identity: InsIdentity | None = None
    """The identity the service holds for this matricule, when it knows it."""


class InsTeleservice(Protocol):
    def search_by_card(self, query: CardQuery) -> SearchAnswer: ...

    def search_by_traits(self, query: TraitsQuery) -> SearchAnswer: ...

    def verify(self, identity: InsIdentity) -> VerificationAnswer: ...

"""What the services ask of the Annuaire Santé, in our words (SPEC §3.1, §7.1).

A professional is found by RPPS (or by name and city); he has a profession (TRE_G15: `10` médecin, `21`
pharmacien…), maybe a specialty (TRE_R38, `SM26` médecine générale), an active or struck-off status, and his
places of practice (a structure with its FINESS or SIRET, its address, its secteur d'activité) with, at each
place, his MSSanté mailboxes. A structure is found by FINESS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

PRESCRIBING_PROFESSIONS = frozenset({"10", "40", "50", "60", "70", "91"})
"""G15 codes of the professions that write prescriptions of medicines: médecin (10), chirurgien-dentiste (40),
sage-femme (50), infirmier (60), masseur-kinésithérapeute (70), pédicure-podologue (91). [U] Each but the
médecin may prescribe only a list (CSP L.4141-2, L.4151-4, L.4311-1, L.4321-1, L.4322-1); the counter's check
stops at "a profession that prescribes at all": a pharmacien, an opticien or an orthophoniste is not one."""

PROFESSIONS = {"10": "Médecin", "21": "Pharmacien", "40": "Chirurgien-dentiste", "50": "Sage-femme",
               "60": "Infirmier", "70": "Masseur-kinésithérapeute", "91": "Pédicure-podologue",
               "26": "Audioprothésiste", "28": "Opticien-lunetier", "81": "Orthophoniste"}
"""TRE_G15-ProfessionSante codes and labels used by the emulator's professionals."""

SPECIALTIES = {"SM26": "Médecine générale", "SM54": "Pédiatrie", "SM04": "Cardiologie et maladies vasculaires",
               "SM15": "Dermatologie et vénéréologie", "SM53": "Psychiatrie", "SM20": "Gynécologie médicale",
               "SM42": "Ophtalmologie", "SM03": "Anesthésie-réanimation", "SM35": "Oto-rhino-laryngologie",
               "SM19": "Gynécologie-obstétrique", "SM39": "Néphrologie", "SM50": "Pneumologie",
               "SM47": "Rhumatologie", "SM24": "Endocrinologie et métabolisme"}
"""TRE_R38-SpecialiteOrdinale codes (the physician's qualification) and labels."""


@dataclass(frozen=True, slots=True)
class Organization:
    """A place of practice: a structure of the directory."""

    id: str
    name: str
    finess: str | None = None
    siret: str | None = None
    sector: str = ""
    """TRE_R02 secteur d'activité: `SA33` pharmacie d'officine, `SA07` cabinet individuel…"""
    address_lines: tuple[str, ...] = ()
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    mailboxes: tuple[str, ...] = ()
    """Organisational MSSanté mailboxes of the structure."""
    active: bool = True

    @property
    def address(self) -> str:
        place = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (*self.address_lines, place) if p)


@dataclass(frozen=True, slots=True)
class Role:
    """One place where the professional practises, and his personal MSSanté mailboxes there."""

    organization: Organization | None
    mailboxes: tuple[str, ...] = ()
    active: bool = True


@dataclass(frozen=True, slots=True)
class Practitioner:
    rpps: str
    family_name: str
    given_name: str
    profession: str
    """TRE_G15 code (`10` médecin, `21` pharmacien…)."""
    profession_label: str = ""
    specialty: str = ""
    """TRE_R38 code (`SM26`), empty when none."""
    specialty_label: str = ""
    active: bool = True
    """False: struck off the roll (radié), or no longer practising."""
    mailboxes: tuple[str, ...] = ()
    """Personal MSSanté mailboxes carried by the Practitioner itself."""
    roles: tuple[Role, ...] = ()

    @property
    def prescribes(self) -> bool:
        return self.profession in PRESCRIBING_PROFESSIONS

    @property
    def all_mailboxes(self) -> tuple[str, ...]:
        """His personal mailboxes, those of the Practitioner first, each once."""
        found = [*self.mailboxes, *(box for role in self.roles if role.active for box in role.mailboxes)]
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class SearchPage:
    practitioners: tuple[Practitioner, ...]
    total: int
    next_page: str | None = None
    """The service's link to the next page, to give back to `next_page` of the client; None on the last."""


class Annuaire(Protocol):
    def practitioner(self, rpps: str) -> Practitioner | None: ...

    def search(self, *, name: str = "", city: str = "", count: int = 20) -> SearchPage: ...

    def organization(self, finess: str) -> Organization | None: ...

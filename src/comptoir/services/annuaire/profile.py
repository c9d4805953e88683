"""The prescriber module's profile: the doctor's own data (names, specialty, place of practice, address,
structure number), filled from the Annuaire Santé on request (« Remplir depuis l'Annuaire Santé »), then
reviewed, corrected if need be, and saved by the prescriber himself.

Filling changes nothing stored: it brings the form back with the Annuaire's values; saving records them.
The structure number (`am`) is the N° AM of a cabinet, which the Annuaire does not publish, or the FINESS of an
establishment (SPEC §3.1, arrêté du 10 août 2010): it is filled only when his place of practice has a FINESS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain import bounds
from comptoir.domain.eprescription.identifiers import check_rpps
from comptoir.domain.operators import Permission
from comptoir.errors import ExternalServiceError, FieldErrors, RuleViolation
from comptoir.national.annuaire.port import Practitioner, Role
from comptoir.services.annuaire.directory import CachedDirectory, installed
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.eprescription import PrescriberProfile

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

FIELDS = ("rpps", "am", "last_name", "first_name", "specialty", "address", "phone")
REQUIRED = {"rpps": "N° RPPS", "am": "N° AM ou FINESS", "last_name": "Nom", "first_name": "Prénom"}


@dataclass(frozen=True, slots=True)
class Filled:
    values: dict[str, str]
    notice: str


def profile_values(*, uow: UnitOfWork, operator: CurrentOperator) -> dict[str, str]:
    """The saved profile, or a new one holding the account's RPPS."""
    operator.require(Permission.PRESCRIBE)
    with uow:
        row = uow.prescribers.profile(operator.code)
        if row is not None:
            return {name: str(getattr(row, name) or "") for name in FIELDS}
        account = uow.operators.by_code(operator.code)
        return {name: "" for name in FIELDS} | {"rpps": (account.rpps or "") if account else ""}


def fill_from_annuaire(values: dict[str, str], *, operator: CurrentOperator,
                       directory: CachedDirectory | None = None) -> Filled:
    """The form's values with what the Annuaire Santé knows of its RPPS (nothing saved)."""
    operator.require(Permission.PRESCRIBE)
    rpps = values.get("rpps", "").replace(" ", "")
    if not check_rpps(rpps).well_formed:
        raise FieldErrors({"rpps": "N° RPPS : 11 chiffres, pour le chercher dans l'Annuaire Santé."})
    directory = directory or installed()
    if directory is None:
        raise RuleViolation("Annuaire Santé non configuré (COMPTOIR_ANNUAIRE_URL) : saisissez votre profil.")
    answer = directory.lookup(rpps)
    if answer.failure:
        raise ExternalServiceError(f"{answer.failure} Saisissez votre profil ou réessayez plus tard.",
                                   permanent=False)
    found = answer.found
    if found is None:
        raise FieldErrors({"rpps": f"RPPS {rpps} inconnu de l'Annuaire Santé : vérifiez-le."})
    if not found.active:
        raise FieldErrors({"rpps": f"RPPS {rpps} : professionnel radié ou sans exercice selon l'Annuaire Santé."})
    return Filled({**values, **annuaire_fields(found, values)},
                  "Rempli depuis l'Annuaire Santé : vérifiez, corrigez si besoin, puis enregistrez.")


def annuaire_fields(found: Practitioner, current: dict[str, str]) -> dict[str, str]:
    place = _main_place(found)
    organization = place.organization if place else None
    fields = {"rpps": found.rpps, "last_name": found.family_name.upper(), "first_name": found.given_name,
              "specialty": found.specialty_label or found.profession_label}
    if organization is not None:
        fields["address"] = ", ".join(p for p in (organization.name, organization.address) if p)
        fields["phone"] = organization.phone or current.get("phone", "")
        fields["am"] = organization.finess or current.get("am", "")
    return fields


def _main_place(found: Practitioner) -> Role | None:
    return next((role for role in found.roles if role.active and role.organization), None)


def save_profile(values: dict[str, str], *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> None:
    operator.require(Permission.PRESCRIBE)
    given = {name: values.get(name, "").strip() for name in FIELDS}
    given["rpps"], given["am"] = given["rpps"].replace(" ", ""), given["am"].replace(" ", "")
    with uow:
        account = uow.operators.by_code(operator.code)
        _check(given, account.rpps if account else None)
        row = uow.prescribers.profile(operator.code)
        if row is None:
            row = PrescriberProfile(operator_code=operator.code)
            uow.prescribers.add_profile(row)
        for name, value in given.items():
            setattr(row, name, value)
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="prescriber_profile",
              object_id=operator.code, detail=f"profil prescripteur RPPS {given['rpps']}", now=now)
        uow.commit()


def _check(given: dict[str, str], account_rpps: str | None) -> None:
    errors = {name: f"{label} : obligatoire." for name, label in REQUIRED.items() if not given[name]}
    if given["rpps"] and not check_rpps(given["rpps"]).well_formed:
        errors["rpps"] = "N° RPPS : 11 chiffres."
    elif account_rpps and given["rpps"] and given["rpps"] != account_rpps:
        errors["rpps"] = f"Votre compte porte le RPPS {account_rpps} : le profil ne peut en porter un autre."
    if given["am"] and not (len(given["am"]) == 9 and given["am"].isalnum()):
        errors["am"] = "N° AM ou FINESS : 9 caractères."
    limits = {"phone": 30, "address": bounds.SHORT_TEXT_MAX}
    errors |= {name: f"Texte trop long : {limits.get(name, bounds.NAME_MAX)} caractères au plus."
               for name in ("last_name", "first_name", "specialty", "address", "phone")
               if len(given[name]) > limits.get(name, bounds.NAME_MAX) and name not in errors}
    if errors:
        raise FieldErrors(errors)

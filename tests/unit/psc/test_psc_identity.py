"""Who Pro Santé Connect says the professional is, and which comptoir role that allows."""

from __future__ import annotations

import pytest

from comptoir.domain.operators import Role
from comptoir.national.psc.professionals import PROFESSIONALS, userinfo_claims
from comptoir.national.psc.wire import identity_from_userinfo, rpps_of
from comptoir.services.platform.psc_login import role_for


def test_an_rpps_idnat_gives_its_rpps() -> None:
    assert rpps_of("810003456789") == "10003456789"


@pytest.mark.parametrize("id_nat", ["0012807590", "8100034567", "81000345678x", "910003456789", ""])
def test_other_idnat_forms_give_no_rpps(id_nat: str) -> None:
    assert rpps_of(id_nat) is None


def test_userinfo_of_the_titulaire_reads_as_a_pharmacist_of_the_demo_pharmacy() -> None:
    titulaire = PROFESSIONALS[0]

    identity = identity_from_userinfo(userinfo_claims(titulaire, subject="s"))

    assert (identity.rpps, identity.professions, identity.structure_finess) == ("10003456789", ("21",), "750000001")
    assert (identity.given_name, identity.family_name) == ("Claire", "MARTIN")


def test_userinfo_without_national_identifier_is_refused() -> None:
    with pytest.raises(ValueError):
        identity_from_userinfo({"sub": "s", "given_name": "Claire"})


@pytest.mark.parametrize("account", [Role.TITULAIRE, Role.ADJOINT, Role.PREPARATEUR, Role.ETUDIANT])
def test_a_pharmacist_gets_the_pharmacy_role_of_the_account(account: Role) -> None:
    assert role_for(["21"], account) is account


@pytest.mark.parametrize("account", [Role.ADMIN, Role.PRESCRIPTEUR])
def test_a_pharmacist_does_not_open_a_non_pharmacy_account(account: Role) -> None:
    assert role_for(["21"], account) is None


def test_a_preparateur_never_opens_a_pharmacist_account() -> None:
    assert role_for(["30"], Role.PREPARATEUR) is Role.PREPARATEUR
    assert role_for(["30"], Role.TITULAIRE) is None
    assert role_for(["30"], Role.ADJOINT) is None


def test_a_physician_opens_the_prescriber_module_only() -> None:
    assert role_for(["10"], Role.PRESCRIPTEUR) is Role.PRESCRIPTEUR
    assert role_for(["10"], Role.TITULAIRE) is None


def test_an_unknown_profession_opens_nothing() -> None:
    assert role_for(["60"], Role.PREPARATEUR) is None
    assert role_for([], Role.TITULAIRE) is None

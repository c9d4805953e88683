"""Mon espace santé: what the patient and his legal representatives see (SPEC §5.3 masks), the patient's
opposition (a blocked professional, a closed DMP), and the journal of who accessed the DMP."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from comptoir.errors import ExternalServiceError
from comptoir.national.credentials import DEMO_PHARMACIST_RPPS, DEMO_PHARMACY_FINESS
from comptoir.national.dmp.client import DmpClient
from comptoir.national.dmp.port import Visibility
from comptoir.national.dmp.rules import Identity
from tests.fakes.dmp import GENE, MINOR, kit_document
from tests.integration.dmp.conftest import OTHER_PHARMACY_TOKEN, PHARMACY_TOKEN

Account = Callable[[str], httpx.Client]
Connect = Callable[[str | None], DmpClient]


def vaccination(patient: Identity, document_id: str = "1.2.250.1.888.1") -> bytes:
    return kit_document("VAC-NOTE_2023.01.xml", patient=patient, document_id=document_id,
                        rpps=DEMO_PHARMACIST_RPPS, structure=DEMO_PHARMACY_FINESS)


def seen(account: httpx.Client) -> list[str]:
    answer = account.get("/documents")
    assert answer.status_code == 200, answer.text
    return [entry["uniqueId"] for entry in answer.json()]


def test_a_masked_document_stays_visible_to_the_patient(pharmacy: DmpClient, espace_sante: Account) -> None:
    pharmacy.submit(vaccination(GENE), (Visibility.MASKED_FROM_PROFESSIONALS,))

    assert seen(espace_sante("gene")) == ["1.2.250.1.888.1"]


def test_a_document_invisible_to_the_patient_is_hidden_from_him_only(
        pharmacy: DmpClient, connect: Connect, espace_sante: Account) -> None:
    pharmacy.submit(vaccination(MINOR), (Visibility.INVISIBLE_TO_PATIENT,))

    assert seen(espace_sante("minor")) == []
    assert espace_sante("minor").get("/documents/1.2.250.1.888.1").status_code == 404
    assert seen(espace_sante("parent")) == ["1.2.250.1.888.1"]
    assert [e.unique_id for e in connect(OTHER_PHARMACY_TOKEN).search(MINOR.matricule)] == ["1.2.250.1.888.1"]


def test_a_document_invisible_to_legal_representatives_is_hidden_from_them_only(
        pharmacy: DmpClient, espace_sante: Account) -> None:
    pharmacy.submit(vaccination(MINOR), (Visibility.INVISIBLE_TO_LEGAL_REPRESENTATIVES,))

    assert seen(espace_sante("parent")) == []
    assert seen(espace_sante("minor")) == ["1.2.250.1.888.1"]
    assert espace_sante("minor").get("/documents/1.2.250.1.888.1").json()["fiche"]["confidentialite"] == [
        "N", "INVISIBLE_REPRESENTANTS_LEGAUX"]


def test_a_patient_sees_only_his_own_documents(pharmacy: DmpClient, espace_sante: Account) -> None:
    pharmacy.submit(vaccination(MINOR))

    assert espace_sante("gene").get("/documents/1.2.250.1.888.1").status_code == 404


@pytest.mark.parametrize("blocked", [{"rpps": DEMO_PHARMACIST_RPPS}, {"structure": DEMO_PHARMACY_FINESS}])
def test_a_blocked_professional_can_no_longer_read_the_dmp(
        pharmacy: DmpClient, connect: Connect, espace_sante: Account, blocked: dict[str, str]) -> None:
    pharmacy.submit(vaccination(GENE))

    assert espace_sante("gene").post("/blocages", json=blocked).status_code == 204
    status = pharmacy.status(GENE.matricule)
    with pytest.raises(ExternalServiceError, match="s'est opposé à l'accès") as refused:
        pharmacy.search(GENE.matricule)

    assert (status.exists, status.opposed) == (True, True)
    assert refused.value.permanent and "403" in str(refused.value)
    assert len(connect(OTHER_PHARMACY_TOKEN).search(GENE.matricule)) == 1


def test_a_closed_dmp_is_neither_read_nor_fed(pharmacy: DmpClient, espace_sante: Account) -> None:
    assert espace_sante("gene").post("/fermeture").status_code == 204

    status = pharmacy.status(GENE.matricule)
    with pytest.raises(ExternalServiceError, match="a fermé son DMP") as refused:
        pharmacy.submit(vaccination(GENE))

    assert not status.exists and "fermé" in status.reason
    assert refused.value.permanent


def test_the_patient_sees_who_accessed_his_dmp(
        pharmacy: DmpClient, connect: Connect, espace_sante: Account) -> None:
    pharmacy.submit(vaccination(GENE))
    pharmacy.retrieve("1.2.250.1.888.1")
    espace_sante("gene").post("/blocages", json={"rpps": "10000000009"})
    with pytest.raises(ExternalServiceError):
        connect(OTHER_PHARMACY_TOKEN).search(GENE.matricule)

    journal = espace_sante("gene").get("/acces").json()

    assert [(a["action"], a["resultat"]) for a in journal][:3] == [
        ("recherche", "refus 403"), ("blocage", "ok"), ("consultation", "ok")]
    assert f"RPPS {DEMO_PHARMACIST_RPPS}" in journal[2]["qui"]


def test_mon_espace_sante_needs_the_patient_s_own_token(dmp_url: str) -> None:
    anonymous = httpx.get(f"{dmp_url}/espace-sante/documents")
    professional = httpx.get(f"{dmp_url}/espace-sante/documents",
                             headers={"Authorization": f"Bearer {PHARMACY_TOKEN}"})

    assert (anonymous.status_code, professional.status_code) == (401, 401)
    assert "Mon espace santé" in anonymous.json()["detail"]

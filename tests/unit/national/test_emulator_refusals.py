"""The ON base emulator refuses, with a 4xx and a French sentence, what its rules or its messages forbid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from comptoir.national.credentials import demo_pharmacy, demo_prescriber
from comptoir.national.eprescription.emulator import create_emulator

LINE = {"numero": 1, "designation": "AMLODIPINE 5 mg", "posologie": "1 le matin"}
DEMAND = {"prescripteur": {"rpps": "99900038441", "am": "991118019", "nom": "TRAL"},
          "patient": {"nom": "GENE", "prenom": "Alain", "dateNaissance": "1966-02-23"},
          "datePrescription": "2026-02-19", "lignes": [LINE], "consentement": True}


@pytest.fixture
def base(tmp_path: Path) -> TestClient:
    """The base as the demo prescriber calls it (his credentials); the billing call as the pharmacy does."""
    emulator = create_emulator(tmp_path / "on.db", slow_s=0,
                               credentials=[demo_prescriber("jeton-medecin"), demo_pharmacy("jeton-pharmacie")])
    return TestClient(emulator, headers={"Authorization": "Bearer jeton-medecin"})


def created(base: TestClient, **change: Any) -> tuple[int, object]:
    answer = base.post("/ordonnances", json={**DEMAND, **change})
    return answer.status_code, answer.json()["detail"]


def test_a_rule_of_the_domain_is_a_422_with_its_sentence(base: TestClient) -> None:
    status, detail = created(base, lignes=[{**LINE, "substituable": False}])

    assert (status, detail) == (422, "Ligne 1 : « non substituable » demande un motif (MTE, EFG ou CIF).")


@pytest.mark.parametrize("change", [
    {"lignes": [{**LINE, "dureeJours": 10**12}]},
    {"lignes": [{**LINE, "quantite": 10**6}]},
    {"lignes": [LINE] * 21},
    {"datePrescription": "9999-12-31"},
    {"patient": {**DEMAND["patient"], "nom": "A" * 100_000}},
])
def test_a_message_beyond_its_bounds_is_a_422(base: TestClient, change: dict[str, object]) -> None:
    status, _ = created(base, **change)

    assert status == 422


def test_a_nan_amount_is_refused(base: TestClient) -> None:
    body = '{"numeroFacture": "F1", "dateFacture": "2026-02-19", "lignes": [{"numeroLigne": 1, "montant": NaN}]}'

    answer = base.post("/ordonnances/X/executions/K/facturation", content=body,
                       headers={"content-type": "application/json", "Authorization": "Bearer jeton-pharmacie"})

    assert answer.status_code == 422

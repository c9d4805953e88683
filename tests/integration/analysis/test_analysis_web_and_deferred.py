"""The analysis over HTTP (audited), pharmacist decisions, and the deferred double check's queue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from comptoir.domain.operators import Role
from comptoir.services.analysis.deferred_check import check_period
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.dispensing import AnalysisDecision, Dispensation, DispensedLine
from comptoir.web.app import create_app
from tests.conftest import add_operator, open_session

EXAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "examples"


@pytest.fixture
def client(reference_runtime: Runtime) -> Iterator[TestClient]:
    for code, role in (("PH01", Role.TITULAIRE), ("PR01", Role.PREPARATEUR), ("ADM", Role.ADMIN)):
        add_operator(reference_runtime, code, role)
    with TestClient(create_app(reference_runtime.settings, runtime=reference_runtime)) as test_client:
        yield test_client


def log_in(client: TestClient, code: str) -> None:
    client.cookies.clear()
    assert open_session(client, code).status_code == 200


def audit_types(runtime: Runtime) -> list[str]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(m.AuditEntry.object_type).order_by(m.AuditEntry.seq)))


def test_the_api_analyses_a_case_and_records_the_access(client: TestClient, reference_runtime: Runtime) -> None:
    log_in(client, "PR01")
    case = json.loads((EXAMPLES / "counter_case_bocrie.json").read_text(encoding="utf-8"))

    result = client.post("/api/analysis", json=case).json()

    assert result["findings"][0]["level"] == "CI"
    assert "analysis" in audit_types(reference_runtime)


def test_the_administrator_may_not_analyse_health_data(client: TestClient) -> None:
    log_in(client, "ADM")

    assert client.post("/api/analysis", json={"lines": [{"drug": "DOLIPRANE"}]}).status_code == 403


def test_a_malformed_case_gets_a_422_in_french(client: TestClient) -> None:
    log_in(client, "PR01")

    response = client.post("/api/analysis", json={"today": "hier", "lines": []})

    assert response.status_code == 422
    assert "Date invalide" in response.json()["detail"]


FINDING = {"kind": "interaction", "level": "CI", "drugs": ["ATARAX", "ESCITALOPRAM"],
           "substances": ["hydroxyzine", "escitalopram"], "message": "Contre-indication : torsades de pointes."}


def test_a_pharmacist_records_an_intervention_with_sfpc_codes(client: TestClient, reference_runtime: Runtime) -> None:
    log_in(client, "PH01")
    decision = {"finding": FINDING, "decision": "intervention", "problem": "6.4", "intervention": "2",
                "comment": "Appel au prescripteur : arrêt de l'hydroxyzine"}

    response = client.post("/api/analysis/decisions", json=decision)

    assert response.status_code == 201
    with reference_runtime.session_factory() as session:
        row = session.scalars(select(AnalysisDecision)).one()
    assert (row.problem_code, row.intervention_code, row.operator_code) == ("6.4", "2", "PH01")
    assert "analysis_decision" in audit_types(reference_runtime)


def test_a_preparateur_cannot_record_a_pharmaceutical_intervention(client: TestClient) -> None:
    log_in(client, "PR01")

    response = client.post("/api/analysis/decisions", json={"finding": FINDING, "decision": "intervention",
                                                            "problem": "6.4", "intervention": "2"})

    assert response.status_code == 403


@pytest.mark.parametrize(("payload", "message"), [
    ({"decision": "refus", "comment": " "}, "raison"),
    ({"decision": "intervention", "problem": "99", "intervention": "2"}, "Code problème SFPC inconnu"),
    ({"decision": "intervention"}, "code problème"),
])
def test_an_incomplete_decision_is_refused_and_nothing_is_written(client: TestClient, reference_runtime: Runtime,
                                                                  payload: dict[str, str], message: str) -> None:
    log_in(client, "PH01")

    response = client.post("/api/analysis/decisions", json={"finding": FINDING, **payload})

    assert response.status_code == 422
    assert message in response.json()["detail"]
    with reference_runtime.session_factory() as session:
        assert session.scalars(select(AnalysisDecision)).first() is None


def dispense(runtime: Runtime, patient_id: int, when: datetime, *drugs: tuple[str, str]) -> int:
    with runtime.session_factory.begin() as session:
        row = Dispensation(dispensed_at=when, patient_id=patient_id, operator_code="PH01", workstation="poste-1")
        session.add(row)
        session.flush()
        for position, (drug, posology) in enumerate(drugs):
            session.add(DispensedLine(dispensation_id=row.id, position=position, drug=drug, posology=posology))
        return row.id


def patient(runtime: Runtime, born: date) -> int:
    with runtime.session_factory.begin() as session:
        row = m.Patient(last_name="GASLY", first_name="Henri", birth_date=born, sex="M", allergies=[],
                        created_at=datetime(2025, 1, 1, tzinfo=UTC))
        session.add(row)
        session.flush()
        return row.id


def test_the_deferred_check_finds_an_interaction_with_an_earlier_dispensation(reference_runtime: Runtime) -> None:
    someone = patient(reference_runtime, date(1936, 4, 2))
    dispense(reference_runtime, someone, datetime(2025, 9, 20, 10, tzinfo=UTC), ("SINTROM 4 mg", "1 cp le soir"))
    risky = dispense(reference_runtime, someone, datetime(2025, 9, 25, 11, tzinfo=UTC),
                     ("ASPIRINE 1000 mg cp effervescent", "1 cp si douleur"))
    calm = dispense(reference_runtime, someone, datetime(2025, 9, 26, 9, tzinfo=UTC), ("DOLIPRANE 500 mg", ""))
    uow = reference_runtime.unit_of_work()
    with uow:
        reference = reference_runtime.analysis_reference.get(uow.reference)

    with closing(uow):
        checked = check_period(date(2025, 9, 21), uow=uow, reference=reference, until=date(2025, 9, 30))

    assert {c.id: c.level for c in checked} == {risky: "CI", calm: "PE"}
    with reference_runtime.session_factory() as session:
        statuses = {d.id: d.check_status for d in session.scalars(select(Dispensation))}
    assert statuses[risky] == "a_revoir" and statuses[calm] == "a_revoir"
    assert statuses[min(statuses)] == "a_controler"


def test_a_pharmacist_closes_a_dispensation_of_the_queue(client: TestClient, reference_runtime: Runtime) -> None:
    someone = patient(reference_runtime, date(1950, 1, 1))
    number = dispense(reference_runtime, someone, datetime(2025, 9, 25, 11, tzinfo=UTC), ("DOLIPRANE 500 mg", ""))
    with reference_runtime.session_factory.begin() as session:
        session.get(Dispensation, number).check_status = "a_revoir"  # type: ignore[union-attr]
    log_in(client, "PH01")

    queue = client.get("/api/checks", params={"status": "a_revoir"}).json()
    closed = client.post(f"/api/checks/{number}", json={"note": "vu avec le patient"})
    again = client.post(f"/api/checks/{number}", json={"note": ""})

    assert [row["id"] for row in queue] == [number]
    assert closed.json()["status"] == "controlee"
    assert again.status_code == 422


def test_the_analysis_page_shows_the_findings_panel_by_level(client: TestClient) -> None:
    log_in(client, "PH01")
    form = {"drug_0": "ATARAX 25 mg", "posology_0": "1 cp le soir", "drug_1": "ESCITALOPRAM 20 mg",
            "posology_1": "1 cp par jour", "history": "2026-02-01 ; SINTROM 4 mg", "today": "2026-02-19"}

    page = client.post("/analyse", data=form)

    assert page.status_code == 200
    assert "Contre-indication" in page.text and "torsades de pointes" in page.text
    assert page.text.index("alert-ci") < page.text.index("Intervention")


def test_the_analysis_of_a_patient_opens_filled_with_her_profile_and_analyses_it(client: TestClient,
                                                                                 reference_runtime: Runtime) -> None:
    with reference_runtime.session_factory.begin() as session:
        row = m.Patient(last_name="LOISEAU", first_name="Marina", birth_date=date(1990, 1, 21), sex="F",
                        allergies=["amoxicilline"], created_at=datetime(2025, 1, 1, tzinfo=UTC), pregnant=True,
                        amenorrhoea_start=date(2026, 2, 19) - timedelta(weeks=23), weight_kg=Decimal("52.5"),
                        weight_on=date(2026, 2, 1), egfr=Decimal(48), egfr_on=date(2026, 2, 10))
        session.add(row)
        session.flush()
        patient_id = row.id
    log_in(client, "PR01")

    page = client.get(f"/analyse?patient={patient_id}")

    assert page.status_code == 200
    for filled in ('name="pregnant" checked', 'name="pregnancy_weeks" value="23"', 'name="weight_kg" value="52,5"',
                   'name="egfr" value="48"', 'name="allergies" value="amoxicilline"'):
        assert filled in page.text
    analysed = client.post("/analyse", data={
        "patient_id": str(patient_id), "today": "2026-02-19", "birth_date": "1990-01-21", "sex": "F",
        "pregnant": "on", "pregnancy_weeks": "23", "weight_kg": "52,5", "egfr": "48", "allergies": "amoxicilline",
        "drug_0": "AMOXICILLINE 1 g", "posology_0": "1 cp matin et soir"})
    assert analysed.status_code == 200 and "Allergie" in analysed.text


def test_an_expensive_medicine_gets_a_mention_of_the_reinforced_check(client: TestClient) -> None:
    log_in(client, "PH01")
    cost = {**FINDING, "kind": "cost", "level": "PE", "message": "Médicament onéreux"}

    secured = client.post("/api/analysis/decisions", json={"finding": cost, "decision": "securisee",
                                                           "comment": "Prescripteur joint"})
    misplaced = client.post("/api/analysis/decisions", json={"finding": FINDING, "decision": "securisee"})

    assert secured.status_code == 201 and secured.json()["decision"] == "securisee"
    assert misplaced.status_code == 422

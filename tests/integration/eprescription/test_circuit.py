"""The whole ON circuit over the API, against the base emulator on a real socket: the doctor records an
ON, its PDF's QR is decoded, the pharmacist scans, dispenses with a substitution and a partial line,
the execution leaves through the outbox, the doctor (consent yes) sees what was dispensed. And the
bad inputs: each a clear error, nothing recorded."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comptoir.devtools import demo
from comptoir.reading.barcode_image import decode_barcodes
from comptoir.services.eprescription.messages import handlers
from comptoir.services.platform.outbox import OutboxWorker
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.dispensing import Dispensation
from comptoir.store.eprescription import IssuedPrescription
from comptoir.web.app import create_app
from tests.conftest import open_session
from tests.emulators import eprescription_client, eprescription_emulator, prescriber_client
from tests.eprescription_builders import execution

LINES = [{"text": "AMLOR 5 mg, gélule", "posology": "1 gélule le matin", "duration_days": 30, "renewals": 2},
         {"text": "METFORMINE BIOGARAN 1000 mg", "posology": "1 comprimé matin et soir", "duration_days": 90},
         {"text": "LEVOTHYROX 50 microgrammes", "posology": "1 comprimé le matin", "duration_days": 30,
          "substitutable": False, "reason": "MTE"},
         {"text": "Crème hydratante", "posology": "2 fois par jour", "outside_on": True}]


@pytest.fixture
def world(reference_runtime: Runtime, tmp_path: Path) -> Iterator[tuple[TestClient, Runtime, str]]:
    with reference_runtime.session_factory.begin() as session:
        demo.load_demo(session, now=reference_runtime.clock())
    with eprescription_emulator(tmp_path, reference_runtime.clock) as url:
        app = create_app(reference_runtime.settings, runtime=reference_runtime)
        app.state.on_base = eprescription_client(url)  # the counter's, with the pharmacy's token
        app.state.on_base_prescriber = prescriber_client(url)  # the prescriber module's, with the doctor's
        with TestClient(app) as client:
            yield client, reference_runtime, url


def log_in(client: TestClient, code: str) -> dict[str, str]:
    token = open_session(client, code, demo.DEMO_PASSWORD).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def patient_id(runtime: Runtime, last_name: str) -> int:
    """The pharmacy's record (the first one; the prescriber's own record of the same person comes later)."""
    with runtime.session_factory() as session:
        return int(session.scalar(select(m.Patient.id).where(m.Patient.last_name == last_name)
                                  .order_by(m.Patient.id)) or 0)


def identity_of(runtime: Runtime, last_name: str) -> dict[str, str]:
    """The identity a doctor types for a new patient (he never sees the pharmacy's records)."""
    with runtime.session_factory() as session:
        p = session.scalars(select(m.Patient).where(m.Patient.last_name == last_name).order_by(m.Patient.id)).first()
        assert p is not None
        return {"last_name": p.last_name, "first_name": p.first_name, "birth_date": p.birth_date.isoformat(),
                "sex": p.sex}


def prescribe(client: TestClient, runtime: Runtime, last_name: str = "GENE", consent: bool = True) -> dict[str, Any]:
    body = {"patient": identity_of(runtime, last_name), "consent": consent, "lines": LINES}
    response = client.post("/api/prescriptions", json=body, headers=log_in(client, "MED1"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def qr_text_of_pdf(client: TestClient, issued_id: int, tmp_path: Path) -> str:
    document = client.get(f"/api/prescriptions/{issued_id}/pdf", headers=log_in(client, "MED1"))
    (tmp_path / "on.pdf").write_bytes(document.content)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "on.pdf"), str(tmp_path / "on")],
                   check=True)
    found = decode_barcodes((tmp_path / "on.png").read_bytes(), formats="QRCode")
    assert len(found) == 1
    return found[0]


def dispensations(runtime: Runtime) -> int:
    with runtime.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(Dispensation)) or 0)


def test_the_whole_circuit(world: tuple[TestClient, Runtime, str], tmp_path: Path) -> None:
    client, runtime, url = world
    issued = prescribe(client, runtime)
    text = qr_text_of_pdf(client, issued["id"], tmp_path)
    pharmacist = log_in(client, "PH01")

    scanned = client.post("/api/eprescriptions/scan", json={"code": text, "patient_id": patient_id(runtime, "GENE")},
                          headers=pharmacist).json()
    lines = scanned["prescription"]["lignes"]
    generic = _a_generic_of(runtime, lines[0]["cis"])
    choice = {"patient_id": patient_id(runtime, "GENE"), "renewal": 0, "lines": [
        {"line": 1, "cip13": generic, "quantity": 1},
        {"line": 2, "cip13": lines[1]["cip13"], "quantity": 1},
        {"line": 3, "cip13": lines[2]["cip13"], "quantity": 1}]}
    control = client.post(f"/api/eprescriptions/{issued['prescription_id']}/control", json=choice,
                          headers=pharmacist).json()
    done = client.post(f"/api/eprescriptions/{issued['prescription_id']}/dispense", json=choice, headers=pharmacist)
    client_to_base = eprescription_client(url)
    sent = OutboxWorker(runtime.unit_of_work, handlers(client_to_base), runtime.clock).run_once()
    seen = client.get(f"/api/prescriptions/{issued['id']}/deliveries", headers=log_in(client, "MED1")).json()

    assert issued["recorded"] and issued["outside_lines"] == [{"text": "Crème hydratante",
                                                               "posology": "2 fois par jour"}]
    assert [x["text"] for x in issued["lines"]][2].startswith("LEVOTHYROX")
    assert f'"ID":"{issued["prescription_id"]}"' in text and '"N":"GENE"' in text
    assert scanned["status"] == "ACTIVE" and scanned["patient_mismatch"] == ""
    assert any("substitution" in d for d in control["lines"][0]["differences"])
    assert control["lines"][1]["partial"] and not control["lines"][2]["differences"]
    assert done.status_code == 201, done.text
    assert sent == 1
    delivered = seen["executions"][0]["lignes"]
    assert seen["consent"] and [(x["substitution"], x["partielle"]) for x in delivered] == [
        ("G", False), (None, True), (None, False)]


def _a_generic_of(runtime: Runtime, cis: str) -> str:
    with runtime.session_factory() as session:
        group = select(m.GenericMember.group_id).where(m.GenericMember.cis == cis)
        generic = session.scalar(select(m.GenericMember.cis).where(m.GenericMember.group_id.in_(group),
                                                                  m.GenericMember.kind == 1).limit(1))
        return str(session.scalar(select(m.Presentation.cip13).where(m.Presentation.cis == generic).limit(1)))


def test_a_non_substitutable_line_refuses_a_generic(world: tuple[TestClient, Runtime, str]) -> None:
    client, runtime, _ = world
    issued = prescribe(client, runtime)
    pharmacist = log_in(client, "PH01")
    scanned = client.post("/api/eprescriptions/scan", json={"code": issued["qr_payload"],
                                                            "patient_id": patient_id(runtime, "GENE")},
                          headers=pharmacist).json()
    other = _a_generic_of(runtime, scanned["prescription"]["lignes"][0]["cis"])

    response = client.post(f"/api/eprescriptions/{issued['prescription_id']}/dispense", headers=pharmacist,
                           json={"patient_id": patient_id(runtime, "GENE"), "lines": [
                               {"line": 3, "cip13": other, "quantity": 1}]})

    assert response.status_code == 422 and "non substituable" in response.json()["detail"]
    assert dispensations(runtime) == 0


@pytest.mark.parametrize(("code", "message"), [
    ("01S2TBPZ2JCNZZYGHZ", "Ordonnance numérique inconnue"),
    ("pas un code", "ni JSON"),
    ('{"S":{"V":2},"D":{"ID":"202106180921110040"}}', "incomplet"),
])
def test_bad_codes_are_refused_clearly(world: tuple[TestClient, Runtime, str], code: str, message: str) -> None:
    client = world[0]

    response = client.post("/api/eprescriptions/scan", json={"code": code}, headers=log_in(client, "PH01"))

    assert response.status_code in (422, 502) and message in response.json()["detail"]


def test_a_forged_qr_and_another_patient_are_refused(world: tuple[TestClient, Runtime, str]) -> None:
    client, runtime, _ = world
    issued = prescribe(client, runtime)
    pharmacist = log_in(client, "PH01")
    forged = issued["qr_payload"].replace('"N":"GENE"', '"N":"BOCRIE"')

    altered = client.post("/api/eprescriptions/scan", json={"code": forged}, headers=pharmacist)
    other = client.post("/api/eprescriptions/scan", headers=pharmacist,
                        json={"code": issued["qr_payload"], "patient_id": patient_id(runtime, "BOCRIE")})
    refused = client.post(f"/api/eprescriptions/{issued['prescription_id']}/dispense", headers=pharmacist,
                          json={"patient_id": patient_id(runtime, "BOCRIE"), "lines": [{"line": 1, "quantity": 1}]})

    assert altered.status_code == 422 and "QR code altéré" in altered.json()["detail"]
    assert "n'est pas celui de l'ordonnance" in other.json()["patient_mismatch"]
    assert refused.status_code == 422 and "n'est pas celui de l'ordonnance" in refused.json()["detail"]
    assert dispensations(runtime) == 0


def test_when_the_base_is_down_the_pdf_has_no_qr_and_says_so(world: tuple[TestClient, Runtime, str],
                                                             tmp_path: Path) -> None:
    client, runtime, _ = world
    with runtime.session_factory.begin() as session:
        session.add(m.Patient(last_name="PANNE", first_name="Test", birth_date=date(1970, 1, 1), sex="M",
                              allergies=[], created_at=runtime.clock()))

    issued = prescribe(client, runtime, "PANNE")
    document = client.get(f"/api/prescriptions/{issued['id']}/pdf", headers=log_in(client, "MED1"))
    (tmp_path / "down.pdf").write_bytes(document.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "down.pdf"), "-"], capture_output=True, text=True).stdout

    assert not issued["recorded"] and issued["prescription_id"] is None and "indisponible" in issued["failure"]
    assert "NON enregistrée" in text
    assert client.get(f"/api/prescriptions/{issued['id']}/qr.png", headers=log_in(client, "MED1")).status_code == 404


def test_the_consent_is_mandatory_once(world: tuple[TestClient, Runtime, str]) -> None:
    client, runtime, _ = world
    body = {"patient": identity_of(runtime, "BOCRIE"), "lines": LINES[:1]}

    refused = client.post("/api/prescriptions", json=body, headers=log_in(client, "MED1"))

    assert refused.status_code == 422 and "Consentement" in refused.json()["detail"]


def _patients_found(client: TestClient, doctor: dict[str, str], text: str) -> list[str]:
    """The last names the prescriber's patient search offers to pick."""
    page = client.get("/prescripteur/patients", params={"patient_q": text}, headers=doctor).text
    return re.findall(r'name="patient_id" value="\d+"[^>]*>\s*(\S+) ', page)


def test_the_prescriber_sees_only_the_patients_of_his_own_prescriptions(
        world: tuple[TestClient, Runtime, str]) -> None:
    client, runtime, _ = world
    doctor = log_in(client, "MED1")
    pharmacy_record = patient_id(runtime, "BOCRIE")

    refused = client.post("/api/prescriptions", json={"patient_id": pharmacy_record, "consent": True,
                                                      "lines": LINES[:1]}, headers=doctor)
    found_before = _patients_found(client, doctor, "BOCRIE")
    first = prescribe(client, runtime, "BOCRIE")
    again = prescribe(client, runtime, "BOCRIE")

    assert refused.status_code == 404
    assert found_before == []
    assert _patients_found(client, doctor, "BOCRIE") == ["BOCRIE"] and _patients_found(client, doctor, "GENE") == []
    with runtime.session_factory() as session:
        mine = session.scalars(select(IssuedPrescription.patient_id).where(
            IssuedPrescription.id.in_([first["id"], again["id"]]))).all()
    assert len(set(mine)) == 1 and pharmacy_record not in mine
    for path in ("/api/patients?q=a", f"/api/patients/{pharmacy_record}", "/api/checks", "/patients",
                 f"/patients/{pharmacy_record}", "/ordonnance-numerique", "/ordonnances-numeriques",
                 "/identitovigilance", "/envois", "/api/outbox", "/controle"):
        assert client.get(path, headers=doctor, follow_redirects=False).status_code == 403, path


def test_lines_delivered_elsewhere_show_with_their_date_and_billing_follows_the_execution(
        world: tuple[TestClient, Runtime, str]) -> None:
    client, runtime, url = world
    issued = prescribe(client, runtime)
    base = eprescription_client(url)
    elsewhere = execution("autre-pharmacie-1", (1, 1, False))
    base.execute(issued["prescription_id"], replace(elsewhere, pharmacy_finess="130786049",
                                                    pharmacy_name="Pharmacie de la Gare"))
    pharmacist = log_in(client, "PH01")
    client.post("/api/eprescriptions/scan", headers=pharmacist,
                json={"code": issued["qr_payload"], "patient_id": patient_id(runtime, "GENE")})

    again = client.post(f"/api/eprescriptions/{issued['prescription_id']}/dispense", headers=pharmacist,
                        json={"patient_id": patient_id(runtime, "GENE"), "lines": [{"line": 1, "quantity": 1}]})
    done = client.post(f"/api/eprescriptions/{issued['prescription_id']}/dispense", headers=pharmacist,
                       json={"patient_id": patient_id(runtime, "GENE"), "lines": [{"line": 3, "quantity": 1}]})
    worker = OutboxWorker(runtime.unit_of_work, handlers(base), runtime.clock)
    worker.run_once()
    billed = client.post(f"/ordonnances-numeriques/facturation/{done.json()['dispensation_id']}", headers=pharmacist)
    worker.run_once()
    dashboard = client.get("/api/eprescriptions", headers=pharmacist).json()

    assert again.status_code == 409 and "déjà délivrée" in again.json()["detail"]
    assert dashboard[0]["elsewhere"] == [{"line": 1, "date": "2026-02-20T10:00:00+00:00",
                                          "pharmacy": "Pharmacie de la Gare"}]
    assert dashboard[0]["here"][0]["transmission"] == "transmise" and "facturation" in billed.text
    mine = [e for e in base.consult(issued["prescription_id"], rpps="1", finess="1").executions
            if e.pharmacy_finess == "750000001"]
    assert len(mine) == 1 and mine[0].billed

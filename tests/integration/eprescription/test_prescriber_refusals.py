"""The prescriber's form refuses what the counter would reject, beside the line's field, with everything
typed kept and nothing recorded; the PDF prints each line's DCI; the patient is found by search among the
prescriber's own patients, however many they are."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from html import escape, unescape
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comptoir.devtools import demo
from comptoir.domain.identity.status import IdentityStatus
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.eprescription import IssuedPrescription
from tests.conftest import open_session
from tests.integration.eprescription.test_circuit import world  # noqa: F401 (fixture)

World = tuple[TestClient, Runtime, str]
GENE = {"new_last_name": "GENE", "new_first_name": "Alain", "new_birth_date": "1966-02-23", "new_sex": "M",
        "consent": "oui"}


def doctor(client: TestClient) -> TestClient:
    assert open_session(client, "MED1", demo.DEMO_PASSWORD).status_code == 200
    return client


def post(client: TestClient, fields: dict[str, str]) -> httpx.Response:
    return client.post("/prescripteur/nouvelle", data=fields, follow_redirects=False)


def issued_count(runtime: Runtime) -> int:
    with runtime.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(IssuedPrescription)) or 0)


def error_beside(html: str, field: str) -> str:
    """The message shown beside a field (web/forms.py: a span tied to it by aria-describedby)."""
    found = re.search(rf'<span class="field-error" id="{field}-erreur">(.*?)</span>', html, re.S)
    assert found, f"no message beside {field}"
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true" aria-describedby="{field}-erreur"', html)
    return unescape(found.group(1))


def kept(html: str, name: str, value: str) -> bool:
    return re.search(rf'name="{name}"[^>]*value="{re.escape(escape(value))}"', html) is not None


def test_an_unknown_product_is_refused_beside_it_with_the_whole_form_kept(world: World) -> None:  # noqa: F811
    client, runtime, _ = world
    fields = {**GENE, "text_0": "AMLOR 5 mg, gélule", "posology_0": "1 gélule le matin", "duration_0": "30",
              "renewals_0": "2", "ald_0": "on", "text_2": "Xyzzyfantaisie 12 mg", "posology_2": "1 le soir",
              "duration_2": "10", "ns_2": "on", "reason_2": "MTE", "comment": "à jeun"}

    page = post(doctor(client), fields)

    assert page.status_code == 422
    assert "« Xyzzyfantaisie 12 mg » ne correspond à aucun médicament du référentiel" in error_beside(page.text,
                                                                                                   "text_2")
    assert "text_0-erreur" not in page.text
    for name in ("text_0", "posology_0", "duration_0", "renewals_0", "text_2", "posology_2", "duration_2"):
        assert kept(page.text, name, fields[name]), name
    assert 'name="ald_0" aria-label="ALD 1" checked' in page.text
    assert 'name="ns_2" aria-label="Non substituable 3" checked' in page.text
    assert '<option value="MTE" selected' in page.text
    assert 'name="new_last_name" aria-label="Nom" maxlength="100" value="GENE"' in page.text
    assert 'value="à jeun"' in page.text and 'value="oui" checked' in page.text
    assert issued_count(runtime) == 0


def test_a_text_naming_several_products_offers_them_and_the_pick_is_prescribed(world: World) -> None:  # noqa: F811
    client, runtime, _ = world
    fields = {**GENE, "text_0": "doliprane", "posology_0": "1 comprimé 3 fois par jour", "duration_0": "5"}

    page = post(doctor(client), fields)

    assert page.status_code == 422
    assert "désigne plusieurs médicaments" in error_beside(page.text, "text_0")
    choices = dict(re.findall(r'name="pick_0" value="(\d+) ([^"]+)"', page.text))
    assert len(choices) > 1 and issued_count(runtime) == 0
    cis, name = next((c, n) for c, n in choices.items() if n.startswith("DOLIPRANE 1000 mg, comprimé"))

    created = post(client, {**fields, "pick_0": f"{cis} {name}"})

    assert created.status_code == 303, created.text
    with runtime.session_factory() as session:
        [issued] = session.scalars(select(IssuedPrescription)).all()
    assert [(line["cis"], line["text"]) for line in issued.lines] == [(cis, name)]


def test_a_narcotic_beyond_28_days_is_refused_and_28_days_accepted(world: World, tmp_path: Path) -> None:  # noqa: F811
    client, runtime, _ = world
    fields = {**GENE, "text_0": "SKENAN L.P. 30 mg", "posology_0": "1 gélule matin et soir", "duration_0": "30"}

    refused = post(doctor(client), fields)
    accepted = post(client, {**fields, "duration_0": "28"})

    assert refused.status_code == 422
    assert error_beside(refused.text, "duration_0") == "Stupéfiant : 28 jours au plus par ordonnance (30 jours saisis)."
    assert kept(refused.text, "duration_0", "30")
    assert accepted.status_code == 303, accepted.text
    text = pdf_text(client, accepted.headers["location"], tmp_path)
    assert "ORDONNANCE SÉCURISÉE" in text
    assert "une gélule matin et soir" in text and "vingt-huit jours" in text  # in letters (CSP R.5132-29)
    assert "DCI : morphine trente milligrammes" in text
    assert issued_count(runtime) == 1


def test_efg_is_refused_for_an_adult_and_accepted_for_a_four_year_old(world: World) -> None:  # noqa: F811
    client, runtime, _ = world
    line = {"text_0": "AMOXICILLINE ARROW 250 mg/5 mL", "posology_0": "5 ml matin et soir", "duration_0": "7",
            "ns_0": "on", "reason_0": "EFG"}
    today = runtime.clock().date()
    child = {"new_last_name": "PETIT", "new_first_name": "Léa", "new_sex": "F", "consent": "oui",
             "new_birth_date": date(today.year - 4, today.month, 1).isoformat()}

    adult = post(doctor(client), {**GENE, **line})
    young = post(client, {**child, **line})

    assert adult.status_code == 422
    assert "Motif EFG réservé aux enfants de moins de 6 ans (le patient a 59 ans)" in error_beside(adult.text,
                                                                                                  "reason_0")
    assert young.status_code == 303, young.text
    assert issued_count(runtime) == 1


def test_mte_and_cif_are_accepted_for_an_adult(world: World) -> None:  # noqa: F811
    client, runtime, _ = world
    fields = {**GENE, "text_0": "LEVOTHYROX 50 microgrammes", "posology_0": "1 comprimé le matin", "duration_0": "30",
              "ns_0": "on", "reason_0": "MTE", "text_1": "AMLOR 5 mg, gélule", "posology_1": "1 gélule le matin",
              "duration_1": "30", "ns_1": "on", "reason_1": "CIF"}

    assert post(doctor(client), fields).status_code == 303
    assert issued_count(runtime) == 1


def test_a_line_without_posology_is_refused_beside_its_posology(world: World) -> None:  # noqa: F811
    client, runtime, _ = world
    fields = {**GENE, "text_0": "AMLOR 5 mg, gélule", "posology_0": "", "duration_0": "30"}

    page = post(doctor(client), fields)

    assert page.status_code == 422
    assert error_beside(page.text, "posology_0").startswith("Posologie obligatoire")
    assert issued_count(runtime) == 0


def test_the_api_answers_422_with_a_french_message_per_line(world: World) -> None:  # noqa: F811
    client, runtime, _ = world
    body = {"patient": {"last_name": "GENE", "first_name": "Alain", "birth_date": "1966-02-23", "sex": "M"},
            "consent": True, "lines": [
                {"text": "AMLOR 5 mg, gélule", "posology": "1 gélule le matin", "duration_days": 30},
                {"text": "SKENAN L.P. 30 mg", "posology": "1 gélule matin et soir", "duration_days": 30},
                {"text": "Xyzzyfantaisie", "posology": ""},
                {"text": "doliprane", "posology": "1 comprimé 3 fois par jour", "duration_days": 5}]}

    answer = doctor(client).post("/api/prescriptions", json=body)

    assert answer.status_code == 422
    said = {tuple(d["loc"]): d["msg"] for d in answer.json()["detail"]}
    assert said[("body", "lines.1.duration")].startswith("Stupéfiant : 28 jours au plus")
    assert "ne correspond à aucun médicament" in said[("body", "lines.2.text")]
    assert said[("body", "lines.2.posology")].startswith("Posologie obligatoire")
    assert "désigne plusieurs médicaments" in said[("body", "lines.3.text")]
    assert re.search(r"DOLIPRANE 1000 mg, comprimé \(CIS \d{8}\)", said[("body", "lines.3.text")])
    assert ("body", "lines.0.text") not in said
    assert issued_count(runtime) == 0


def pdf_text(client: TestClient, issued_page: str, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) absent")
    (tmp_path / "on.pdf").write_bytes(client.get(issued_page + "/ordonnance.pdf").content)
    return subprocess.run(["pdftotext", "-layout", str(tmp_path / "on.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_pdf_prints_each_lines_dci_under_the_brand(world: World, tmp_path: Path) -> None:  # noqa: F811
    client, _, _ = world
    fields = {**GENE, "text_0": "AMLOR 5 mg, gélule", "posology_0": "1 gélule le matin", "duration_0": "30",
              "text_1": "LEVOTHYROX 50 microgrammes", "posology_1": "1 comprimé le matin", "duration_1": "30",
              "text_2": "METFORMINE BIOGARAN 1000 mg", "posology_2": "1 comprimé matin et soir", "duration_2": "90"}

    created = post(doctor(client), fields)
    text = pdf_text(client, created.headers["location"], tmp_path)

    assert "AMLOR 5 mg, gélule" in text and "DCI : amlodipine 5 mg" in text
    assert "DCI : lévothyroxine 50 microgrammes" in text
    assert "DCI : metformine 1000 mg" in text


def name_of(n: int) -> str:
    """Names without digits, in the order of n: 0 -> "PATIENT-AAA", 317 -> "PATIENT-AMF"."""
    return "PATIENT-" + "".join(chr(65 + n // 26**k % 26) for k in (2, 1, 0))


def add_patients_of_med1(runtime: Runtime, count: int) -> None:
    """`count` patients of MED1's ONs (and one pharmacy patient he never prescribed for)."""
    now = runtime.clock()
    with runtime.session_factory.begin() as session:
        for n in range(count + 1):
            patient = m.Patient(last_name=name_of(n), first_name="Jeanne", birth_date=date(1950, 1, 1), sex="F",
                                nir=None, allergies=[], created_at=now, identity_attributes=[],
                                identity_status=IdentityStatus.PROVISIONAL.value, collection_method="SM",
                                document_prompts_left=0)
            session.add(patient)
            session.flush()
            if n < count:
                session.add(IssuedPrescription(prescription_id=None, created_at=now, operator_code="MED1",
                                               patient_id=patient.id, patient={}, lines=[], consent=True,
                                               recorded=False))


def test_the_patient_search_finds_a_patient_beyond_the_300th_and_keeps_to_his_patients(world: World) -> None:  # noqa: F811
    client, runtime, _ = world
    add_patients_of_med1(runtime, 320)

    found = doctor(client).get("/prescripteur/patients", params={"patient_q": name_of(317).lower()})
    by_date = client.get("/prescripteur/patients", params={"patient_q": f"jeanne 01/01/1950 {name_of(319)}"})
    not_his = client.get("/prescripteur/patients", params={"patient_q": name_of(320)})
    pharmacy = client.get("/prescripteur/patients", params={"patient_q": "GENE"})
    form = client.get("/prescripteur/nouvelle")

    assert len(re.findall(r'name="patient_id" value="(\d+)"', found.text)) == 1
    assert f"{name_of(317)} Jeanne, né(e) le 01/01/1950" in found.text
    assert f"{name_of(319)} Jeanne" in by_date.text and name_of(318) not in by_date.text
    assert f"Aucun de vos patients ne correspond à « {name_of(320)} »" in not_his.text
    assert "Aucun de vos patients" in pharmacy.text and "Alain" not in pharmacy.text
    assert "PATIENT-" not in form.text  # no list cut at 300: the form waits for a search
    assert 'hx-get="/prescripteur/patients"' in form.text


def test_a_chosen_patient_stays_chosen_when_the_form_is_refused(world: World) -> None:  # noqa: F811
    client, runtime, _ = world
    add_patients_of_med1(runtime, 3)
    with runtime.session_factory() as session:
        chosen = session.scalar(select(m.Patient.id).where(m.Patient.last_name == name_of(1)))
    fields = {"patient_q": name_of(1), "patient_id": str(chosen), "consent": "oui", "text_0": "Xyzzyfantaisie",
              "posology_0": "1 le soir"}

    page = post(doctor(client), fields)

    assert page.status_code == 422
    assert f'name="patient_id" value="{chosen}" checked' in page.text
    assert f'value="{name_of(1)}"' in page.text
    assert issued_count(runtime) == 3


def test_enter_in_the_form_searches_and_records_nothing(world: World) -> None:  # noqa: F811
    client, runtime, _ = world
    add_patients_of_med1(runtime, 2)
    fields = {"patient_q": name_of(1).lower(), "action": "rechercher", "text_0": "AMLOR 5 mg, gélule",
              "posology_0": "1 gélule le matin"}

    page = post(doctor(client), fields)

    assert page.status_code == 200 and f"{name_of(1)} Jeanne" in page.text and name_of(0) not in page.text
    assert kept(page.text, "text_0", "AMLOR 5 mg, gélule")
    assert issued_count(runtime) == 2

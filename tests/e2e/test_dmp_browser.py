"""Reading a patient's DMP in a real browser: from the record's DMP panel to the list of his documents in the DMP
(the emulator mounted in the server), one opened as a readable page; then the patient's opposition recorded."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from comptoir.national.dmp.client import DmpClient
from comptoir.services.platform.runtime import Runtime
from comptoir.settings import Settings
from comptoir.store import models as m
from tests.e2e.conftest import ARTIFACTS, log_in, new_page
from tests.fakes.dmp import GENE, kit_document

pytestmark = pytest.mark.browser


def gene_qualified(runtime: Runtime) -> int:
    with runtime.session_factory.begin() as session:
        session.execute(update(m.Patient).where(m.Patient.last_name == "GENE").values(
            identity_status="QUAL", nir=GENE.matricule, nir_oid=GENE.oid, birth_name=GENE.birth_name,
            birth_given_names=GENE.given_names))
        return session.query(m.Patient.id).filter(m.Patient.last_name == "GENE").scalar()  # type: ignore[no-any-return]


def test_a_pharmacist_reads_the_patients_dmp_from_his_record(server: str, browser: Any,
                                                             reference_runtime: Runtime) -> None:
    from playwright.sync_api import expect

    patient_id = gene_qualified(reference_runtime)
    dmp = DmpClient.at(f"{server}/emulateurs/dmp", token=Settings().dmp_token)
    dmp.submit(kit_document("eDISP-MED_2024.01.xml", patient=GENE))
    dmp.close()
    page = new_page(browser, 1400, 1000)
    page.goto(f"{server}/connexion")
    log_in(page, "PH01")

    page.goto(f"{server}/patients/{patient_id}")
    page.get_by_role("link", name="Consulter le DMP du patient").click()
    expect(page.get_by_role("heading", name="DMP du patient")).to_be_visible()
    expect(page.locator("#dmp-documents")).to_contain_text("Dispensation médicamenteuse")
    page.screenshot(path=str(ARTIFACTS / "dmp-liste.png"), full_page=True)
    page.get_by_role("link", name="Ouvrir").first.click()
    expect(page.get_by_role("heading", name="Médicaments délivrés")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "dmp-document.png"), full_page=True)

    page.goto(f"{server}/patients/{patient_id}")
    page.get_by_role("button", name="Enregistrer l'opposition à l'alimentation du DMP").click()
    expect(page.locator("#dmp-opposition")).to_contain_text("s'oppose à l'alimentation de son DMP")

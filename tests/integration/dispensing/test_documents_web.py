"""The pages: the ordonnancier (filters, table, print, export), a dispensation's scan and documents, the avis,
the scan taken for a basket — each for who may see health data only, each read in the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from comptoir.domain.dispensing.conditions import Listing
from comptoir.services.dispensing.scans import attach_scans
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.dispensing import AnalysisDecision
from comptoir.web.app import create_app
from tests.conftest import open_session
from tests.integration.dispensing.builders import dispensation, pharmacy, register_input, validated

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def setup(runtime: Runtime) -> Iterator[tuple[TestClient, int]]:
    """The app, and a dispensation of XANAX (liste I) with an intervention recorded for it."""
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("XANAX 0,25 mg", None))
    validated(runtime, register_input(done, ("XANAX 0,25 mg", Listing.LIST_I), patient_id=patient_id))
    with runtime.session_factory.begin() as session:
        session.add(AnalysisDecision(at=runtime.clock(), operator_code="PH01", patient_id=patient_id,
                                     dispensation_id=done, decision="intervention", finding_kind="dose",
                                     finding_level="PE", drugs=["XANAX 0,25 mg"], substances=["alprazolam"],
                                     message="Dose élevée chez le sujet âgé.", problem_code="4.1",
                                     intervention_code="7", comment=""))
    with TestClient(create_app(runtime.settings, runtime=runtime)) as client:
        yield client, done


def audited(runtime: Runtime, object_type: str) -> list[tuple[str, str]]:
    with runtime.session_factory() as session:
        return [(e.operator_code, e.action) for e in session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.object_type == object_type).order_by(m.AuditEntry.seq))]


def test_the_register_page_shows_its_entries_with_print_and_export(setup: tuple[TestClient, int]) -> None:
    client, _ = setup
    open_session(client, "PR01")

    page = client.get("/ordonnancier", params={"liste": "liste1"})

    assert page.status_code == 200
    assert "XANAX 0,25 mg" in page.text and "Dr Julie BLANC" in page.text and "LEMAIRE Anne" in page.text
    assert 'href="/ordonnancier.pdf?liste=liste1"' in page.text and 'href="/ordonnancier.csv?liste=liste1"' in page.text


def test_a_wrong_date_is_told_beside_its_field_and_the_filters_are_kept(setup: tuple[TestClient, int]) -> None:
    client, _ = setup
    open_session(client, "PR01")

    page = client.get("/ordonnancier", params={"debut": "2026-03-01", "fin": "2026-02-01", "produit": "xanax"})

    assert page.status_code == 422
    assert "La date de fin est avant la date de début." in page.text
    assert 'value="2026-03-01"' in page.text and 'value="xanax"' in page.text
    assert "Dr Julie BLANC" not in page.text


def test_the_export_is_a_french_csv_and_the_print_a_pdf(setup: tuple[TestClient, int]) -> None:
    client, _ = setup
    open_session(client, "PH01")

    exported = client.get("/ordonnancier.csv", params={"debut": "2026-02-01", "fin": "2026-02-28"})
    printed = client.get("/ordonnancier.pdf")

    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert 'filename="ordonnancier-2026-02-01-2026-02-28.csv"' in exported.headers["content-disposition"]
    assert exported.content.startswith(b"\xef\xbb\xbfN\xc2\xb0 d'ordre;Date;")
    assert printed.headers["content-type"] == "application/pdf" and printed.content.startswith(b"%PDF")


def test_the_technical_administrator_sees_neither_the_register_nor_the_scan(setup: tuple[TestClient, int]) -> None:
    client, done = setup
    open_session(client, "ADM")

    for path in ("/ordonnancier", "/ordonnancier.csv", "/ordonnancier.pdf", f"/delivrances/{done}/ordonnance",
                 f"/delivrances/{done}/documents", f"/delivrances/{done}/avis.pdf"):
        assert client.get(path).status_code == 403, path


def test_a_scan_taken_for_the_basket_is_served_from_the_dispensation_uncached_and_audited(
        runtime: Runtime, setup: tuple[TestClient, int]) -> None:
    client, done = setup
    open_session(client, "PR01")
    taken = client.post("/api/paniers/panier-42/ordonnance", files={"file": ("ordonnance.png", PNG, "image/png")})
    with closing(runtime.unit_of_work()) as uow, uow:
        attach_scans(uow, "panier-42", done)
        uow.commit()

    served = client.get(f"/delivrances/{done}/ordonnance")
    listed = client.get(f"/delivrances/{done}/documents")

    assert taken.status_code == 200
    assert served.content == PNG and served.headers["content-type"] == "image/png"
    assert "no-store" in served.headers["cache-control"]
    assert "Ordonnance scannée (image PNG)" in listed.text and "Avis pharmaceutique" in listed.text
    assert audited(runtime, "prescription_scan") == [("PR01", "write"), ("PR01", "read")]


def test_a_text_sent_as_a_jpeg_is_refused_in_french(setup: tuple[TestClient, int]) -> None:
    client, _ = setup
    open_session(client, "PR01")

    refused = client.post("/api/paniers/panier-42/ordonnance",
                          files={"file": ("ordonnance.jpg", b"pas une image", "image/jpeg")})

    assert refused.status_code == 422
    assert "ni une image JPEG ou PNG ni un PDF" in refused.json()["detail"]


def test_the_avis_of_the_dispensation_is_a_pdf(runtime: Runtime, setup: tuple[TestClient, int]) -> None:
    client, done = setup
    open_session(client, "PH01")

    printed = client.get(f"/delivrances/{done}/avis.pdf")

    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    assert audited(runtime, "avis_pharmaceutique") == [("PH01", "read")]


def test_a_pharmacist_cancels_the_days_dispensation_from_its_documents_with_a_reason(
        setup: tuple[TestClient, int]) -> None:
    client, done = setup
    open_session(client, "PR01")
    assert "Annuler la délivrance" not in client.get(f"/delivrances/{done}/documents").text
    client.cookies.clear()
    open_session(client, "PH01")
    page = client.get(f"/delivrances/{done}/documents").text
    assert "Annuler la délivrance" in page
    csrf = page.split('name="_csrf" value="')[1].split('"')[0]

    refused = client.post(f"/delivrances/{done}/documents", data={"_csrf": csrf, "reason": "  "})
    assert refused.status_code == 422 and "Donnez la raison" in refused.text

    cancelled = client.post(f"/delivrances/{done}/documents", data={"_csrf": csrf, "reason": "Erreur de patient"})
    assert cancelled.status_code == 200 and "Délivrance annulée." in cancelled.text
    assert "Annuler la délivrance" not in cancelled.text


def test_a_dispensation_of_another_day_offers_no_cancellation(runtime: Runtime) -> None:
    from datetime import timedelta
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("DOLIPRANE 1000 mg", None), at=runtime.clock() - timedelta(days=2))
    with TestClient(create_app(runtime.settings, runtime=runtime)) as client:
        open_session(client, "PH01")

        page = client.get(f"/delivrances/{done}/documents").text

    assert "Documents de la délivrance" in page and "Annuler la délivrance" not in page

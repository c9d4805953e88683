"""The ON pages through the HTTP app (forms as a browser posts them): prescriber form and ON page,
counter scan, dispensing page with typed products matched to lines, control window, validation,
dashboards, and the outbox page with its resend button."""

from __future__ import annotations

import random
from pathlib import Path

from fastapi.testclient import TestClient

from comptoir.devtools.qr_photos import photograph
from comptoir.services.platform.runtime import Runtime
from comptoir.store.outbox import OutboxMessage
from tests.integration.eprescription.test_circuit import (  # noqa: F401 (fixture)
    identity_of,
    log_in,
    patient_id,
    prescribe,
    world,
)


def test_the_pages_from_prescription_to_outbox(world: tuple[TestClient, Runtime, str],  # noqa: F811
                                               tmp_path: Path) -> None:
    client, runtime, _ = world
    doctor, pharmacist = log_in(client, "MED1"), log_in(client, "PH01")
    gene = str(patient_id(runtime, "GENE"))
    typed = {f"new_{k}": v for k, v in identity_of(runtime, "GENE").items()}
    form = {**typed, "consent": "oui", "text_0": "AMLOR 5 mg, gélule", "posology_0": "1 gélule le matin",
            "duration_0": "30", "renewals_0": "1", "text_1": "LEVOTHYROX 50 microgrammes",
            "posology_1": "1 comprimé le matin", "duration_1": "30", "ns_1": "on", "reason_1": "MTE", "ald_1": "on"}

    assert "Nouvelle ordonnance" in client.get("/prescripteur/nouvelle", headers=doctor).text
    created = client.post("/prescripteur/nouvelle", data=form, headers=doctor, follow_redirects=False)
    issued_page = client.get(created.headers["location"], headers=doctor)
    ident = issued_page.text.split('id="prescription-id">')[1][:18]
    assert "Rien n'a encore été délivré" in issued_page.text
    assert client.get(created.headers["location"] + "/qr.png", headers=doctor).headers["content-type"] == "image/png"
    assert ident in client.get("/prescripteur", headers=doctor).text

    assert "Code 2D" in client.get("/ordonnance-numerique", headers=pharmacist).text
    scanned = client.post("/ordonnance-numerique", data={"code": ident, "patient_id": gene}, headers=pharmacist,
                          follow_redirects=False)
    page = client.get(scanned.headers["location"] + "&produits=AMLODIPINE+BIOGARAN+5+mg", headers=pharmacist)
    assert "c'est bien le patient" in page.text and "(saisi)" in page.text and "non substituable (MTE)" in page.text

    choice = {"patient_id": gene, "renewal": "0", "cip13_1": _selected(page.text, 1), "quantity_1": "1",
              "cip13_2": _selected(page.text, 2), "quantity_2": "1"}
    control = client.post(f"/ordonnance-numerique/{ident}/controle", data=choice, headers=pharmacist)
    assert "substitution générique" in control.text
    done = client.post(f"/ordonnance-numerique/{ident}/delivrer", data=choice, headers=pharmacist)
    assert "Délivrance enregistrée" in done.text
    dashboard = client.get("/ordonnances-numeriques", headers=pharmacist)
    assert ident in dashboard.text and "en attente d&#39;envoi" in dashboard.text

    with runtime.session_factory.begin() as session:
        message = session.query(OutboxMessage).one()
        message.status, message.last_error = "echec", "HTTP 422 : refusé"
    outbox = client.get("/envois", headers=pharmacist)
    resent = client.post(f"/envois/{message.id}/renvoyer", headers=pharmacist, follow_redirects=False)
    assert "HTTP 422 : refusé" in outbox.text and "Renvoyer" in outbox.text and resent.status_code == 303
    assert client.get("/api/outbox", headers=pharmacist).json()[0]["status"] == "a_envoyer"


def _selected(html: str, line: int) -> str:
    block = html.split(f'name="cip13_{line}"')[1].split("</select>")[0]
    return block.split(" selected")[0].rsplit('value="', 1)[1].split('"')[0]


def test_a_photographed_qr_uploaded_on_the_scan_page_finds_the_prescription(
        world: tuple[TestClient, Runtime, str]) -> None:  # noqa: F811
    client, runtime, _ = world
    issued = prescribe(client, runtime)
    qr = client.get(f"/prescripteur/ordonnances/{issued['id']}/qr.png", headers=log_in(client, "MED1")).content
    photo = photograph(qr, random.Random(7))
    pharmacist = log_in(client, "PH01")

    scanned = client.post("/ordonnance-numerique", data={"code": "", "patient_id": str(patient_id(runtime, "GENE"))},
                          files={"image": ("qr.jpg", photo, "image/jpeg")}, headers=pharmacist,
                          follow_redirects=False)

    assert scanned.status_code == 303, scanned.text
    page = client.get(scanned.headers["location"], headers=pharmacist)
    assert scanned.headers["location"].startswith(f"/ordonnance-numerique/{issued['prescription_id']}?")
    assert "c'est bien le patient" in page.text and "AMLOR 5 mg" in page.text


def test_a_photographed_qr_on_the_counter_screen_loads_the_prescription_into_the_basket(
        world: tuple[TestClient, Runtime, str]) -> None:  # noqa: F811
    client, runtime, _ = world
    issued = prescribe(client, runtime)
    qr = client.get(f"/prescripteur/ordonnances/{issued['id']}/qr.png", headers=log_in(client, "MED1")).content
    pharmacist = log_in(client, "PH01")
    opened = client.get(f"/comptoir?patient={patient_id(runtime, 'GENE')}", headers=pharmacist, follow_redirects=False)
    paper = opened.headers["location"].rsplit("/", 1)[1]
    switched = client.post(f"/comptoir/{paper}/nature", data={"kind": "ordonnance_numerique"}, headers=pharmacist,
                           follow_redirects=False)
    basket = switched.headers["location"].rsplit("/", 1)[1]  # an empty basket changes kind as a new one

    blank = client.post(f"/comptoir/{basket}/qr-photo", data={}, files={"image": ("qr.jpg", b"", "image/jpeg")},
                        headers={**pharmacist, "HX-Request": "true"})
    read = client.post(f"/comptoir/{basket}/qr-photo", data={},
                       files={"image": ("qr.jpg", photograph(qr, random.Random(7)), "image/jpeg")},
                       headers={**pharmacist, "HX-Request": "true"})

    assert blank.status_code == 422 and "Choisissez la photo du QR code" in blank.text
    assert read.status_code == 200, read.text
    assert issued["prescription_id"] in read.text and "AMLOR 5 mg" in read.text

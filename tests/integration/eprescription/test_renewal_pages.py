"""Renewals on the counter's ON page, through the HTTP app against the base emulator: the renewal page offers
no box on a line with no renewal left, refuses a renewal the same day as the first delivery (naming its
earliest date), accepts it once the period has run out, and the ON then reads delivered."""

from __future__ import annotations

from fastapi.testclient import TestClient

from comptoir.services.platform.runtime import Runtime
from tests.conftest import Clock
from tests.integration.eprescription.test_circuit import identity_of, log_in, patient_id, world  # noqa: F401 (fixture)
from tests.integration.eprescription.test_pages import _selected


def test_renewals_wait_for_their_date_and_a_line_without_renewal_is_never_offered_again(
        world: tuple[TestClient, Runtime, str], clock: Clock) -> None:  # noqa: F811
    client, runtime, _ = world
    doctor, pharmacist = log_in(client, "MED1"), log_in(client, "PH01")
    gene = str(patient_id(runtime, "GENE"))
    form = {**{f"new_{k}": v for k, v in identity_of(runtime, "GENE").items()}, "consent": "oui",
            "text_0": "AMLOR 5 mg, gélule", "posology_0": "1 gélule le matin", "duration_0": "30", "renewals_0": "1",
            "text_1": "METFORMINE BIOGARAN 1000 mg", "posology_1": "1 comprimé le soir", "duration_1": "30"}
    created = client.post("/prescripteur/nouvelle", data=form, headers=doctor, follow_redirects=False)
    ident = client.get(created.headers["location"], headers=doctor).text.split('id="prescription-id">')[1][:18]
    scanned = client.post("/ordonnance-numerique", data={"code": ident, "patient_id": gene}, headers=pharmacist,
                          follow_redirects=False)
    page = client.get(scanned.headers["location"], headers=pharmacist)
    first = {"patient_id": gene, "renewal": "0", "cip13_1": _selected(page.text, 1), "quantity_1": "1",
             "cip13_2": _selected(page.text, 2), "quantity_2": "1"}
    delivered = client.post(f"/ordonnance-numerique/{ident}/delivrer", data=first, headers=pharmacist)
    renewal_page = client.get(f"/ordonnance-numerique/{ident}?patient={gene}&renouvellement=1", headers=pharmacist)
    renewal = {"patient_id": gene, "renewal": "1", "cip13_1": first["cip13_1"], "quantity_1": "1"}
    too_early = client.post(f"/ordonnance-numerique/{ident}/controle", data=renewal, headers=pharmacist)

    assert "Délivrance enregistrée" in delivered.text
    assert 'name="cip13_2"' not in renewal_page.text and "non renouvelable" in renewal_page.text
    assert 'name="cip13_1"' not in renewal_page.text and "trop tôt" in renewal_page.text
    assert "Partiellement délivrée" in renewal_page.text
    assert too_early.status_code == 422 and "possible à partir du" in too_early.text and "R.5132-14" in too_early.text

    clock.advance(days=30)
    pharmacist = log_in(client, "PH01")  # a month later: a new working session
    ready_page = client.get(f"/ordonnance-numerique/{ident}?patient={gene}&renouvellement=1", headers=pharmacist)
    renewed = client.post(f"/ordonnance-numerique/{ident}/delivrer", data=renewal, headers=pharmacist)
    after = client.get(f"/ordonnance-numerique/{ident}?patient={gene}", headers=pharmacist)

    assert 'name="cip13_1"' in ready_page.text and 'name="cip13_2"' not in ready_page.text
    assert "Délivrance enregistrée" in renewed.text
    assert '<span class="status">Délivrée</span>' in after.text

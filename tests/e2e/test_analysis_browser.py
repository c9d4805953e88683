"""The analysis panel in a real browser: a pharmacist types a prescription, sees the contraindication
first, and records a pharmaceutical intervention without leaving the page (HTMX)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, log_in, new_page

pytestmark = pytest.mark.browser


def test_a_pharmacist_analyses_a_prescription_and_records_an_intervention(server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, 1500, 1000)
    page.goto(f"{server}/analyse")
    log_in(page, "PH01")

    page.get_by_label("Médicament 1", exact=True).fill("HYDROXYZINE CHLORHYDRATE 25 mg cp (ATARAX)")
    page.get_by_label("Posologie 1", exact=True).fill("1 cp 30 min avant le coucher 1 mois")
    page.get_by_label("Médicament 2", exact=True).fill("ESCITALOPRAM (oxalate) 20 mg cp")
    page.get_by_label("Posologie 2", exact=True).fill("1 cp par jour qsp 3 mois")
    page.get_by_label("Médicament 3", exact=True).fill("HYDROCHLOROTHIAZIDE 25 mg cp (ESIDREX)")
    page.get_by_label("Posologie 3", exact=True).press("Control+Enter")

    first = page.locator("article.finding").first
    expect(first).to_have_class("finding alert alert-ci")
    expect(first).to_contain_text("torsades de pointes")
    first.get_by_label("Commentaire").fill("Prescripteur appelé : hydroxyzine arrêtée")
    first.get_by_role("button", name="Intervention").click()
    expect(first.get_by_role("status")).to_contain_text("Intervention enregistrée : 6.4 Contre-indication — Arrêt")
    page.screenshot(path=str(ARTIFACTS / "analyse-ordonnance.png"), full_page=True)

    assert Path(ARTIFACTS / "analyse-ordonnance.png").stat().st_size > 10_000

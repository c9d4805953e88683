"""Numbers, dates and codes as the pages write them (web/rendering.py filters, web/labels.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from comptoir.web.labels import audit_detail, label
from comptoir.web.rendering import fr_date, fr_number, fr_percent, templates


@pytest.mark.parametrize(("value", "decimals", "written"), [
    (52.5, None, "52,5"), (80.0, None, "80"), (15023, None, "15 023"), (Decimal("2.18"), 2, "2,18"),
    (1234.5, 2, "1 234,50"), (None, None, "—"),
])
def test_a_number_has_a_decimal_comma_and_spaced_thousands(value: object, decimals: int | None,
                                                           written: str) -> None:
    assert fr_number(value, decimals) == written


@pytest.mark.parametrize(("value", "decimals", "written"), [
    (0.881, 1, "88,1 %"), (0.88, 0, "88 %"), (1.0, 0, "100 %"), ("65%", 0, "65 %"),
    ("noms semblables à 75%", 0, "noms semblables à 75 %"), ("même matricule INS.", 0, "même matricule INS."),
])
def test_a_percentage_has_a_space_before_its_sign(value: object, decimals: int, written: str) -> None:
    assert fr_percent(value, decimals) == written


def test_a_date_is_day_month_year() -> None:
    assert fr_date(date(2026, 2, 19)) == "19/02/2026" == fr_date("2026-02-19")
    assert fr_date(datetime(2026, 2, 19, 9, 30, tzinfo=UTC), with_time=True) == "19/02/2026 09:30"
    assert fr_date(None) == "—"


def test_a_code_shows_its_french_label_and_an_unknown_one_stays_as_it_is() -> None:
    assert label("on.execution", "outbox_kind") == "Ordonnance numérique : exécution"
    assert label("ASDEC", "level") == "Association déconseillée"
    assert label("PROV", "identity_status") == "Identité provisoire"
    assert label("a_controler", "check_status") == "À contrôler"
    assert label("weight_kg", "field") == "Poids (kg)"
    assert label("XYZ", "level") == "XYZ"


def test_an_audit_detail_reads_as_french() -> None:
    assert audit_detail("consultation statut=ACTIVE patient=3") == "consultation statut : active, patient : 3"
    assert audit_detail("renvoi on.execution") == "renvoi ordonnance numérique : exécution"
    assert audit_detail("refus interaction CI patient=-") == "refus interaction contre-indication patient : -"


def test_the_templates_know_the_filters() -> None:
    page = templates.env.from_string('{{ 0.881 | fr_percent(1) }} · {{ "CI" | label("level") }} · '
                                     '{{ 52.5 | fr_number }}')

    assert page.render() == "88,1 % · Contre-indication · 52,5"

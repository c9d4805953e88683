"""Which alerts need a pharmacist's decision, and the keys that keep a decision attached to its alert."""

from __future__ import annotations

import pytest

from comptoir.analysis.findings import Finding, Level
from comptoir.services.dispensing.alerts import _rank, alert_key, needs_decision


def finding(kind: str, level: Level, *drugs: str, substances: tuple[str, ...] = ("simvastatine",),
            message: str = "…") -> Finding:
    return Finding(kind=kind, level=level, drugs=drugs or ("60000003",), substances=substances, message=message,
                   source="test")


@pytest.mark.parametrize(("kind", "level"), [("interaction", Level.CI), ("interaction", Level.ASDEC),
                                             ("contraindication", Level.CI), ("contraindication", Level.ASDEC),
                                             ("allergy", Level.CI), ("allergy", Level.PE), ("fraud", Level.PE),
                                             ("fraud", Level.APEC)])
def test_contraindications_associations_deconseillees_allergies_and_fraud_need_a_decision(
        kind: str, level: Level) -> None:
    assert needs_decision(finding(kind, level))


@pytest.mark.parametrize(("kind", "level"), [("interaction", Level.PE), ("interaction", Level.APEC),
                                             ("contraindication", Level.APEC), ("dose", Level.CI),
                                             ("redundancy", Level.ASDEC), ("cost", Level.PE),
                                             ("unidentified", Level.ASDEC)])
def test_precautions_and_other_findings_are_shown_without_blocking(kind: str, level: Level) -> None:
    assert not needs_decision(finding(kind, level))


def test_a_key_ignores_the_order_of_products_and_the_wording() -> None:
    one = finding("interaction", Level.CI, "60000003", "60000004", substances=("a", "b"), message="délivré le 1/2")
    other = finding("interaction", Level.CI, "60000004", "60000003", substances=("b", "a"), message="autre texte")

    assert alert_key(one) == alert_key(other)


def test_another_level_or_another_product_is_another_alert() -> None:
    base = finding("interaction", Level.CI, "60000003", "60000004")

    assert alert_key(base) != alert_key(finding("interaction", Level.ASDEC, "60000003", "60000004"))
    assert alert_key(base) != alert_key(finding("interaction", Level.CI, "60000003", "60000005"))
    assert len(alert_key(base)) <= 80


def test_an_unidentified_line_comes_before_the_other_non_blocking_alerts() -> None:
    unidentified = finding("unidentified", Level.ASDEC, "CREME HYDRATANTE", substances=())
    ranked = sorted([finding("dose", Level.CI), unidentified, finding("interaction", Level.CI)], key=_rank)

    assert [f.kind for f in ranked] == ["interaction", "unidentified", "dose"]


@pytest.mark.parametrize(("bdpm", "said"), [("ELIQUIS 2,5 mg, comprimé pelliculé", "ELIQUIS 2,5 mg"),
                                            ("DOLIPRANE 1000 mg, comprimé", "DOLIPRANE 1000 mg"),
                                            ("KARDEGIC 75 mg", "KARDEGIC 75 mg")])
def test_a_product_name_loses_its_form_but_never_the_decimals_of_its_strength(bdpm: str, said: str) -> None:
    from comptoir.services.dispensing.alerts import short_name

    assert short_name(bdpm) == said

"""The emulator's seeds look like ASAFO's first year (SPEC §11.2, §15.6): valid identifiers, the products' mix."""

from __future__ import annotations

from stdnum import luhn

from comptoir.national.asafo.seeds import DEMO_PATIENT_NIR, DEMO_PRESCRIBER_RPPS, seed_alerts


def test_every_prescriber_has_a_well_formed_rpps_with_its_luhn_key() -> None:
    numbers = {alert.prescriber[0] for alert in seed_alerts()}

    assert DEMO_PRESCRIBER_RPPS in numbers
    assert all(len(n) == 11 and n.startswith("10") and luhn.is_valid(n) for n in numbers)


def test_every_patient_nir_has_its_key() -> None:
    for nir in {alert.patient_nir for alert in seed_alerts()} | {DEMO_PATIENT_NIR}:
        assert len(nir) == 15 and 97 - int(nir[:13]) % 97 == int(nir[13:]), nir


def test_about_a_third_are_diabetes_products_then_analgesics_pregabalin_and_fertility() -> None:
    classes = [alert.drug_class for alert in seed_alerts()]

    diabetes = sum("diab" in c.lower() for c in classes)
    analgesics = sum("opioïde" in c or "opiacés" in c for c in classes)
    assert 0.25 <= diabetes / len(classes) <= 0.35
    assert analgesics > sum("prégabaline" in c for c in classes) > sum("infertilité" in c for c in classes) > 0

"""The counter's reading of the BDPM conditions of prescription and dispensing."""

from pathlib import Path

from comptoir.domain.dispensing.conditions import NARCOTIC_MAX_DAYS, Listing, read_conditions


def test_a_narcotic_is_limited_to_28_days_and_registered() -> None:
    read = read_conditions(["stupéfiants", "prescription en toutes lettres sur ordonnance sécurisée"])
    assert read.narcotic and read.registered and read.secure_prescription
    assert not read.assimilated_narcotic
    assert read.max_prescription_days == NARCOTIC_MAX_DAYS


def test_a_shorter_limit_of_the_product_wins_over_28_days() -> None:
    read = read_conditions(["stupéfiants", "prescription limitée à 7 jours", "délivrance fractionnée de 7 jours"])
    assert read.max_prescription_days == 7
    assert read.fraction_days == 7


def test_overlap_and_fraction_are_read() -> None:
    read = read_conditions(["stupéfiants", "délivrance fractionnée de 14 jours",
                            "chevauchement interdit sauf mention expresse du prescripteur portée sur l'ordonnance"])
    assert read.fraction_days == 14 and read.overlap_forbidden


def test_an_assimilated_narcotic_is_a_listed_product_on_secure_prescription() -> None:
    read = read_conditions(["liste I", "prescription sur ordonnance sécurisée", "prescription limitée à 4 semaines"])
    assert read.listing is Listing.LIST_I
    assert read.assimilated_narcotic and read.secure_prescription and not read.narcotic
    assert read.max_prescription_days == 28


def test_limits_in_weeks_months_and_alternatives() -> None:
    assert read_conditions(["prescription limitée à 12 semaines"]).max_prescription_days == 84
    assert read_conditions(["prescription limitée à 6 mois"]).max_prescription_days == 180
    assert read_conditions(["prescription limitée à 7 jours ou 28 jours"]).max_prescription_days == 28


def test_list_ii_and_unlisted_products() -> None:
    assert read_conditions(["liste II"]).listing is Listing.LIST_II
    unlisted = read_conditions([])
    assert unlisted.listing is None and not unlisted.registered and unlisted.max_prescription_days is None


def test_hospital_reserve_is_never_at_the_counter() -> None:
    assert read_conditions(["réservé à l'usage HOSPITALIER", "liste I"]).hospital_only
    assert not read_conditions(["prescription hospitalière", "liste I"]).hospital_only


def test_every_limit_written_in_the_bdpm_is_read(shared_data: Path) -> None:
    texts = {line.split("\t")[1].strip() for line in (shared_data / "bdpm" / "CIS_CPD_bdpm.txt").read_text(
        encoding="utf-8").splitlines() if "\t" in line}
    limited = [text for text in texts if text.lower().startswith("prescription limitée")]
    assert limited and all(read_conditions([text]).max_prescription_days for text in limited)

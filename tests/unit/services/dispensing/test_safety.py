"""Safety enforced at the counter, on the in-memory unit of work: a contraindication, an allergy or a fraud
signal needs a pharmacist's decision before validation; a préparateur cannot decide and hands the basket over;
decisions stay with their alert while the basket changes; products are named by name and DCI."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.errors import Conflict, FieldErrors, PermissionDenied, RuleViolation
from comptoir.services.dispensing.alerts import SERIALISATION
from comptoir.services.dispensing.basket import (
    add_paper_lines,
    hand_over,
    open_basket,
    remove_line,
    scan_or_type,
    set_prescription,
    take_over,
    waiting_baskets,
)
from comptoir.services.dispensing.decisions import decide
from comptoir.services.dispensing.validate import validate
from comptoir.services.dispensing.views import BasketView, Blocked, DecisionInput, PaperLine, PrescriptionInput
from comptoir.services.platform.operators import CurrentOperator
from tests.fakes import FakeUnitOfWork
from tests.unit.services.dispensing.world import (
    ALLERGIC,
    DOLIPRANE_PACK,
    NOW,
    PATIENT,
    PHARMACIST,
    PREPARER,
    References,
    pharmacy,
)

REFERENCES = References()


def packs_decided(uow: FakeUnitOfWork, view: BasketView) -> BasketView:
    """Typed lines of listed products: their boxes were not scanned, the pharmacist goes on (SPEC §9.3)."""
    for alert in [a for a in view.alerts if a.kind == SERIALISATION and a.decision is None]:
        view = decide(view.id, alert.key, DecisionInput("override", "boîte sans DataMatrix (ancien conditionnement)"),
                      uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)
    return view


def unserialised(reasons: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(reason for reason in reasons if "Sérialisation" not in reason)
STATIN_AND_MACROLIDE = [PaperLine("SIMVASTATINE ARROW 20 mg", "1 comprimé le soir"),
                        PaperLine("CLARITHROMYCINE MYLAN 500 mg", "1 comprimé matin et soir pendant 7 jours")]
OVERRIDE = DecisionInput("override", "Prescripteur joint : la statine est suspendue pendant l'antibiothérapie.")


def paper(uow: FakeUnitOfWork, lines: list[PaperLine], *, patient_id: int = PATIENT, rpps: str = "10000001916",
          operator: CurrentOperator = PREPARER) -> BasketView:
    view = open_basket(patient_id, "ordonnance_papier", uow=uow, operator=operator, now=NOW, reference=REFERENCES)
    set_prescription(view.id, PrescriptionInput(rpps, "Dr Jean MARTIN", date(2026, 2, 18)), uow=uow,
                     operator=operator, now=NOW, reference=REFERENCES)
    return add_paper_lines(view.id, lines, None, None, uow=uow, operator=operator, now=NOW, reference=REFERENCES)


def decided(uow: FakeUnitOfWork, view: BasketView, decision: DecisionInput = OVERRIDE,
            operator: CurrentOperator = PHARMACIST) -> BasketView:
    (alert,) = [a for a in view.alerts if a.needs_decision and a.kind != SERIALISATION]
    return decide(view.id, alert.key, decision, uow=uow, operator=operator, now=NOW, reference=REFERENCES)


def test_a_contraindicated_pair_needs_a_decision_and_names_products_by_name_and_dci() -> None:
    uow = pharmacy()

    view = paper(uow, STATIN_AND_MACROLIDE)

    (alert,) = [a for a in view.alerts if a.needs_decision and a.kind != SERIALISATION]
    assert (alert.kind, alert.level, alert.decision) == ("interaction", "CI", None)
    assert {p.label for p in alert.products} == {"SIMVASTATINE ARROW 20 mg (simvastatine)",
                                                 "CLARITHROMYCINE MYLAN 500 mg (clarithromycine)"}
    assert "SIMVASTATINE ARROW 20 mg (simvastatine)" in alert.message and "6000000" not in alert.message
    assert any(reason.startswith("Décision d'un pharmacien requise") for reason in view.blocking)
    assert not view.can_validate


def test_a_declared_allergy_needs_a_decision() -> None:
    uow = pharmacy()

    view = paper(uow, [PaperLine("AMOXICILLINE BIOGARAN 1 g", "1 comprimé matin et soir pendant 6 jours")],
                 patient_id=ALLERGIC)

    assert [(a.kind, a.needs_decision) for a in view.alerts if a.kind != SERIALISATION] == [("allergy", True)]
    assert "AMOXICILLINE BIOGARAN 1 g (amoxicilline)" in view.alerts[0].message


def test_a_prescriber_number_that_fails_its_key_is_a_fraud_alert_needing_a_decision() -> None:
    uow = pharmacy()

    view = paper(uow, [PaperLine("DOLIPRANE 1000 mg, comprimé", "1 comprimé 3 fois par jour")], rpps="10000001917")

    assert [(a.kind, a.needs_decision) for a in view.alerts if a.kind != SERIALISATION] == [("fraud", True)]
    assert view.prescription is not None and view.prescription.rpps_valid is False


def test_a_preparer_cannot_override_and_nothing_is_recorded() -> None:
    uow = pharmacy()
    view = paper(uow, STATIN_AND_MACROLIDE)

    with pytest.raises(PermissionDenied):
        decided(uow, view, operator=PREPARER)

    assert uow.baskets.basket_decisions == []


def test_a_preparer_hands_the_basket_over_and_a_pharmacist_sees_it_waiting() -> None:
    uow = pharmacy()
    view = paper(uow, STATIN_AND_MACROLIDE)

    handed = hand_over(view.id, uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)
    waiting = waiting_baskets(uow=uow, operator=PHARMACIST, now=NOW)

    assert handed.status == "en_attente" and handed.handed_over_by == "PR01"
    assert [(w.id, w.patient_name, w.lines, w.handed_over_by) for w in waiting] == [(view.id, "GENE Alain", 2, "PR01")]
    with pytest.raises(RuleViolation, match="transmis à un pharmacien"):
        scan_or_type(view.id, "3400933516390", uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)
    taken = take_over(view.id, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)
    assert taken.status == "ouvert" and taken.can_decide
    assert waiting_baskets(uow=uow, operator=PHARMACIST, now=NOW) == []


def test_an_override_needs_its_reason() -> None:
    uow = pharmacy()
    view = paper(uow, STATIN_AND_MACROLIDE)

    with pytest.raises(FieldErrors) as refused:
        decided(uow, view, DecisionInput("override", "  "))

    assert "reason" in refused.value.fields and uow.baskets.basket_decisions == []


def test_an_intervention_needs_its_sfpc_code() -> None:
    uow = pharmacy()
    view = paper(uow, STATIN_AND_MACROLIDE)

    with pytest.raises(FieldErrors) as refused:
        decided(uow, view, DecisionInput("intervention", "Appel au prescripteur"))

    assert "intervention_code" in refused.value.fields


def test_a_decision_lifts_the_block_and_is_recorded_with_its_operator() -> None:
    uow = pharmacy()
    view = paper(uow, STATIN_AND_MACROLIDE)

    view = packs_decided(uow, decided(uow, view))

    (alert,) = [a for a in view.alerts if a.needs_decision and a.kind != SERIALISATION]
    assert alert.decision is not None and (alert.decision.kind, alert.decision.operator_code) == ("override", "PH01")
    assert view.blocking == () and view.can_validate


def test_a_decision_survives_the_reanalysis_of_a_changed_basket() -> None:
    uow = pharmacy()
    view = decided(uow, paper(uow, STATIN_AND_MACROLIDE))

    view = scan_or_type(view.id, DOLIPRANE_PACK, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    (alert,) = [a for a in view.alerts if a.needs_decision and a.kind != SERIALISATION]
    assert alert.decision is not None and unserialised(view.blocking) == ()


def test_an_alert_that_disappears_leaves_its_decision_unused() -> None:
    uow = pharmacy()
    view = decided(uow, paper(uow, STATIN_AND_MACROLIDE))
    macrolide = next(line.position for line in view.lines if line.cis == "60000004")

    view = remove_line(view.id, macrolide, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)
    view = packs_decided(uow, view)
    validated = validate(view.id, view.version, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    assert [a for a in view.alerts if a.kind != SERIALISATION] == [] and unserialised(view.blocking) == ()
    kept = [d for d in uow.dispensations.decisions if d.finding_kind != SERIALISATION]
    assert validated.dispensation_id and kept == []


def test_a_basket_with_an_undecided_alert_is_not_validated() -> None:
    uow = pharmacy()
    view = paper(uow, STATIN_AND_MACROLIDE)

    with pytest.raises(Blocked) as refused:
        view = packs_decided(uow, view)
        validate(view.id, view.version, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    assert any("Décision d'un pharmacien requise" in r for r in refused.value.reasons)
    assert uow.dispensations.dispensations == {}


def test_a_preparer_may_not_validate() -> None:
    uow = pharmacy()
    view = scan_or_type(open_basket(PATIENT, "sans_ordonnance", uow=uow, operator=PREPARER, now=NOW,
                                    reference=REFERENCES).id,
                        "3400933516390", uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)

    with pytest.raises(PermissionDenied):
        validate(view.id, view.version, uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)

    assert not view.can_validate and unserialised(view.blocking) == ()


def test_a_listed_product_is_refused_without_prescription_naming_it_and_its_listing() -> None:
    uow = pharmacy()
    view = open_basket(None, "sans_ordonnance", uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)

    with pytest.raises(FieldErrors) as refused:
        scan_or_type(view.id, "3400930000035", uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)

    assert refused.value.fields["text"] == "SIMVASTATINE ARROW 20 mg (Liste I) ne se délivre que sur ordonnance."


def test_a_validation_of_a_version_no_longer_current_is_a_conflict() -> None:
    uow = pharmacy()
    view = decided(uow, paper(uow, STATIN_AND_MACROLIDE))

    with pytest.raises(Conflict, match="a changé"):
        validate(view.id, view.version - 1, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)


def test_the_validated_dispensation_keeps_the_scanned_pack_and_the_decision() -> None:
    uow = pharmacy()
    view = decided(uow, paper(uow, STATIN_AND_MACROLIDE))
    view = scan_or_type(view.id, DOLIPRANE_PACK, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    view = packs_decided(uow, view)

    validated = validate(view.id, view.version, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    dispensation = uow.dispensations.dispensations[validated.dispensation_id]
    lines = uow.dispensations.lines_of([dispensation.id])[dispensation.id]
    assert dispensation.kind == "ordonnance_papier" and dispensation.prescriber_rpps == "10000001916"
    pack = next(line for line in lines if line.serial)
    assert (pack.cip13, pack.serial, pack.lot, pack.expiry) == ("3400933516390", "SERIE0001", "LOT42",
                                                                date(2027, 12, 31))
    assert {line.listing for line in lines} == {"liste I", None}
    (kept,) = [d for d in uow.dispensations.decisions if d.finding_kind != SERIALISATION]
    assert (kept.decision, kept.dispensation_id, kept.operator_code) == ("passer_outre", dispensation.id, "PH01")
    assert uow.baskets.baskets[view.id].status == "valide"


def test_listed_lines_enter_the_ordonnancier_and_the_paper_scan_is_kept_with_the_dispensation() -> None:
    uow = pharmacy()
    view = paper(uow, STATIN_AND_MACROLIDE)
    image = b"\x89PNG\r\n\x1a\n" + b"ordonnance"
    add_paper_lines(view.id, [], image, "image/png", uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)
    view = decided(uow, view)

    view = packs_decided(uow, view)

    validated = validate(view.id, view.version, uow=uow, operator=PHARMACIST, now=NOW, reference=REFERENCES)

    assert len(validated.ordonnancier_numbers) == 2
    assert [d.dispensation_id for d in uow.documents.of_dispensation(validated.dispensation_id)] == [
        validated.dispensation_id]


def test_a_scan_that_is_no_image_is_refused_beside_its_field() -> None:
    uow = pharmacy()
    view = paper(uow, STATIN_AND_MACROLIDE)

    with pytest.raises(FieldErrors) as refused:
        add_paper_lines(view.id, [], b"MZ\x90\x00", "image/png", uow=uow, operator=PREPARER, now=NOW,
                        reference=REFERENCES)

    assert "scan" in refused.value.fields


def test_a_pregnant_patient_given_a_statin_needs_a_decision() -> None:
    uow = pharmacy()
    patient = uow.dispensations.patients[ALLERGIC]
    patient.pregnant, patient.amenorrhoea_start, patient.allergies = True, date(2025, 12, 1), []

    view = paper(uow, [PaperLine("SIMVASTATINE ARROW 20 mg", "1 comprimé le soir")], patient_id=ALLERGIC)

    assert [(a.kind, a.level, a.needs_decision) for a in view.alerts if a.kind != SERIALISATION] == [
        ("contraindication", "CI", True)]

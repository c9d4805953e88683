"""The counter's basket on the in-memory unit of work: every way in lands in the same basket, each change
answers the whole basket analysed, and a refusal changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.errors import FieldErrors, PermissionDenied
from comptoir.services.dispensing.basket import basket, open_basket, scan_or_type
from comptoir.services.dispensing.views import Ambiguous, BasketView
from tests.fakes import FakeUnitOfWork
from tests.unit.services.dispensing.world import (
    DOLIPRANE,
    DOLIPRANE_PACK,
    NOW,
    PATIENT,
    PREPARER,
    References,
    pharmacy,
)

REFERENCES = References()


def opened(uow: FakeUnitOfWork, kind: str = "ordonnance_papier", patient_id: int | None = PATIENT) -> BasketView:
    return open_basket(patient_id, kind, uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)


def typed(uow: FakeUnitOfWork, view: BasketView, text: str) -> BasketView:
    return scan_or_type(view.id, text, uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)


def test_a_preparer_opens_an_empty_basket_that_cannot_be_validated_yet() -> None:
    uow = pharmacy()

    view = opened(uow)

    assert (view.status, view.kind, view.patient_id, view.lines) == ("ouvert", "ordonnance_papier", PATIENT, ())
    assert view.blocking == ("Panier vide : scannez ou saisissez un produit.",)
    assert not view.can_validate and not view.can_decide
    assert [e.object_type for e in uow.audit.entries] == ["basket"] and uow.committed == 1


def test_an_unknown_kind_is_refused_beside_its_field_and_nothing_is_opened() -> None:
    uow = pharmacy()

    with pytest.raises(FieldErrors) as refused:
        open_basket(None, "vente", uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)

    assert "kind" in refused.value.fields and uow.baskets.baskets == {}


def test_the_administrator_may_not_open_a_basket() -> None:
    from comptoir.domain.operators import Role
    from comptoir.services.platform.operators import CurrentOperator

    admin = CurrentOperator(9, "ADM", "Admin", Role.ADMIN, "poste-1")

    with pytest.raises(PermissionDenied):
        open_basket(None, "sans_ordonnance", uow=pharmacy(), operator=admin, now=NOW, reference=REFERENCES)


@pytest.mark.parametrize("code", ["3400933516390", "3351639", "60000001", "3400 9335 1639 0"])
def test_a_cip13_a_cip7_or_a_cis_adds_the_product_with_its_box(code: str) -> None:
    uow = pharmacy()

    view = typed(uow, opened(uow), code)

    (line,) = view.lines
    assert (line.name, line.dci, line.cip13, line.boxes) == ("DOLIPRANE 1000 mg", "paracétamol", "3400933516390", 1)
    assert (line.price_eur, line.reimbursement_rate, line.reason) == (2.5, 65, "")


def test_a_typed_name_adds_the_only_product_that_answers() -> None:
    uow = pharmacy()

    view = typed(uow, opened(uow), "simvastatine 20")

    assert [line.cis for line in view.lines] == ["60000003"]


def test_a_typed_word_several_products_answer_asks_which_and_adds_nothing() -> None:
    uow = pharmacy()
    view = opened(uow)

    with pytest.raises(Ambiguous) as asked:
        typed(uow, view, "doliprane 1000")

    assert {c.cis for c in asked.value.candidates} == {"60000001", "60000005"}
    # Each says its form: the same name and strength in a comprimé and a gélule are told apart.
    assert {c.name for c in asked.value.candidates} == {"DOLIPRANE 1000 mg, comprimé", "DOLIPRANE 1000 mg, gélule"}
    assert basket(view.id, uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES).lines == ()


def test_a_scanned_datamatrix_keeps_its_serial_lot_and_expiry_on_the_line() -> None:
    uow = pharmacy()

    view = typed(uow, opened(uow), DOLIPRANE_PACK)

    (line,) = view.lines
    assert (line.cip13, line.serial, line.lot, line.expiry, line.scanned) == (
        "3400933516390", "SERIE0001", "LOT42", date(2027, 12, 31), 1)


@pytest.mark.parametrize("form", ["]d2" + DOLIPRANE_PACK, DOLIPRANE_PACK.replace("\x1d", "<GS>"),
                                  "(01)03400933516390(17)271231(10)LOT42(21)SERIE0001"])
def test_a_datamatrix_is_read_in_every_scanner_form(form: str) -> None:
    uow = pharmacy()

    (line,) = typed(uow, opened(uow), form).lines

    assert (line.serial, line.lot) == ("SERIE0001", "LOT42")


def test_the_same_pack_scanned_twice_is_refused() -> None:
    uow = pharmacy()
    view = typed(uow, opened(uow), DOLIPRANE_PACK)

    with pytest.raises(FieldErrors, match="déjà scannée"):
        typed(uow, view, DOLIPRANE_PACK)


def test_a_second_pack_of_the_same_box_counts_one_more_box_on_its_line() -> None:
    uow = pharmacy()
    view = typed(uow, opened(uow), DOLIPRANE_PACK)

    view = typed(uow, view, DOLIPRANE_PACK.replace("SERIE0001", "SERIE0002"))

    (line,) = view.lines
    assert (line.boxes, line.scanned) == (2, 2)


def test_an_expired_pack_is_refused() -> None:
    uow = pharmacy()

    with pytest.raises(FieldErrors, match="périmée"):
        typed(uow, opened(uow), DOLIPRANE_PACK.replace("271231", "250131"))


def test_each_change_counts_a_new_version() -> None:
    uow = pharmacy()
    view = opened(uow)

    changed = typed(uow, view, "3400933516390")

    assert changed.version == view.version + 1


def test_an_unknown_code_is_refused_beside_the_input() -> None:
    uow = pharmacy()

    with pytest.raises(FieldErrors) as refused:
        typed(uow, opened(uow), "3400930999999")

    assert "inconnu" in refused.value.fields["text"]



PARACETAMOL_GENERIC = ("60000005", "PARACETAMOL BIOGARAN 1000 mg, comprimé", "paracétamol", "N02BE01", ())


@pytest.mark.parametrize(("kind", "given"), [("ordonnance_papier", ("60000005", "PARACETAMOL BIOGARAN 1000 mg",
                                                                    "3400930000059", True)),
                                             ("sans_ordonnance", ("60000001", "DOLIPRANE 1000 mg",
                                                                  "3400933516390", False))])
def test_a_typed_brand_is_given_as_its_generic_only_on_a_prescription_and_then_visibly(
        kind: str, given: tuple[str, str, str, bool]) -> None:
    uow = pharmacy((DOLIPRANE, PARACETAMOL_GENERIC))
    uow.eprescriptions.groups.append({"60000001", "60000005"})
    uow.eprescriptions.princeps.add("60000001")
    references = References((DOLIPRANE, PARACETAMOL_GENERIC))
    view = open_basket(PATIENT, kind, uow=uow, operator=PREPARER, now=NOW, reference=references)

    (line,) = scan_or_type(view.id, "doliprane", uow=uow, operator=PREPARER, now=NOW, reference=references).lines

    assert (line.cis, line.name, line.cip13, line.substituted) == given


def test_a_typed_lines_posology_sets_its_boxes_unless_the_pharmacist_set_them_by_hand() -> None:
    from comptoir.services.dispensing.basket import update_line
    from comptoir.services.dispensing.views import LineChanges
    uow = pharmacy()
    view = typed(uow, opened(uow), "3351639")

    def changed(changes: LineChanges) -> int:
        updated = update_line(view.id, 1, changes, uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)
        return updated.lines[0].boxes

    # 15 comprimés in boxes of 8.
    assert changed(LineChanges(posology="1 comprimé 3 fois par jour pendant 5 jours")) == 2
    assert changed(LineChanges(duration_days=10)) == 4
    assert changed(LineChanges(boxes=1)) == 1
    assert changed(LineChanges(posology="2 comprimés 3 fois par jour pendant 10 jours")) == 1


def test_every_scanned_box_keeps_its_own_lot_expiry_and_serial_on_the_line() -> None:
    from comptoir.services.dispensing.views import ScannedPack
    uow = pharmacy()
    view = typed(uow, opened(uow), DOLIPRANE_PACK)
    second = "010340093351639017" + "270531" + "10LOT2\x1d21SERIE0002"

    (line,) = typed(uow, view, second).lines

    assert line.boxes == 2 and line.packs == (ScannedPack("LOT42", date(2027, 12, 31), "SERIE0001"),
                                              ScannedPack("LOT2", date(2027, 5, 31), "SERIE0002"))

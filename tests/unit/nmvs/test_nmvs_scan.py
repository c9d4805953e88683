"""Each pack scanned at the counter is verified with the NMVS at once (SPEC §9.4): refused in French with its code
and nothing changes, or taken « vérification en attente » when the system does not answer; a listed pack of
another product than the prescription's is refused; the expiry is checked at the counter too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from comptoir.domain.eprescription.prescription import Prescription, validity_end
from comptoir.errors import ExternalServiceError, FieldErrors
from comptoir.national.nmvs.port import Alert, Change, Outcome, PackId, PackState, PackStatus
from comptoir.services.dispensing.basket import add_paper_lines, basket, open_basket, scan_or_type
from comptoir.services.dispensing.views import BasketView, PaperLine
from comptoir.store import models as m
from tests.eprescription_builders import ADEMIS, GENE, line
from tests.fakes import FakeUnitOfWork
from tests.unit.services.dispensing.world import (
    AMOXICILLINE,
    DOLIPRANE_PACK,
    NOW,
    PATIENT,
    PREPARER,
    SIMVASTATINE,
    References,
    pharmacy,
)

REFERENCES = References()

ON_ID = "202602190930000042"
SIMVASTATINE_BOX, AMOXICILLINE_BOX = "3400930001035", "3400930002032"
"""Boxes of the world's listed products with a valid check digit (a DataMatrix's GTIN is checked)."""
AMOXICILLINE_PACK = f"010{AMOXICILLINE_BOX}17281231" + "10AMX1\x1d21AMX0001"
SIMVASTATINE_PACK = f"010{SIMVASTATINE_BOX}17281231" + "10SIM1\x1d21SIM0001"
REFERENCES.reference.cip13_to_cis.update({SIMVASTATINE_BOX: SIMVASTATINE[0], AMOXICILLINE_BOX: AMOXICILLINE[0]})


@dataclass
class FakeNmvs:
    """The system as the test says: each serial's state and alerts, or down."""

    states: dict[str, PackState] = field(default_factory=dict)
    alerts: dict[str, Alert] = field(default_factory=dict)
    down: bool = False
    asked: list[PackId] = field(default_factory=list)

    def verify(self, pack: PackId) -> PackStatus:
        self.asked.append(pack)
        if self.down:
            raise ExternalServiceError("Le service NMVS est injoignable (réseau).", permanent=False)
        state = self.states.get(pack.serial, PackState.ACTIVE)
        alert = self.alerts.get(pack.serial)
        if alert is None and state is not PackState.ACTIVE:
            alert = Alert("NMVS_NC_PCK_22", f"boîte déjà inactive (état : {state.label})")
        return PackStatus(pack, state, (alert,) if alert else ())

    def decommission(self, pack: PackId, *, state: PackState, transaction: str) -> Change:
        raise AssertionError("nothing is decommissioned at the scan")

    def undo(self, pack: PackId, *, state: PackState, transaction: str) -> Change:
        raise AssertionError("nothing is undone at the scan")

    def verify_many(self, packs: Sequence[PackId]) -> list[PackStatus]:
        return [self.verify(p) for p in packs]

    def decommission_many(self, packs: Sequence[PackId], *, state: PackState, transaction: str) -> list[Outcome]:
        raise AssertionError("nothing is decommissioned at the scan")

    def undo_many(self, packs: Sequence[PackId], *, state: PackState, transaction: str) -> list[Outcome]:
        raise AssertionError("nothing is undone at the scan")


def stocked() -> FakeUnitOfWork:
    uow = pharmacy()
    for cip13, cis in ((SIMVASTATINE_BOX, SIMVASTATINE[0]), (AMOXICILLINE_BOX, AMOXICILLINE[0])):
        uow.eprescriptions.presentations[cip13] = m.Presentation(
            cip13=cip13, cip7=cip13[5:12], cis=cis, label="plaquette(s) de 30 comprimé(s)",
            status="Présentation active", marketing_state="Déclaration de commercialisation",
            collectivities="oui", reimbursement_rate="65%", price_eur=Decimal("4.50"))
    return uow


class Base:
    """The ON base: one prescription of simvastatin."""

    def consult(self, prescription_id: str, *, rpps: str, finess: str) -> Prescription:
        lines = (line(1, "SIMVASTATINE ARROW 20 mg, comprimé", cis=SIMVASTATINE[0], posology="1 cp le soir",
                      duration=30, quantity=1),)
        return Prescription(ON_ID, date(2026, 2, 18), validity_end(date(2026, 2, 18), lines), ADEMIS, GENE, lines,
                            consent=True)


def on_basket(uow: FakeUnitOfWork) -> BasketView:
    view = opened(uow, "ordonnance_numerique")
    return scan_or_type(view.id, ON_ID, uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES,
                        base=Base())  # type: ignore[arg-type]


def opened(uow: FakeUnitOfWork, kind: str = "ordonnance_papier") -> BasketView:
    return open_basket(PATIENT, kind, uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)


def scanned(uow: FakeUnitOfWork, view: BasketView, text: str, nmvs: FakeNmvs) -> BasketView:
    return scan_or_type(view.id, text, uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES, nmvs=nmvs)


def refusal(uow: FakeUnitOfWork, view: BasketView, text: str, nmvs: FakeNmvs) -> str:
    with pytest.raises(FieldErrors) as refused:
        scanned(uow, view, text, nmvs)
    after = basket(view.id, uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)
    assert (after.lines, after.version) == (view.lines, view.version), "a refused pack changes nothing"
    return refused.value.fields["text"]


def test_a_pack_the_system_knows_active_is_added_and_shown_verified() -> None:
    uow, nmvs = pharmacy(), FakeNmvs()

    (line,) = scanned(uow, opened(uow), DOLIPRANE_PACK, nmvs).lines

    assert [p.verification for p in line.packs] == ["verifiee"]
    assert nmvs.asked == [PackId("03400933516390", "SERIE0001", "LOT42", date(2027, 12, 31))]


@pytest.mark.parametrize(("state", "said"), [(PackState.RECALLED, "rappelée"), (PackState.SUPPLIED, "déjà délivrée"),
                                             (PackState.STOLEN, "volée"), (PackState.EXPIRED, "périmée")])
def test_an_inactive_pack_is_refused_at_the_scan_with_its_state_and_code(state: PackState, said: str) -> None:
    uow = pharmacy()
    view = opened(uow)

    message = refusal(uow, view, DOLIPRANE_PACK, FakeNmvs(states={"SERIE0001": state}))

    assert said in message and "NMVS_NC_PCK_22" in message and "Ne la délivrez pas" in message


@pytest.mark.parametrize("code", ["NMVS_NC_PC_02", "NMVS_FE_LOT_03", "NMVS_FE_LOT_12", "NMVS_FE_LOT_13"])
def test_a_pack_whose_data_do_not_match_is_refused_with_its_code(code: str) -> None:
    uow = pharmacy()
    view = opened(uow)

    message = refusal(uow, view, DOLIPRANE_PACK, FakeNmvs(alerts={"SERIE0001": Alert(code, "données non conformes")}))

    assert code in message and "données non conformes" in message


def test_the_system_down_takes_the_pack_with_its_verification_pending() -> None:
    uow = pharmacy()

    (line,) = scanned(uow, opened(uow), DOLIPRANE_PACK, FakeNmvs(down=True)).lines

    assert [p.verification for p in line.packs] == ["en_attente"]


def test_a_malformed_datamatrix_is_refused_in_french_before_the_system_is_asked() -> None:
    uow, nmvs = pharmacy(), FakeNmvs()
    view = opened(uow)

    message = refusal(uow, view, "010340093351639117271231", nmvs)

    assert "invalide" in message and nmvs.asked == []


def test_a_datamatrix_without_serial_cannot_be_verified_and_is_refused() -> None:
    uow = pharmacy()
    view = opened(uow)

    assert "numéro de série" in refusal(uow, view, "010340093351639017271231" + "10LOT42", FakeNmvs())


def test_a_listed_pack_of_another_product_than_the_ons_lines_is_refused() -> None:
    uow, nmvs = stocked(), FakeNmvs()

    message = refusal(uow, on_basket(uow), AMOXICILLINE_PACK, nmvs)

    assert "AMOXICILLINE" in message and "ligne 1" in message


def test_the_prescribed_pack_joins_its_on_line() -> None:
    uow, nmvs = stocked(), FakeNmvs()

    (line,) = scanned(uow, on_basket(uow), SIMVASTATINE_PACK, nmvs).lines

    assert (line.prescription_line, line.cip13, line.scanned) == (1, SIMVASTATINE_BOX, 1)


def test_on_a_paper_prescription_a_scanned_product_is_a_new_line_of_it() -> None:
    uow, nmvs = stocked(), FakeNmvs()
    view = add_paper_lines(opened(uow).id, [PaperLine("SIMVASTATINE ARROW 20 mg", "1 cp le soir", 30)], None, None,
                           uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)

    lines = scanned(uow, view, AMOXICILLINE_PACK, nmvs).lines

    assert [line.cip13 for line in lines][1:] == [AMOXICILLINE_BOX]


def test_a_pack_expiring_before_the_end_of_the_treatment_is_said() -> None:
    uow, nmvs = stocked(), FakeNmvs()
    view = add_paper_lines(opened(uow).id, [PaperLine("SIMVASTATINE ARROW 20 mg", "1 cp le soir", 30)], None, None,
                           uow=uow, operator=PREPARER, now=NOW, reference=REFERENCES)

    (line,) = scanned(uow, view, SIMVASTATINE_PACK.replace("281231", "260228"), nmvs).lines

    assert any(w.startswith("Péremption avant la fin du traitement") and "28/02/2026" in w for w in line.warnings)


def test_an_expired_pack_is_refused_at_the_counter_even_when_the_system_says_active() -> None:
    uow = pharmacy()
    view = opened(uow)

    assert "périmée" in refusal(uow, view, DOLIPRANE_PACK.replace("271231", "260131"), FakeNmvs())


def test_a_serial_the_system_could_not_carry_is_refused_in_french() -> None:
    from comptoir.reading.gs1 import PackCode
    from comptoir.services.nmvs.verification import pack_id

    with pytest.raises(FieldErrors, match="20 caractères au plus"):
        pack_id(PackCode("03400933516390", "3400933516390", "SÉRIE 1", "LOT42", "2027-12-31"))

"""The ASAFO check on the pharmacy's copy of the list, on the in-memory unit of work: who and what it matches,
what it leaves alone, and what it says of a copy too old."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from comptoir.analysis.items import Item
from comptoir.analysis.reference import Component, Product
from comptoir.services.asafo.check import CURRENT_DAYS, Presented, check
from comptoir.services.asafo.trust import Trust
from comptoir.store.asafo import AsafoAlert
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 2, 19, 9, 30, tzinfo=UTC)
FORGER, STRANGER = "10002134574", "10011345690"
TRAMADOL = Item("63435884", Product("63435884", "TOPALGIC 50 mg, gélule", "gélule", ("orale",), None,
                                    (Component("86571", "CHLORHYDRATE DE TRAMADOL", 50.0, frozenset({"tramadol"})),)),
                line=0)
UNKNOWN = Trust(prescriber_known=False, patient_known=False)


def alert(alert_id: str = "ASAFO-1", *, rpps: str = FORGER, days_ago: int = 10, nir: str = "184127511800262",
          substance: str = "tramadol") -> AsafoAlert:
    return AsafoAlert(alert_id=alert_id, anomaly="falsifiee", review_ended_on=date(2026, 2, 1), prescribed_on=None,
                      prescriber_rpps=rpps, prescriber_structure=None, prescriber_name="Dr VERNIER Marc",
                      patient_nir=nir, patient_name="GARNIER Thomas", drug_class="Antalgiques opioïdes",
                      products=[{"brand": "TOPALGIC 50 mg", "cip13": None, "substances": [substance]}],
                      region="Île-de-France", created_at=NOW - timedelta(days=days_ago), fetched_at=NOW)


def copy_of(*alerts: AsafoAlert, fresh_at: datetime = NOW) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    for found in alerts:
        uow.asafo.keep_alert(found)
    sync = uow.asafo.sync_state()
    sync.last_success_at = fresh_at
    return uow


def presented(rpps: str | None = STRANGER, nir: str | None = None, trust: Trust = UNKNOWN) -> Presented:
    return Presented(rpps, nir, [TRAMADOL], trust)


def test_a_prescriber_on_a_confirmed_fake_is_a_blocking_hit_naming_the_alert() -> None:
    found = check(copy_of(alert()), presented(rpps=FORGER), NOW)

    (hit,) = found.findings
    assert hit.kind == "fraud" and hit.level.name == "CI" and "Alerte ASAFO ASAFO-1" in hit.message
    assert found.alerts == ("ASAFO-1",) and found.status == ""


def test_a_patient_on_a_confirmed_fake_is_a_hit_even_from_a_known_prescriber() -> None:
    found = check(copy_of(alert()), presented(nir="184127511800262", trust=Trust(prescriber_known=True)), NOW)

    assert "le patient (même NIR)" in found.findings[0].message


def test_an_alert_older_than_a_year_names_nobody_any_more() -> None:
    found = check(copy_of(alert(days_ago=CURRENT_DAYS + 1)), presented(rpps=FORGER), NOW)

    assert found.findings == ()


def test_a_forged_substance_is_a_hit_only_for_an_unknown_prescriber_and_an_unauthenticated_prescription() -> None:
    uow = copy_of(alert(rpps="10003488128"))

    stranger = check(uow, presented(), NOW)
    known = check(uow, presented(trust=Trust(prescriber_known=True)), NOW)
    on = check(uow, presented(trust=Trust(prescriber_known=False, authenticated=True)), NOW)

    assert len(stranger.findings) == 1 and "depuis 90 jours" in stranger.findings[0].message
    assert known.findings == () and on.findings == ()


def test_a_copy_older_than_an_hour_is_said_with_its_date() -> None:
    found = check(copy_of(fresh_at=NOW - timedelta(hours=2)), presented(), NOW)

    assert found.status == "ASAFO indisponible : liste des fausses ordonnances à jour du 19/02/2026 à 07:30 (UTC)."


def test_a_copy_never_read_is_said() -> None:
    assert check(FakeUnitOfWork(), presented(), NOW).status.startswith("ASAFO indisponible")

"""`comptoir bench`'s counter figures in their smallest form: a real server, one warm-up patient and one measured
patient served over HTTP — the report's shape, and what the counter really did in the database."""

from __future__ import annotations

from collections import Counter as Tally

import httpx
import pytest
from sqlalchemy import func, select

from comptoir.analysis.reference import AnalysisReference
from comptoir.devtools.bench_counter import BenchFailure, Counter, CounterSizes, bench_counter
from comptoir.devtools.bench_counter_pharmacy import PHARMACIST, Entry, Visit
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.counter import Basket
from comptoir.store.dispensing import Dispensation, DispensedLine


def test_the_counter_bench_times_each_change_and_validation_of_baskets_it_really_validated(
    reference_runtime: Runtime, analysis_reference: AnalysisReference
) -> None:
    report = bench_counter(reference_runtime.settings.database_url, analysis_reference,
                           CounterSizes(patients=1, cycles=1))

    change, validation = report["counter_change"], report["counter_validation"]
    assert set(report) == {"counter_change", "counter_validation"}
    assert set(change["by_change"]) == {"add", "boxes", "posology", "remove"}
    assert change["count"] == 4 and validation["count"] == 1 == validation["dispensations"]
    for figures in (change, validation, *change["by_change"].values()):
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert change["alerts_mean"] > 0  # the answers carried the basket's alerts
    assert validation["register_entries"] > 0  # listed products, entered in the ordonnancier
    with reference_runtime.session_factory() as session:
        validated = session.scalars(select(Dispensation).where(Dispensation.kind == "ordonnance_papier")).all()
        lines = Tally(session.scalars(select(DispensedLine.dispensation_id).where(
            DispensedLine.dispensation_id.in_([d.id for d in validated]))))
        history = dict(session.execute(select(Dispensation.patient_id, func.count(DispensedLine.id))
                                       .join(DispensedLine).where(Dispensation.kind == "ordonnance")
                                       .group_by(Dispensation.patient_id)).all())
        patients = session.scalars(select(m.Patient)).all()
        baskets = session.scalars(select(Basket)).all()
    assert len(validated) == 2 and {d.operator_code for d in validated} == {PHARMACIST}  # warm-up + measured
    assert all(lines[d.id] == 8 for d in validated)
    assert [b.status for b in baskets] == ["valide", "valide"]
    assert sorted(history.values()) == [40, 40]
    assert all(p.allergies and p.egfr and p.weight_kg for p in patients)


def test_a_refused_answer_stops_the_bench() -> None:
    refusing = httpx.MockTransport(lambda request: httpx.Response(422, json={"detail": "Patient n° 7 introuvable."}))
    with httpx.Client(transport=refusing, base_url="http://comptoir") as client:
        counter = Counter(client, lambda: 0.0)

        with pytest.raises(BenchFailure, match=r"422 .*Patient n° 7 introuvable"):
            counter.serve(Visit(7, (Entry("nom", "kardegic 75"),)), measured=True)

    assert counter.changes == {} and counter.validations == []

"""The load run's consistency checks (bench/load/checks.py) on small fabricated records: what is lost or
doubled, in the pharmacy or in the ON base, is reported; a clean run passes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from bench.load import checks as c

FINESS = "750000001"
PRESCRIBED = {"ON1": {1: 1, 2: 2}, "ON2": {1: 1}}


def clean() -> dict[str, Any]:
    """Two ONs: ON1 line 2 delivered in two goes (one box, partial, then the other), ON2 once."""
    dispensations = [c.Dispensation(1, "ON1", 0, "k1", ((1, 1, False), (2, 1, True))),
                     c.Dispensation(2, "ON1", 0, "k2", ((2, 1, False),)),
                     c.Dispensation(3, "ON2", 0, "k3", ((1, 1, False),))]
    return {
        "acknowledged": [c.Acknowledged(d.id, d.execution_key, d.prescription_id) for d in dispensations],
        "dispensations": dispensations,
        "periods": [c.PeriodRow(("ON1", 1, 0), 1, True), c.PeriodRow(("ON1", 2, 0), 2, True),
                    c.PeriodRow(("ON2", 1, 0), 1, True)],
        "outbox": [c.OutboxRow("on.execution", d.execution_key, "envoye", 1) for d in dispensations],
        "executions": [c.Execution(f"EX{d.id}", d.prescription_id, d.execution_key, FINESS, 0, d.lines)
                       for d in dispensations],
    }


def failed(verdicts: list[c.Verdict]) -> dict[str, list[str]]:
    return {v.name: v.details for v in verdicts if not v.ok}


def test_a_clean_run_passes_every_check() -> None:
    verdicts = c.check_all(**clean(), prescribed=PRESCRIBED, finess=FINESS)

    assert failed(verdicts) == {} and len(verdicts) == 7


def test_an_execution_recorded_twice_by_the_base_is_reported() -> None:
    data = clean()
    data["executions"].append(c.Execution("EX9", "ON2", "k3", FINESS, 0, ((1, 1, False),)))

    found = failed(c.check_all(**data, prescribed=PRESCRIBED, finess=FINESS))

    assert any("enregistrée 2 fois" in d for d in found["base ON : chaque exécution reçue exactement une fois, "
                                                         "telle que délivrée"])
    assert any("2 boîte(s) délivrée(s) pour 1" in d for d in found["base ON : chaque ligne délivrée au plus ce qui "
                                                                   "est prescrit"])


def test_an_execution_the_base_never_received_is_reported_lost() -> None:
    data = clean()
    data["executions"] = data["executions"][:2]

    verdict = c.check_emulator(data["dispensations"], data["executions"], FINESS)

    assert not verdict.ok and verdict.details == ["délivrance 3 (ON ON2) jamais reçue par la base : perdue"]


def test_another_pharmacys_executions_are_not_ours_to_count() -> None:
    data = clean()
    data["executions"].append(c.Execution("EX8", "ON2", "elsewhere", "130786049", 0, ((1, 1, False),)))

    assert failed(c.check_all(**data, prescribed=PRESCRIBED, finess=FINESS)) == {}


def test_a_dispensation_confirmed_at_the_counter_but_missing_is_lost() -> None:
    data = clean()
    dispensations = data["dispensations"][1:]

    verdict = c.check_acknowledged(data["acknowledged"], dispensations)

    assert not verdict.ok and "perdue" in verdict.details[0] and "délivrance 1 " in verdict.details[0]


def test_a_period_delivered_twice_in_full_in_the_pharmacy_is_reported() -> None:
    data = clean()
    again = c.Dispensation(4, "ON2", 0, "k4", ((1, 1, False),))
    data["dispensations"].append(again)
    data["acknowledged"].append(c.Acknowledged(4, "k4", "ON2"))
    data["outbox"].append(c.OutboxRow("on.execution", "k4", "envoye", 1))

    found = failed(c.check_all(**data, prescribed=PRESCRIBED, finess=FINESS))

    quantities = found["pharmacie : chaque ligne délivrée au plus ce qui est prescrit"]
    assert "ON ON2 ligne 1 période 0 : 2 boîte(s) délivrée(s) pour 1 prescrite(s)" in quantities
    assert "ON ON2 ligne 1 période 0 : délivrée en entier 2 fois" in quantities
    assert found["pharmacie : la table des périodes concorde avec les lignes délivrées"] == [
        "période ('ON2', 1, 0) : line_delivery dit 1 boîte(s), les délivrances 2"]
    assert "délivrance 4 (ON ON2) jamais reçue par la base : perdue" in found[
        "base ON : chaque exécution reçue exactement une fois, telle que délivrée"]


def test_a_shared_execution_key_and_an_unknown_dispensation_are_doubles() -> None:
    data = clean()
    dispensations = [*data["dispensations"], c.Dispensation(5, "ON2", 0, "k3", ((1, 1, False),))]

    verdict = c.check_no_double(dispensations, data["acknowledged"])

    assert not verdict.ok and verdict.counts["inconnues"] == 1
    assert "clé d'exécution k3 portée par 2 délivrances" in verdict.details


def test_an_outbox_not_drained_or_failed_is_reported() -> None:
    data = clean()
    outbox = [c.OutboxRow("on.execution", "k1", "envoye", 1), c.OutboxRow("on.execution", "k2", "a_envoyer", 3),
              c.OutboxRow("on.execution", "k3", "echec", 8, "HTTP 500")]

    verdict = c.check_outbox(data["dispensations"], outbox)

    assert not verdict.ok and verdict.counts["echec"] == 1 and verdict.counts["a_envoyer"] == 1
    assert verdict.details == ["message k2 (on.execution) : a_envoyer après 3 essai(s)",
                               "message k3 (on.execution) : echec après 8 essai(s) HTTP 500"]


def test_the_loaders_read_the_acknowledgements_and_the_emulators_tables(tmp_path: Path) -> None:
    acks = tmp_path / "acks.jsonl"
    acks.write_text(json.dumps({"dispensation_id": 7, "execution_key": "k7", "prescription_id": "ON7"}) + "\n")
    database = tmp_path / "on.db"
    with sqlite3.connect(database) as db:
        db.execute("create table on_execution (id, prescription_id, key, document)")
        db.execute("create table on_ordonnance (id, document)")
        db.execute("create table on_appel (operation, outcome)")
        db.execute("insert into on_execution values ('EX7', 'ON7', 'k7', ?)", (json.dumps(
            {"finessPharmacie": FINESS, "numeroRenouvellement": 0,
             "lignes": [{"numeroLigne": 1, "quantite": 2, "partielle": False}]}),))
        db.execute("insert into on_ordonnance values ('ON7', ?)", (json.dumps({"lignes": [{"numero": 1,
                                                                                           "quantite": 2}]}),))
        db.executemany("insert into on_appel values (?, ?)", [("execution", "201"), ("execution", "doublon")])

    executions, prescribed, journal = c.load_emulator(database)

    assert c.read_acknowledged(acks) == [c.Acknowledged(7, "k7", "ON7")]
    assert executions == [c.Execution("EX7", "ON7", "k7", FINESS, 0, ((1, 2, False),))]
    assert prescribed == {"ON7": {1: 2}} and journal == {"execution:201": 1, "execution:doublon": 1}

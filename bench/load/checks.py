"""After a load run: was anything lost or doubled, in the pharmacy's database and in the ON base emulator?

Pure functions over plain records (unit-tested on fabricated data in tests/unit/bench/), and the loaders
that read those records from the two databases with plain SQL (no import of comptoir's models, which move
more often than the tables do).

What is checked:
- every dispensation a counter was told about (HTTP 201) is in the pharmacy's database, once;
- no dispensation twice (same execution key), none the counters were never told about;
- per ON line and period, the boxes delivered never exceed the boxes prescribed, and at most one delivery
  closes the period; the pharmacy's period table agrees with the dispensed lines;
- the outbox: one execution message per dispensation, all sent, none failed, none left;
- the emulator: each execution key recorded exactly once, nothing recorded for this pharmacy that the
  pharmacy does not know, the lines recorded are the lines dispensed, the quantities within the ON's.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MAX_DETAILS = 20
"""A verdict lists at most this many examples (the counts say how many there are in all)."""

Period = tuple[str, int, int]
"""(prescription id, line number, renewal): one ON line for one period (0 = first delivery)."""
Line = tuple[int, int, bool]
"""(line number, boxes, partial) of one delivered line."""


@dataclass(frozen=True)
class Acknowledged:
    """What a counter was told by `POST /api/eprescriptions/{id}/dispense` (201)."""

    dispensation_id: int
    execution_key: str
    prescription_id: str


@dataclass(frozen=True)
class Dispensation:
    """A dispensation of an ON in the pharmacy's database, with its lines."""

    id: int
    prescription_id: str
    renewal: int
    execution_key: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class PeriodRow:
    """The pharmacy's own count of one period (table line_delivery)."""

    period: Period
    boxes: int
    closed: bool


@dataclass(frozen=True)
class OutboxRow:
    kind: str
    key: str
    status: str
    attempts: int
    last_error: str = ""


@dataclass(frozen=True)
class Execution:
    """An execution recorded by the ON base emulator."""

    id: str
    prescription_id: str
    key: str
    finess: str
    renewal: int
    lines: tuple[Line, ...]


@dataclass
class Verdict:
    name: str
    ok: bool
    counts: dict[str, int] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _verdict(name: str, problems: Sequence[str], **counts: int) -> Verdict:
    return Verdict(name, not problems, {**counts, "problemes": len(problems)}, list(problems[:MAX_DETAILS]))


# --- the pharmacy's database -----------------------------------------------------------------------------

def check_acknowledged(acknowledged: Iterable[Acknowledged], dispensations: Iterable[Dispensation]) -> Verdict:
    """Nothing lost: every dispensation a counter saw confirmed is there, once, with the key it was told."""
    told = list(acknowledged)
    by_id = Counter(d.id for d in dispensations)
    keys = {d.id: d.execution_key for d in dispensations}
    problems = []
    for ack in told:
        if by_id[ack.dispensation_id] == 0:
            problems.append(f"délivrance {ack.dispensation_id} (ON {ack.prescription_id}) confirmée au comptoir "
                            "mais absente de la base : perdue")
        elif keys[ack.dispensation_id] != ack.execution_key:
            problems.append(f"délivrance {ack.dispensation_id} : clé {keys[ack.dispensation_id]} en base, "
                            f"{ack.execution_key} annoncée au comptoir")
    doubled_acks = [i for i, n in Counter(a.dispensation_id for a in told).items() if n > 1]
    problems += [f"délivrance {i} confirmée deux fois au comptoir" for i in doubled_acks]
    return _verdict("pharmacie : chaque délivrance confirmée est en base, une fois", problems, confirmees=len(told))


def check_no_double(dispensations: Sequence[Dispensation], acknowledged: Iterable[Acknowledged]) -> Verdict:
    """Nothing doubled: one execution key per dispensation, no dispensation the counters were not told of."""
    problems = [f"clé d'exécution {key} portée par {n} délivrances"
                for key, n in Counter(d.execution_key for d in dispensations).items() if n > 1]
    told = {a.dispensation_id for a in acknowledged}
    unknown = [d for d in dispensations if d.id not in told]
    problems += [f"délivrance {d.id} (ON {d.prescription_id}) en base mais jamais confirmée à un comptoir"
                 for d in unknown]
    return _verdict("pharmacie : aucune délivrance en double ni inconnue des comptoirs", problems,
                    delivrances=len(dispensations), inconnues=len(unknown))


def delivered_per_period(items: Iterable[tuple[str, int, tuple[Line, ...]]]) -> dict[Period, list[Line]]:
    """(prescription id, renewal, lines) of each delivery -> the lines given, per period."""
    found: dict[Period, list[Line]] = defaultdict(list)
    for prescription_id, renewal, lines in items:
        for line in lines:
            found[(prescription_id, line[0], renewal)].append(line)
    return found


def check_quantities(where: str, delivered: Mapping[Period, list[Line]],
                     prescribed: Mapping[str, Mapping[int, int]]) -> Verdict:
    """Per line and period: boxes delivered <= boxes prescribed, and at most one delivery closes the period."""
    problems = []
    for (prescription_id, number, renewal), lines in sorted(delivered.items()):
        allowed = prescribed.get(prescription_id, {}).get(number)
        boxes = sum(line[1] for line in lines)
        closing = sum(1 for line in lines if not line[2])
        label = f"ON {prescription_id} ligne {number} période {renewal}"
        if allowed is None:
            problems.append(f"{label} : ligne inconnue de l'ordonnance")
        elif boxes > allowed:
            problems.append(f"{label} : {boxes} boîte(s) délivrée(s) pour {allowed} prescrite(s)")
        if closing > 1:
            problems.append(f"{label} : délivrée en entier {closing} fois")
    return _verdict(f"{where} : chaque ligne délivrée au plus ce qui est prescrit", problems, periodes=len(delivered))


def check_periods(rows: Iterable[PeriodRow], delivered: Mapping[Period, list[Line]]) -> Verdict:
    """The pharmacy's period table (the lock of concurrent counters) agrees with the dispensed lines."""
    table = {r.period: r for r in rows}
    problems = []
    for period in sorted(set(table) | set(delivered)):
        boxes = sum(line[1] for line in delivered.get(period, []))
        row = table.get(period)
        if row is None:
            problems.append(f"période {period} délivrée sans ligne dans line_delivery")
        elif row.boxes != boxes:
            problems.append(f"période {period} : line_delivery dit {row.boxes} boîte(s), les délivrances {boxes}")
    return _verdict("pharmacie : la table des périodes concorde avec les lignes délivrées", problems,
                    periodes=len(table))


def check_outbox(dispensations: Sequence[Dispensation], outbox: Sequence[OutboxRow],
                 kind: str = "on.execution") -> Verdict:
    """One execution message per dispensation; the outbox drained: all sent, none failed, none waiting."""
    executions = Counter(m.key for m in outbox if m.kind == kind)
    problems = [f"délivrance {d.id} : {executions[d.execution_key]} message(s) d'exécution dans la file"
                for d in dispensations if executions[d.execution_key] != 1]
    keys = {d.execution_key for d in dispensations}
    problems += [f"message {key} sans délivrance" for key in executions if key not in keys]
    statuses = Counter(m.status for m in outbox)
    problems += [f"message {m.key} ({m.kind}) : {m.status} après {m.attempts} essai(s) {m.last_error[:120]}".rstrip()
                 for m in outbox if m.status != "envoye"]
    return _verdict("file d'envoi : un message par délivrance, tous envoyés, aucun en échec", problems,
                    messages=len(outbox), envoyes=statuses["envoye"], a_envoyer=statuses["a_envoyer"],
                    echec=statuses["echec"], essais_en_plus=sum(max(m.attempts - 1, 0) for m in outbox))


# --- the ON base emulator ---------------------------------------------------------------------------------

def check_emulator(dispensations: Sequence[Dispensation], executions: Sequence[Execution], finess: str) -> Verdict:
    """Each execution recorded exactly once, as dispensed; nothing recorded that the pharmacy does not know."""
    ours = [e for e in executions if e.finess == finess]
    recorded = Counter(e.key for e in ours)
    by_key = {e.key: e for e in ours}
    problems = []
    for d in dispensations:
        n = recorded[d.execution_key]
        if n == 0:
            problems.append(f"délivrance {d.id} (ON {d.prescription_id}) jamais reçue par la base : perdue")
        elif n > 1:
            problems.append(f"délivrance {d.id} (ON {d.prescription_id}) enregistrée {n} fois par la base")
        else:
            got = by_key[d.execution_key]
            if (got.prescription_id, got.renewal, sorted(got.lines)) != (d.prescription_id, d.renewal,
                                                                          sorted(d.lines)):
                problems.append(f"délivrance {d.id} : la base a {got.prescription_id}/{got.renewal} {got.lines}, "
                                f"la pharmacie {d.prescription_id}/{d.renewal} {d.lines}")
    keys = {d.execution_key for d in dispensations}
    phantoms = [e for e in ours if e.key not in keys]
    problems += [f"exécution {e.id} (ON {e.prescription_id}, clé {e.key}) inconnue de la pharmacie"
                 for e in phantoms]
    return _verdict("base ON : chaque exécution reçue exactement une fois, telle que délivrée", problems,
                    executions=len(ours), delivrances=len(dispensations), inconnues=len(phantoms))


def check_all(*, acknowledged: Sequence[Acknowledged], dispensations: Sequence[Dispensation],
              periods: Sequence[PeriodRow], outbox: Sequence[OutboxRow], executions: Sequence[Execution],
              prescribed: Mapping[str, Mapping[int, int]], finess: str) -> list[Verdict]:
    here = delivered_per_period((d.prescription_id, d.renewal, d.lines) for d in dispensations)
    there = delivered_per_period((e.prescription_id, e.renewal, e.lines) for e in executions if e.finess == finess)
    return [check_acknowledged(acknowledged, dispensations), check_no_double(dispensations, acknowledged),
            check_quantities("pharmacie", here, prescribed), check_periods(periods, here),
            check_outbox(dispensations, outbox), check_emulator(dispensations, executions, finess),
            check_quantities("base ON", there, prescribed)]


# --- loaders ----------------------------------------------------------------------------------------------

def read_acknowledged(path: Path) -> list[Acknowledged]:
    """The JSON lines the locust scenario appends on each 201 of the dispense step."""
    if not path.exists():
        return []
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [Acknowledged(int(r["dispensation_id"]), str(r["execution_key"]), str(r["prescription_id"]))
            for r in rows]


def load_pharmacy(database_url: str) -> tuple[list[Dispensation], list[PeriodRow], list[OutboxRow], str]:
    """The ON dispensations with their lines, the period table, the outbox and the pharmacy's FINESS."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as db:
            lines: dict[int, list[Line]] = defaultdict(list)
            for row in db.execute(text("select dispensation_id, prescription_line, boxes, partial "
                                       "from dispensed_line where prescription_line is not null")):
                lines[int(row[0])].append((int(row[1]), int(row[2]), bool(row[3])))
            dispensations = [Dispensation(int(r[0]), str(r[1]), int(r[2] or 0), str(r[3]), tuple(lines[int(r[0])]))
                             for r in db.execute(text(
                                 "select id, prescription_id, renewal, execution_key from dispensation "
                                 "where prescription_id is not null order by id"))]
            periods = [PeriodRow((str(r[0]), int(r[1]), int(r[2])), int(r[3]), bool(r[4])) for r in db.execute(
                text("select prescription_id, line_number, renewal, boxes, closed from line_delivery"))]
            outbox = [OutboxRow(str(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4] or "")) for r in db.execute(
                text("select kind, idempotency_key, status, attempts, last_error from outbox_message"))]
            finess = str(db.execute(text("select finess from pharmacy order by id limit 1")).scalar() or "")
    finally:
        engine.dispose()
    return dispensations, periods, outbox, finess


def load_emulator(database: Path) -> tuple[list[Execution], dict[str, dict[int, int]], dict[str, int]]:
    """The emulator's executions, the boxes prescribed per ON line (per period), its journal by outcome."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        executions = []
        for ident, prescription_id, key, document in db.execute(
                "select id, prescription_id, key, document from on_execution"):
            body = json.loads(document)
            lines = tuple((int(x["numeroLigne"]), int(x["quantite"]), bool(x.get("partielle")))
                          for x in body["lignes"])
            executions.append(Execution(ident, prescription_id, key, str(body.get("finessPharmacie", "")),
                                        int(body.get("numeroRenouvellement") or 0), lines))
        prescribed = {ident: {int(x["numero"]): int(x.get("quantite") or 1) for x in json.loads(document)["lignes"]}
                      for ident, document in db.execute("select id, document from on_ordonnance")}
        journal = {f"{op}:{outcome}": int(n) for op, outcome, n in db.execute(
            "select operation, outcome, count(*) from on_appel group by operation, outcome")}
    return executions, prescribed, journal

"""Eight counters serving ordonnances numériques, one prescriber writing them (issue 10, item 7).

Each counter (`Comptoir`) logs in as a pharmacist, then, journey after journey: takes an ON waiting to be
served, scans it (`POST /api/eprescriptions/scan`), runs the control window, analyses it, dispenses it
(201). One journey in five with a line of two boxes delivers it partially and comes back with the
complement. One ON in ten is "disputed": handed to two counters, who dispense it at the same instant;
one gets 201, the other 409 "déjà délivrée", and the checks afterwards (checks.py) find one delivery.
The prescriber (`Prescripteur`, one user) keeps a stock of ONs through comptoir's own API.

Run by run.py, which sets, in the environment:
  LOAD_HOSTS            the servers, comma separated; counters are spread over them in turn
  LOAD_STATE            JSON: {"patients": [id, ...], "prepared": [ONs created before the run]}
  LOAD_ACKS             JSON lines file: each 201 of a dispensation is appended (what the counter was told)
  LOAD_TIMINGS          JSON file written at the end: every response time and every error, per step
  LOAD_CONTESTED, LOAD_PARTIAL   the shares of disputed ONs and of partial deliveries (0.1, 0.2)
Locust gives `--users 9`: `Prescripteur` has fixed_count 1, the eight others are counters.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter, defaultdict, deque
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

from bench.load import scenario as sc
from gevent.event import Event
from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

HOSTS = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]
STATE = json.loads(Path(os.environ["LOAD_STATE"]).read_text(encoding="utf-8")) if "LOAD_STATE" in os.environ \
    else {"patients": [], "prepared": []}
ACKS = Path(os.environ.get("LOAD_ACKS", "acks.jsonl"))
TIMINGS = Path(os.environ.get("LOAD_TIMINGS", "timings.json"))
CONTESTED = float(os.environ.get("LOAD_CONTESTED", "0.1"))
PARTIAL = float(os.environ.get("LOAD_PARTIAL", "0.2"))
STOCK_LOW, STOCK_HIGH = 12, 24
"""The prescriber writes when fewer than STOCK_LOW ONs wait, up to STOCK_HIGH."""
WAIT_FOR_ON_S, TWIN_WAIT_S, TIMEOUT_S = 60.0, 15.0, 60.0
RELOGIN_EVERY = 10
"""A counter logs in again (another operator takes the station) every so many journeys."""

rng = random.Random(int(os.environ.get("LOAD_SEED", "20260219")))
waiting: deque[dict[str, Any]] = deque()
timings: dict[str, list[float]] = defaultdict(list)
errors: Counter[tuple[str, str]] = Counter()
outcomes: Counter[str] = Counter()
"""How the disputed ONs ended: one 201 and one 409 each is the expected count."""
counters = count()


class Twin:
    """The meeting point of the two counters of a disputed ON: they dispense together."""

    def __init__(self) -> None:
        self.arrived, self.both = 0, Event()

    def meet(self) -> None:
        self.arrived += 1
        if self.arrived >= 2:
            self.both.set()
        else:
            self.both.wait(timeout=TWIN_WAIT_S)


def offer(entry: dict[str, Any]) -> None:
    """Put an ON in the waiting line; a disputed one twice, side by side, with one meeting point."""
    if rng.random() < CONTESTED:
        twin = Twin()
        waiting.extend([{**entry, "twin": twin}, {**entry, "twin": twin}])
    else:
        waiting.append(entry)


@events.test_start.add_listener
def _fill(**_: Any) -> None:
    for entry in STATE["prepared"]:
        offer(entry)


@events.request.add_listener
def _record(name: str, response_time: float, exception: BaseException | None = None, **_: Any) -> None:
    timings[name].append(response_time)
    if exception is not None:
        errors[(name, str(exception)[:300])] += 1


@events.quit.add_listener
def _dump(**_: Any) -> None:
    """Every response time (exact, not locust's rounded buckets) and every error, per step, for run.py."""
    TIMINGS.write_text(json.dumps({"timings": timings, "outcomes": outcomes, "errors": [
        {"etape": name, "erreur": error, "fois": n} for (name, error), n in errors.items()]}), encoding="utf-8")


def _timed_event(name: str, started: float, exception: Exception | None = None) -> None:
    events.request.fire(request_type="ATTENTE", name=name, response_time=(time.monotonic() - started) * 1000,
                        response_length=0, exception=exception, context={})


class Prescripteur(HttpUser):
    """The doctor: keeps the stock of ONs waiting at the counters, through `POST /api/prescriptions`."""

    fixed_count = 1
    wait_time = constant(0.5)
    host = HOSTS[0] if HOSTS else None

    def on_start(self) -> None:
        self.headers = log_in(self, sc.PRESCRIBER, "prescripteur")

    @task
    def prescribe(self) -> None:
        if len(waiting) >= STOCK_LOW:
            return
        for _ in range(STOCK_HIGH - len(waiting)):
            patient = rng.choice(STATE["patients"])
            with self.client.post("/api/prescriptions", json=sc.prescription_body(patient, rng),
                                  headers=self.headers, name=sc.STEP_PRESCRIBE, timeout=TIMEOUT_S,
                                  catch_response=True) as answer:
                if answer.status_code != 201 or not answer.json().get("recorded"):
                    answer.failure(f"{answer.status_code} {answer.text[:200]}")
                    return
                offer(sc.issued_entry(answer.json(), patient["id"]))


def log_in(user: HttpUser, code: str, workstation: str) -> dict[str, str]:
    with user.client.post("/api/session", json={"code": code, "password": sc.PASSWORD, "workstation": workstation},
                          name=sc.STEP_LOGIN, timeout=TIMEOUT_S, catch_response=True) as answer:
        if answer.status_code != 200:
            answer.failure(f"{answer.status_code} {answer.text[:200]}")
            raise StopUser()
        return {"Authorization": f"Bearer {answer.json()['token']}"}


class Comptoir(HttpUser):
    """One counter of the pharmacy, serving ONs one after the other."""

    wait_time = between(1.0, 3.0)
    host = HOSTS[0] if HOSTS else None

    def on_start(self) -> None:
        self.number = next(counters)
        if HOSTS:
            self.client.base_url = HOSTS[self.number % len(HOSTS)]
        self.workstation = f"comptoir-{self.number + 1}"
        self.journeys = 0
        self.headers = log_in(self, sc.PHARMACISTS[self.number % 2], self.workstation)

    def take(self) -> dict[str, Any] | None:
        started = time.monotonic()
        if waiting:
            return waiting.popleft()
        while time.monotonic() - started < WAIT_FOR_ON_S:
            time.sleep(0.2)  # gevent's sleep (locust patches the standard library)
            if waiting:
                _timed_event(sc.STEP_WAIT, started)
                return waiting.popleft()
        _timed_event(sc.STEP_WAIT, started, TimeoutError(f"aucune ON à servir après {WAIT_FOR_ON_S:.0f} s"))
        return None

    def post(self, path: str, body: dict[str, Any], name: str, expected: tuple[int, ...] = (200,),
             **params: Any) -> dict[str, Any] | None:
        with self.client.post(path, json=body, headers=self.headers, name=name, timeout=TIMEOUT_S, params=params,
                              catch_response=True) as answer:
            if answer.status_code not in expected or not _the_other_counter_won(answer.status_code, answer.text):
                answer.failure(f"{answer.status_code} {answer.text[:200]}")
                return None
            answer.success()  # the second counter of a disputed ON is told what the first one delivered
            found: dict[str, Any] = answer.json()
            found["_status"] = answer.status_code
            return found

    @task
    def serve(self) -> None:
        self.journeys += 1
        if self.journeys % RELOGIN_EVERY == 0:
            self.headers = log_in(self, sc.PHARMACISTS[(self.number + self.journeys // RELOGIN_EVERY) % 2],
                                  self.workstation)
        entry = self.take()
        if entry is None:
            return
        ident, patient_id = entry["prescription_id"], entry["patient_id"]
        scanned = self.post("/api/eprescriptions/scan", {"code": entry["qr_payload"], "patient_id": patient_id},
                            sc.STEP_SCAN)
        if scanned is None:
            return
        twin: Twin | None = entry.get("twin")
        split = None if twin else (sc.line_to_split(scanned) if rng.random() < PARTIAL else None)
        body = sc.choices(scanned, patient_id, short_line=split)
        if self.post(f"/api/eprescriptions/{ident}/control", body, sc.STEP_CONTROL) is None:
            return
        if self.post("/api/analysis", sc.analysis_case(scanned, date.today()), sc.STEP_ANALYSIS,
                     patient_id=patient_id) is None:
            return
        self.dispense(ident, patient_id, body, twin, split)

    def dispense(self, ident: str, patient_id: int, body: dict[str, Any], twin: Twin | None,
                 split: int | None) -> None:
        """Validate (with the other counter at the same instant for a disputed ON), then the complement."""
        if twin is not None:
            twin.meet()
        done = self.post(f"/api/eprescriptions/{ident}/dispense", body,
                         sc.STEP_CONTESTED if twin else sc.STEP_DISPENSE, expected=(201, 409, 422) if twin else (201,))
        if twin is not None and done is not None:
            outcomes[f"ON disputée : {done['_status']}"] += 1
        if done is None or done["_status"] != 201:
            return
        acknowledge(done)
        if split is not None:
            given = next(x for x in body["lines"] if x["line"] == split)
            rest = {"patient_id": patient_id, "renewal": 0, "lines": [{**given, "quantity": 1}]}
            more = self.post(f"/api/eprescriptions/{ident}/dispense", rest, sc.STEP_COMPLEMENT, expected=(201,))
            if more is not None:
                acknowledge(more)

def acknowledge(done: dict[str, Any]) -> None:
    with ACKS.open("a", encoding="utf-8") as file:
        file.write(json.dumps({k: done[k] for k in ("dispensation_id", "execution_key", "prescription_id")}) + "\n")


def _the_other_counter_won(status: int, text: str) -> bool:
    """A disputed ON's loser hears "déjà délivrée" (409), or, when the winner delivered part of a line, that
    fewer boxes are left than it asks (422 "il en reste"); any other refusal is an error."""
    return status < 400 or (status == 409 and "déjà délivrée" in text) or (status == 422 and "il en reste" in text)

"""What the load scenario sends, shared by locustfile.py (the run) and run.py (the ONs prepared before it).

No locust import here: run.py must not pull gevent's monkey-patching into its own process."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

PASSWORD = "comptoir-demo"
PRESCRIBER = "MED1"
PHARMACISTS = ("PH01", "PH02")

# The request names are the steps of the report, in the journey's order.
STEP_PRESCRIBE = "0 prescription (médecin)"
STEP_LOGIN = "1 connexion"
STEP_SCAN = "2 scan de l'ON"
STEP_CONTROL = "3 contrôle"
STEP_ANALYSIS = "4 analyse"
STEP_DISPENSE = "5 délivrance"
STEP_CONTESTED = "5 délivrance disputée (201 ou 409 attendu)"
STEP_COMPLEMENT = "6 complément d'une délivrance partielle"
STEP_WAIT = "attente d'une ON à servir"

# ONs the demo prescriber writes: the circuit test's (three ON lines, one "non substituable", one of
# two boxes that a counter may deliver in two goes), and a one-line one.
THREE_LINES = [
    {"text": "AMLOR 5 mg, gélule", "posology": "1 gélule le matin", "duration_days": 30, "renewals": 2},
    {"text": "METFORMINE BIOGARAN 1000 mg", "posology": "1 comprimé matin et soir", "duration_days": 90},
    {"text": "LEVOTHYROX 50 microgrammes", "posology": "1 comprimé le matin", "duration_days": 30,
     "substitutable": False, "reason": "MTE"},
]
ONE_LINE = [{"text": "AMLOR 5 mg, gélule", "posology": "1 gélule le matin", "duration_days": 30}]


def prescription_body(patient: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The doctor types his patient's identity (he never sees the pharmacy's records); the counter then serves
    the pharmacy's record of the same person."""
    identity = {key: patient[key] for key in ("last_name", "first_name", "birth_date", "sex")}
    return {"patient": identity, "consent": True, "lines": THREE_LINES if rng.random() < 0.75 else ONE_LINE}


def issued_entry(answer: dict[str, Any], patient_id: int) -> dict[str, Any]:
    """What a counter needs of an ON created by `POST /api/prescriptions`: its QR text and its patient."""
    return {"prescription_id": answer["prescription_id"], "qr_payload": answer["qr_payload"], "patient_id": patient_id}


def choices(scanned: dict[str, Any], patient_id: int, *, short_line: int | None = None) -> dict[str, Any]:
    """The dispensing of every ON line as prescribed (its CIP13, its boxes); `short_line` gets one box less."""
    lines = [{"line": x["numero"], "cip13": x.get("cip13"),
              "quantity": x["quantite"] - (1 if x["numero"] == short_line else 0)}
             for x in scanned["prescription"]["lignes"]]
    return {"patient_id": patient_id, "renewal": 0, "lines": lines}


def line_to_split(scanned: dict[str, Any]) -> int | None:
    """A line of two boxes or more, which a counter may deliver partially then complete."""
    return next((x["numero"] for x in scanned["prescription"]["lignes"] if x["quantite"] >= 2), None)


def analysis_case(scanned: dict[str, Any], today: date) -> dict[str, Any]:
    """The DESIGN.md case of the scanned ON, for `POST /api/analysis`."""
    body = scanned["prescription"]
    patient = body["patient"]
    return {"today": today.isoformat(),
            "patient": {"birth_date": patient["dateNaissance"], "sex": patient.get("sexe") or "M"},
            "lines": [{"drug": x["designation"], "posology": x["posologie"]} for x in body["lignes"]]}

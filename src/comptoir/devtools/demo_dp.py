"""The demo's Dossier Pharmaceutique: DARK Jeanne Marie (demo.py, the one demo patient whose NIR is a NIR) has a
DP where the Pharmacie du Marché, Villeurbanne, recorded ibuprofen 400 mg nine days ago; at the counter a
préparateur has handed over her ELIQUIS 2,5 mg (apixaban) renewal to the pharmacist. When the pharmacist takes
the basket, the DP is consulted, the line shows in the history pane marked « DP », Pharmacie du Marché, and the
analysis raises the association déconseillée of apixaban with an NSAID (ANSM thesaurus: anticoagulants oraux +
AINS) — what the counter would not see from its own history.

The DP's lines are seeded into the emulator's own storage (emulators_dir/dp.db, the one the server mounts)
through the product's client, as the other pharmacy would: the emulator is run for the time of the seeding on a
free local port, with the Pharmacie du Marché's credential (derived from the deployment's secret key). A DP
served elsewhere (COMPTOIR_DP_URL, emulators not mounted) is left alone. Running it twice changes nothing.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from comptoir.devtools.demo_counter import PREPARER, PRESCRIBER_NAME, PRESCRIBER_RPPS
from comptoir.domain.operators import Role
from comptoir.errors import ExternalServiceError
from comptoir.national.credentials import Credential, Profession, demo_pharmacy
from comptoir.national.dp.client import DpClient
from comptoir.national.dp.port import Beneficiary, Category, FedLine, Feed
from comptoir.services.dispensing import basket as counter
from comptoir.services.dispensing.views import PaperLine, PrescriptionInput
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.settings import demo_token
from comptoir.store import models as m
from comptoir.store.counter import Basket

MARKET_FINESS, MARKET_RPPS, MARKET_NAME = "690012345", "10001234567", "Pharmacie du Marché, Villeurbanne"
PATIENT = ("DARK", "Jeanne Marie")
MARKET_LINES = (FedLine(1, "3400936656161", "IBUPROFENE ARROW 400 mg, comprimé pelliculé", 1, Category.ORDINARY),)
MARKET_DAYS_AGO = 9
RENEWAL = (PaperLine("ELIQUIS 2,5 mg", "1 cp matin et soir", 30), PaperLine("FUROSEMIDE 40 mg", "1 cp le matin", 30))


def market_pharmacy(secret_key: str) -> Credential:
    """The demo's other pharmacy, as the DP emulator knows it."""
    return Credential(demo_token(secret_key, "dp_market_token"), MARKET_FINESS, MARKET_RPPS, Profession.PHARMACIEN)


def load_demo_dp(runtime: Runtime) -> dict[str, int]:
    """DARK's DP seeded (lines recorded by this run) and her renewal handed over (0 the second time)."""
    found = _patient(runtime)
    if found is None:
        return {"lignes_dp": 0, "en_attente_dp": 0}
    patient_id, beneficiary = found
    return {"lignes_dp": _seed(runtime, beneficiary), "en_attente_dp": _hand_over(runtime, patient_id)}


def _patient(runtime: Runtime) -> tuple[int, Beneficiary] | None:
    with runtime.session_factory() as session:
        row = session.scalar(select(m.Patient).where(m.Patient.last_name == PATIENT[0],
                                                     m.Patient.first_name == PATIENT[1],
                                                     m.Patient.merged_into_id.is_(None)))
        if row is None or not row.nir:
            return None
        return row.id, Beneficiary(row.nir, row.birth_date)


def _seed(runtime: Runtime, beneficiary: Beneficiary) -> int:
    if not runtime.settings.mount_emulators:
        return 0
    market = market_pharmacy(runtime.settings.secret_key)
    fed_on = runtime.clock().date() - timedelta(days=MARKET_DAYS_AGO)
    with _emulator(runtime, market) as url:
        client = DpClient.at(url, token=market.token)
        try:
            client.open(beneficiary, card_read=True, consent=True)
            fed = client.feed(beneficiary, Feed("DEMO-MARCHE-1", fed_on, MARKET_FINESS, MARKET_NAME, MARKET_LINES))
        except ExternalServiceError:
            return 0
        finally:
            client.close_connection()
    return fed.received


@contextmanager
def _emulator(runtime: Runtime, market: Credential) -> Iterator[str]:
    """The DP emulator on its own storage, on a free local port, for the time of the seeding."""
    import uvicorn

    from comptoir.national.dp.emulator import create_emulator

    settings = runtime.settings
    app = create_emulator(settings.emulators_dir / "dp.db",
                          credentials=[demo_pharmacy(settings.dp_token), market])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _hand_over(runtime: Runtime, patient_id: int) -> int:
    """Her renewal, filled by the préparateur and handed over, unless a basket of hers already waits."""
    with runtime.session_factory() as session:
        if session.scalar(select(Basket.id).where(Basket.patient_id == patient_id,
                                                  Basket.status == "en_attente").limit(1)) is not None:
            return 0
        row = session.scalar(select(m.Operator).where(m.Operator.code == PREPARER))
        if row is None:
            return 0
        preparer = CurrentOperator(row.id, row.code, row.display_name, Role(row.role), runtime.settings.workstation)
    tools: dict[str, Any] = {"operator": preparer, "now": runtime.clock(), "reference": runtime.analysis_reference}
    with closing(runtime.unit_of_work()) as uow:
        opened = counter.open_basket(patient_id, "ordonnance_papier", uow=uow, **tools)
    with closing(runtime.unit_of_work()) as uow:
        counter.set_prescription(opened.id, PrescriptionInput(PRESCRIBER_RPPS, PRESCRIBER_NAME, _today(runtime)),
                                 uow=uow, **tools)
    with closing(runtime.unit_of_work()) as uow:
        counter.add_paper_lines(opened.id, list(RENEWAL), None, None, uow=uow, **tools)
    with closing(runtime.unit_of_work()) as uow:
        counter.hand_over(opened.id, uow=uow, **tools)
    return 1


def _today(runtime: Runtime) -> date:
    return runtime.clock().date()

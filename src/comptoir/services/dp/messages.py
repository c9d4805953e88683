"""The DP's messages in the outbox: the opening asked at the counter, each validated dispensation's lines, their
withdrawal when the dispensation is cancelled, the patient's refusals and the closure; and the senders that send
them through the DP's port. Every payload names the beneficiary as the card does (NIR, birth date)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from comptoir.national.dp.client import DpClient
from comptoir.national.dp.port import Beneficiary, Category, DossierPharmaceutique, FedLine, Feed
from comptoir.national.http import HttpPolicy
from comptoir.services.platform.outbox import Handler, enqueue
from comptoir.services.platform.runtime import Runtime
from comptoir.store.dispensing import Dispensation
from comptoir.store.outbox import OutboxMessage

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

OPENING, LINES, CANCELLATION = "dp.ouverture", "dp.lignes", "dp.annulation"
FEEDING_REFUSAL, CONSULTATION_REFUSAL, CLOSURE = "dp.refus_alimentation", "dp.refus_consultation", "dp.fermeture"


def beneficiary_payload(beneficiary: Beneficiary) -> dict[str, str]:
    return {"nir": beneficiary.nir, "birth_date": beneficiary.birth_date.isoformat()}


def _beneficiary(payload: dict[str, Any]) -> Beneficiary:
    who = payload["beneficiary"]
    return Beneficiary(str(who["nir"]), date.fromisoformat(who["birth_date"]))


def enqueue_feed(uow: UnitOfWork, beneficiary: Beneficiary, feed: Feed, *, label: str, now: datetime,
                 after: str | None = None) -> OutboxMessage:
    """One dispensation's lines, under its key; `after`, an opening still waiting, is sent first."""
    payload = {"beneficiary": beneficiary_payload(beneficiary), "key": feed.key,
               "dispensed_on": feed.dispensed_on.isoformat(), "finess": feed.pharmacy_finess,
               "pharmacy": feed.pharmacy_name,
               "lines": [{"number": x.line_number, "cip13": x.cip13, "label": x.label, "quantity": x.quantity,
                          "category": x.category.value} for x in feed.lines]}
    return enqueue(uow, kind=LINES, key=feed_key(feed.key), payload=payload, label=label, now=now, depends_on=after)


def dispensation_key(dispensation: Dispensation) -> str:
    """The key the DP stores the dispensation's lines under (with our FINESS): stable for one dispensation."""
    at = dispensation.dispensed_at
    utc = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)  # SQLite: naive UTC; PostgreSQL: aware
    return f"D{dispensation.id}-{utc:%Y%m%d%H%M%S}"


def feed_key(dispensation_key: str) -> str:
    return f"dp-{dispensation_key}"


def enqueue_about_dispensation(uow: UnitOfWork, kind: str, beneficiary: Beneficiary, key: str, *, label: str,
                               now: datetime) -> OutboxMessage:
    """A withdrawal (cancellation) or a refusal of feeding: always after the lines it is about."""
    payload = {"beneficiary": beneficiary_payload(beneficiary), "key": key}
    suffix = "annulation" if kind == CANCELLATION else "refus"
    return enqueue(uow, kind=kind, key=f"{feed_key(key)}-{suffix}", payload=payload, label=label, now=now,
                   depends_on=feed_key(key))


def enqueue_about_dossier(uow: UnitOfWork, kind: str, beneficiary: Beneficiary, *, key: str, label: str,
                          now: datetime, extra: dict[str, Any] | None = None) -> OutboxMessage:
    payload = {"beneficiary": beneficiary_payload(beneficiary), **(extra or {})}
    return enqueue(uow, kind=kind, key=key, payload=payload, label=label, now=now)


def _feed(payload: dict[str, Any]) -> Feed:
    lines = tuple(FedLine(int(x["number"]), str(x["cip13"]), str(x["label"]), int(x["quantity"]),
                          Category(x["category"])) for x in payload["lines"])
    return Feed(str(payload["key"]), date.fromisoformat(payload["dispensed_on"]), str(payload["finess"]),
                str(payload["pharmacy"]), lines)


def handlers(dp: DossierPharmaceutique) -> dict[str, Handler]:
    def open_dossier(payload: dict[str, Any]) -> dict[str, Any]:
        status = dp.open(_beneficiary(payload), card_read=bool(payload["card_read"]), consent=bool(payload["consent"]))
        return {"statut": status.value}

    def feed(payload: dict[str, Any]) -> dict[str, Any]:
        fed = dp.feed(_beneficiary(payload), _feed(payload))
        return {"recues": fed.received, "dejaRecues": fed.duplicates}

    def cancel(payload: dict[str, Any]) -> dict[str, Any]:
        return {"retirees": dp.cancel(_beneficiary(payload), str(payload["key"]))}

    def refuse_feeding(payload: dict[str, Any]) -> dict[str, Any]:
        return {"retirees": dp.refuse_feeding(_beneficiary(payload), str(payload["key"]))}

    def refuse_consultation(payload: dict[str, Any]) -> dict[str, Any]:
        dp.refuse_consultation(_beneficiary(payload))
        return {"refus": "consultation"}

    def close(payload: dict[str, Any]) -> dict[str, Any]:
        dp.close(_beneficiary(payload))
        return {"statut": "ferme"}

    return {OPENING: open_dossier, LINES: feed, CANCELLATION: cancel, FEEDING_REFUSAL: refuse_feeding,
            CONSULTATION_REFUSAL: refuse_consultation, CLOSURE: close}


def dp_client(runtime: Runtime, *, retries: int = 1) -> DpClient:
    """The pharmacy's DP client; the counter's asks once (`retries=0`): a slow DP must not double its wait."""
    settings = runtime.settings
    policy = HttpPolicy(timeout_s=settings.dp_timeout_s, connect_timeout_s=min(1.0, settings.dp_timeout_s),
                        retries=retries)
    return DpClient.at(settings.dp_url, policy, token=settings.dp_token)


def senders(runtime: Runtime) -> dict[str, Handler]:
    """The DP's kinds, sending to the DP named by the settings (services/senders.py gathers them)."""
    return handlers(dp_client(runtime))

"""The check of a prescription against the ASAFO list, at the counter: on the pharmacy's copy of the list
(services/asafo/feed.py keeps it fresh), so a slow or absent ASAFO never holds the counter; the copy's age is
said instead (« ASAFO indisponible : liste à jour du … »).

A hit is a fraud finding of the basket's analysis, which holds the validation until a pharmacist decides
(services/dispensing/alerts.py): refuse (an intervention), declare (« Signaler une fausse ordonnance »), or go on
with the reason, after calling the prescriber at the number of the Annuaire Santé (SPEC §11.2: "prefer
contacting the prescriber").

Rules [U: ASAFO publishes no matching rule; these follow its screens, SPEC §15.6]:
- the prescriber's RPPS, or the patient's NIR, named on a confirmed fake of the last `CURRENT_DAYS` days;
- a product (CIP13, or a substance) of a confirmed fake of the last `PRODUCT_DAYS` days, on a prescription of a
  prescriber this pharmacy does not know and that the ON base did not authenticate: forgers reuse a product for
  a few weeks in many pharmacies; a known prescriber's prescription is not suspected for its product alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.items import Item
from comptoir.refdata.search import fold
from comptoir.services.asafo.trust import Trust
from comptoir.store.asafo import AsafoAlert

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

CURRENT_DAYS = 365
PRODUCT_DAYS = 90
STALE_AFTER = timedelta(hours=1)
"""A copy older than this is said: the worker refreshes it every few minutes when ASAFO answers."""
SOURCE = "ASAFO (Assurance Maladie) : ordonnances confirmées fausses par les CPAM"
ANOMALIES = {"falsifiee": "falsifiée", "volee": "volée", "modifiee": "modifiée", "scannee": "scannée",
             "inventee": "inventée"}


@dataclass(frozen=True, slots=True)
class AsafoCheck:
    findings: tuple[Finding, ...] = ()
    status: str = ""
    """« » when the copy is fresh; else why the check may miss a recent alert, in French."""
    alerts: tuple[str, ...] = ()
    """The ids of the alerts hit."""


NOT_CHECKED = AsafoCheck()


@dataclass(frozen=True, slots=True)
class Presented:
    """What the check reads of a basket."""

    prescriber_rpps: str | None
    patient_nir: str | None
    items: Sequence[Item]
    trust: Trust


def check(uow: UnitOfWork, presented: Presented, now: datetime) -> AsafoCheck:
    named = uow.asafo.alerts_naming(rpps=presented.prescriber_rpps, nir=presented.patient_nir,
                                    since=now - timedelta(days=CURRENT_DAYS))
    findings = [_named_finding(alert, presented) for alert in named]
    hits = [alert.alert_id for alert in named]
    if not named and presented.trust.prescriber_known is not True and not presented.trust.authenticated:
        recent = uow.asafo.alerts_since(now - timedelta(days=PRODUCT_DAYS))
        for item, matching in _product_hits(presented.items, recent):
            findings.append(_product_finding(item, matching))
            hits.append(matching[0].alert_id)
    return AsafoCheck(tuple(findings), status_of(uow, now), tuple(dict.fromkeys(hits)))


def status_of(uow: UnitOfWork, now: datetime) -> str:
    sync = uow.asafo.last_sync()
    if sync is None or sync.last_success_at is None:
        return "ASAFO indisponible : la liste des fausses ordonnances n'a pas encore pu être lue."
    fresh = utc(sync.last_success_at)
    if now - fresh > STALE_AFTER:
        return f"ASAFO indisponible : liste des fausses ordonnances à jour du {fresh:%d/%m/%Y à %H:%M} (UTC)."
    return ""


def utc(value: datetime) -> datetime:
    """A time read back from SQLite comes without its zone; every time stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _named_finding(alert: AsafoAlert, presented: Presented) -> Finding:
    who = []
    if presented.prescriber_rpps and alert.prescriber_rpps == presented.prescriber_rpps:
        who.append(f"le prescripteur (RPPS {alert.prescriber_rpps}, {alert.prescriber_name})")
    if presented.patient_nir and alert.patient_nir == presented.patient_nir:
        who.append("le patient (même NIR)")
    message = (f"Alerte ASAFO {alert.alert_id} : {' et '.join(who)} figure sur une ordonnance confirmée fausse "
               f"({_described(alert)}). Appelez le prescripteur au numéro de l'Annuaire Santé (pas celui de "
               "l'ordonnance) ; refusez, signalez la fausse ordonnance, ou délivrez avec votre motif.")
    lines = tuple(item.line for item in presented.items if item.line is not None)
    return Finding(kind="fraud", level=Level.CI, drugs=(), substances=(), message=message,
                   source=f"{SOURCE} — alerte {alert.alert_id}", lines=lines)


def _described(alert: AsafoAlert) -> str:
    products = ", ".join(p.get("brand", "") for p in alert.products)
    return (f"{ANOMALIES.get(alert.anomaly, alert.anomaly)}, {alert.region}, instruction close le "
            f"{alert.review_ended_on:%d/%m/%Y} ; {alert.drug_class} : {products}")


def _product_hits(items: Iterable[Item], recent: list[AsafoAlert]) -> list[tuple[Item, list[AsafoAlert]]]:
    hits = []
    for item in items:
        if item.line is None or item.product is None:
            continue
        matching = [alert for alert in recent if _same_product(item, alert.products)]
        if matching:
            hits.append((item, matching))
    return hits


def _same_product(item: Item, products: list[dict[str, Any]]) -> bool:
    assert item.product is not None
    names = [fold(c.name) for c in item.product.components]
    for product in products:
        wanted = [fold(s) for s in product.get("substances", [])]
        if any(w and w in name for w in wanted for name in names):
            return True
    return False


def _product_finding(item: Item, matching: list[AsafoAlert]) -> Finding:
    last = matching[0]
    message = (f"{item.label} — ASAFO : {len(matching)} ordonnance(s) fausse(s) confirmée(s) de ce produit depuis "
               f"{PRODUCT_DAYS} jours (dernière : alerte {last.alert_id}, {_described(last)}), et le prescripteur "
               "est inconnu de la pharmacie : vérifiez l'ordonnance auprès du prescripteur avant de délivrer.")
    return Finding(kind="fraud", level=Level.PE, drugs=(item.label,), substances=(), message=message,
                   source=f"{SOURCE} — alerte {last.alert_id}", lines=(item.line,) if item.line is not None else ())

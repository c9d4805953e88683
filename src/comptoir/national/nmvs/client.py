"""The NMVS adapter: our questions (port.py) to the system's messages (wire.py), through the one HTTP choke point
(national/http.py). Every call may be retried: a verification is a read, and a write carries its transaction id
(the system does it once). A refused write raises `NmvsRefusal` (its NMVS code and French label)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from comptoir.errors import ExternalServiceError
from comptoir.national.http import Endpoint, HttpPolicy, open_endpoint
from comptoir.national.nmvs import wire
from comptoir.national.nmvs.port import Alert, Change, NmvsRefusal, Outcome, PackId, PackState, PackStatus

SERVICE = "NMVS (vérification des médicaments)"
Answer = TypeVar("Answer", bound=BaseModel)


class NmvsClient:
    def __init__(self, endpoint: Endpoint) -> None:
        self._endpoint = endpoint

    @classmethod
    def at(cls, base_url: str, policy: HttpPolicy | None = None, *,
           transport: httpx.BaseTransport | None = None, token: str | None = None) -> NmvsClient:
        """`token`: the pharmacy's credential (its FINESS is the NMVS location of every act)."""
        return cls(open_endpoint(SERVICE, base_url, policy, transport=transport, token=token))

    def verify(self, pack: PackId) -> PackStatus:
        return _status(self._post("/boites/verification", _boite(pack), wire.ReponseBoite))

    def decommission(self, pack: PackId, *, state: PackState, transaction: str) -> Change:
        body = wire.Decommission(boite=_boite(pack), etatCible=state.value, idTransaction=transaction)  # type: ignore[arg-type]
        return _change(pack, self._post("/boites/decommission", body, wire.ReponseChangement))

    def undo(self, pack: PackId, *, state: PackState, transaction: str) -> Change:
        body = wire.Annulation(boite=_boite(pack), etatAnnule=state.value, idTransaction=transaction)  # type: ignore[arg-type]
        return _change(pack, self._post("/boites/annulation", body, wire.ReponseChangement))

    def verify_many(self, packs: Sequence[PackId]) -> list[PackStatus]:
        body = wire.Verifications(boites=[_boite(p) for p in packs])
        return [_status(r) for r in self._post("/lots/verification", body, wire.ReponseVerifications).resultats]

    def decommission_many(self, packs: Sequence[PackId], *, state: PackState, transaction: str) -> list[Outcome]:
        body = wire.Decommissions(boites=[_boite(p) for p in packs], etatCible=state.value,  # type: ignore[arg-type]
                                  idTransaction=transaction)
        return _outcomes(packs, self._post("/lots/decommission", body, wire.ReponseChangements))

    def undo_many(self, packs: Sequence[PackId], *, state: PackState, transaction: str) -> list[Outcome]:
        body = wire.Annulations(boites=[_boite(p) for p in packs], etatAnnule=state.value,  # type: ignore[arg-type]
                                idTransaction=transaction)
        return _outcomes(packs, self._post("/lots/annulation", body, wire.ReponseChangements))

    def _post(self, path: str, body: BaseModel, answer_type: type[Answer]) -> Answer:
        response = self._endpoint.call("POST", path, json=_json(body), idempotent=True)
        try:
            return answer_type.model_validate_json(response.content)
        except ValidationError as exc:
            raise ExternalServiceError("Réponse du système NMVS illisible.", permanent=True) from exc

    def close(self) -> None:
        self._endpoint.close()


def _json(body: BaseModel) -> Any:
    return body.model_dump(mode="json", exclude_none=True)


def _boite(pack: PackId) -> wire.Boite:
    return wire.Boite(codeProduit=pack.gtin, numeroSerie=pack.serial, lot=pack.lot, peremption=pack.expiry)


def _alerts(found: list[wire.Alerte]) -> tuple[Alert, ...]:
    return tuple(Alert(a.code, a.libelle) for a in found)


def _status(answer: wire.ReponseBoite) -> PackStatus:
    pack = PackId(answer.boite.codeProduit, answer.boite.numeroSerie, answer.boite.lot, answer.boite.peremption)
    return PackStatus(pack, PackState(answer.etat) if answer.etat else None, _alerts(answer.alertes))


def _change(pack: PackId, answer: wire.ReponseChangement) -> Change:
    state = PackState(answer.etat) if answer.etat else None
    if not answer.effectuee or state is None:
        alerts = _alerts(answer.alertes) or (Alert("NMVS_NC_PCK_27", "changement d'état impossible"),)
        raise NmvsRefusal(alerts[0], state=state)
    return Change(pack, state, answer.idTransaction, answer.dejaTraitee)


def _outcomes(packs: Sequence[PackId], answer: wire.ReponseChangements) -> list[Outcome]:
    if len(answer.resultats) != len(packs):
        raise ExternalServiceError("Réponse du système NMVS incomplète (une réponse par boîte attendue).",
                                   permanent=True)
    found = []
    for pack, result in zip(packs, answer.resultats, strict=True):
        try:
            found.append(Outcome(pack, change=_change(pack, result)))
        except NmvsRefusal as refused:
            found.append(Outcome(pack, refusal=Alert(refused.code, refused.label)))
    return found

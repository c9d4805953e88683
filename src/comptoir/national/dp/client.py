"""The DP adapter: our questions (port.py) to the DP's messages (wire.py), through the one HTTP choke point
(national/http.py). Every call is idempotent (a consultation reads; a feed, a withdrawal, a refusal, an opening
or a closure sent twice changes nothing more), so the choke point may retry each."""

from __future__ import annotations

from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from comptoir.errors import ExternalServiceError
from comptoir.national.dp import wire
from comptoir.national.dp.port import (
    DEFAULT_WINDOW_MONTHS,
    Access,
    Beneficiary,
    Category,
    Consultation,
    DpLine,
    DpStatus,
    Fed,
    Feed,
    Printout,
)
from comptoir.national.http import Endpoint, HttpPolicy, open_endpoint

SERVICE = "DP"
Answer = TypeVar("Answer", bound=BaseModel)


class DpClient:
    def __init__(self, endpoint: Endpoint) -> None:
        self._endpoint = endpoint

    @classmethod
    def at(cls, base_url: str, policy: HttpPolicy | None = None, *,
           transport: httpx.BaseTransport | None = None, token: str | None = None) -> DpClient:
        """`token`: the credential of the pharmacy and pharmacist calling (None: anonymous)."""
        return cls(open_endpoint(SERVICE, base_url, policy, transport=transport, token=token))

    def open(self, beneficiary: Beneficiary, *, card_read: bool, consent: bool) -> DpStatus:
        body = wire.DemandeOuverture(beneficiaire=_beneficiary(beneficiary), carteVitaleLue=card_read,
                                     consentement=consent)
        return DpStatus(self._post("/dossiers/ouverture", body, wire.ReponseOuverture).statut)

    def consult(self, beneficiary: Beneficiary, *, months: int = DEFAULT_WINDOW_MONTHS) -> Consultation:
        body = wire.DemandeConsultation(beneficiaire=_beneficiary(beneficiary), fenetreMois=months)
        answer = self._post("/dossiers/consultation", body, wire.ReponseConsultation)
        return Consultation(DpStatus(answer.statut), tuple(_line(line) for line in answer.lignes))

    def feed(self, beneficiary: Beneficiary, feed: Feed) -> Fed:
        body = wire.EnvoiLignes(
            beneficiaire=_beneficiary(beneficiary), cleDispensation=feed.key, dateDispensation=feed.dispensed_on,
            finess=feed.pharmacy_finess, nomPharmacie=feed.pharmacy_name,
            lignes=[wire.LigneEnvoyee(numeroLigne=x.line_number, cip13=x.cip13, libelle=x.label, quantite=x.quantity,
                                      categorie=x.category.value) for x in feed.lines])
        answer = self._post("/dossiers/lignes", body, wire.ReponseEnvoi)
        return Fed(answer.recues, answer.dejaRecues)

    def cancel(self, beneficiary: Beneficiary, key: str) -> int:
        body = wire.DemandeSurDispensation(beneficiaire=_beneficiary(beneficiary), cleDispensation=key)
        return self._post("/dossiers/annulation", body, wire.ReponseRetrait).retirees

    def refuse_feeding(self, beneficiary: Beneficiary, key: str) -> int:
        body = wire.DemandeSurDispensation(beneficiaire=_beneficiary(beneficiary), cleDispensation=key)
        return self._post("/dossiers/refus-alimentation", body, wire.ReponseRetrait).retirees

    def refuse_consultation(self, beneficiary: Beneficiary) -> None:
        self._send("/dossiers/refus-consultation", wire.DemandeSurDossier(beneficiaire=_beneficiary(beneficiary)))

    def close(self, beneficiary: Beneficiary) -> None:
        self._send("/dossiers/fermeture", wire.DemandeSurDossier(beneficiaire=_beneficiary(beneficiary)))

    def printout(self, beneficiary: Beneficiary) -> Printout:
        body = wire.DemandeSurDossier(beneficiaire=_beneficiary(beneficiary))
        answer = self._post("/dossiers/impression", body, wire.Impression)
        return Printout(DpStatus(answer.statut), answer.ouvertLe, tuple(_line(line) for line in answer.lignes),
                        tuple(Access(a.date, a.structure, a.rpps, a.action) for a in answer.acces))

    def _send(self, path: str, body: BaseModel) -> httpx.Response:
        return self._endpoint.call("POST", path, json=body.model_dump(mode="json"), idempotent=True)

    def _post(self, path: str, body: BaseModel, answer_type: type[Answer]) -> Answer:
        response = self._send(path, body)
        try:
            return answer_type.model_validate_json(response.content)
        except ValidationError as exc:
            raise ExternalServiceError("Réponse du DP illisible.", permanent=True) from exc

    def close_connection(self) -> None:
        self._endpoint.close()


def _beneficiary(beneficiary: Beneficiary) -> wire.Beneficiaire:
    return wire.Beneficiaire(nir=beneficiary.nir, dateNaissance=beneficiary.birth_date)


def _line(line: wire.LigneDp) -> DpLine:
    return DpLine(line.dateDispensation, line.cip13, line.libelle, line.quantite, Category(line.categorie),
                  line.finess, line.nomPharmacie)

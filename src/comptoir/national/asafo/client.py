"""The ASAFO adapter: our questions (port.py) to the service's messages (wire.py), over the one HTTP choke
point (national/http.py). Reading the list may be retried; a declaration is sent by the outbox worker, which
retries it itself (the service deduplicates by its key)."""

from __future__ import annotations

import base64
from typing import TypeVar
from urllib.parse import urlencode

import httpx
from pydantic import TypeAdapter, ValidationError

from comptoir.errors import ExternalServiceError
from comptoir.national.asafo import wire
from comptoir.national.asafo.port import Alert, AlertProduct, Declaration, DeclarationStatus, FeedQuery
from comptoir.national.http import Endpoint, HttpPolicy, open_endpoint

SERVICE = "ASAFO"
Parsed = TypeVar("Parsed")
_ALERTS = TypeAdapter(list[wire.Alerte])
_DECLARATIONS = TypeAdapter(list[wire.ReponseSignalement])


class AsafoClient:
    def __init__(self, endpoint: Endpoint) -> None:
        self._endpoint = endpoint

    @classmethod
    def at(cls, base_url: str, policy: HttpPolicy | None = None, *,
           transport: httpx.BaseTransport | None = None, token: str | None = None) -> AsafoClient:
        return cls(open_endpoint(SERVICE, base_url, policy, transport=transport, token=token))

    def alerts(self, query: FeedQuery) -> list[Alert]:
        params = {"region": query.region, "depuis": query.since.isoformat() if query.since else None,
                  "nir": query.nir, "rpps": query.rpps, "produit": query.product}
        given = urlencode({k: v for k, v in params.items() if v})
        response = self._endpoint.call("GET", "/alertes" + (f"?{given}" if given else ""), idempotent=True)
        return [alert(found) for found in _read(_ALERTS, response)]

    def declare(self, declaration: Declaration) -> DeclarationStatus:
        body = signalement(declaration).model_dump(mode="json")
        # Not idempotent for the choke point: the outbox worker retries, under the same key.
        response = self._endpoint.call("POST", "/signalements", json=body, idempotent=False)
        return status(_read(TypeAdapter(wire.ReponseSignalement), response))

    def declarations(self) -> list[DeclarationStatus]:
        response = self._endpoint.call("GET", "/signalements", idempotent=True)
        return [status(found) for found in _read(_DECLARATIONS, response)]

    def close(self) -> None:
        self._endpoint.close()


def _read(adapter: TypeAdapter[Parsed], response: httpx.Response) -> Parsed:
    try:
        return adapter.validate_json(response.content)
    except ValidationError as exc:
        raise ExternalServiceError("Réponse du service ASAFO illisible.", permanent=True) from exc


def alert(found: wire.Alerte) -> Alert:
    return Alert(alert_id=found.idAlerte, anomaly=found.typeAnomalie, review_ended_on=found.dateFinInstruction,
                 prescribed_on=found.datePrescription, prescriber_rpps=found.prescripteur.rpps,
                 prescriber_structure=found.prescripteur.numeroStructure, prescriber_name=found.prescripteur.nom,
                 patient_nir=found.beneficiaire.nir, patient_name=found.beneficiaire.nom,
                 drug_class=found.classeMedicamenteuse, products=tuple(product(p) for p in found.produits),
                 region=found.region, created_at=found.dateCreation)


def product(found: wire.Produit) -> AlertProduct:
    return AlertProduct(found.marque, found.cip13, tuple(found.substances))


def wire_product(given: AlertProduct) -> wire.Produit:
    return wire.Produit(marque=given.brand, cip13=given.cip13, substances=list(given.substances))


def signalement(given: Declaration) -> wire.Signalement:
    document = wire.Document(typeContenu=given.content_type,
                             contenuBase64=base64.b64encode(given.document).decode()) if given.document else None
    return wire.Signalement(
        cle=given.key, datePrescription=given.prescribed_on,
        prescripteur=wire.Prescripteur(rpps=given.prescriber_rpps, numeroStructure=given.prescriber_structure,
                                       nom=given.prescriber_name),
        beneficiaire=wire.Beneficiaire(nir=given.patient_nir, nom=given.patient_name),
        produits=[wire_product(p) for p in given.products],
        authentifieeParPrescripteur=given.authenticated_by_prescriber, commentaire=given.comment, document=document)


def status(found: wire.ReponseSignalement) -> DeclarationStatus:
    return DeclarationStatus(declaration_id=found.idSignalement, key=found.cle, status=found.statut,
                             declared_at=found.dateSignalement, decided_at=found.dateDecision,
                             reason=found.motifDecision, alert_id=found.idAlerte, duplicate=found.dejaRecu)



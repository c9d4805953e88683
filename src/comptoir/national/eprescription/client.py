"""The ON base adapter: our questions (port.py) to the base's messages (wire.py), through the one HTTP
choke point (national/http.py). Reads and executions (idempotency key) may be retried; a creation may
not (a second prescription would be created)."""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from comptoir.domain.eprescription.identifiers import is_prescription_id
from comptoir.domain.eprescription.prescription import Draft, Execution, Prescription
from comptoir.errors import ExternalServiceError, RuleViolation
from comptoir.national.eprescription import mapping, wire
from comptoir.national.eprescription.port import Billing, Created, PrescriberView, Recorded, Summary
from comptoir.national.http import Endpoint, HttpPolicy, open_endpoint

SERVICE = "Ordonnance numérique"
Answer = TypeVar("Answer", bound=BaseModel)


class EPrescriptionClient:
    def __init__(self, endpoint: Endpoint) -> None:
        self._endpoint = endpoint

    @classmethod
    def at(cls, base_url: str, policy: HttpPolicy | None = None, *,
           transport: httpx.BaseTransport | None = None, token: str | None = None) -> EPrescriptionClient:
        """`token`: the credential of the structure and professional calling (None: anonymous)."""
        return cls(open_endpoint(SERVICE, base_url, policy, transport=transport, token=token))

    def create(self, draft: Draft) -> Created:
        body = mapping.draft_wire(draft).model_dump(mode="json")
        answer = self._read(self._endpoint.call("POST", "/ordonnances", json=body, idempotent=False),
                            wire.ReponseCreation)
        return Created(answer.idPrescription, answer.finValidite)

    def consult(self, prescription_id: str, *, rpps: str, finess: str) -> Prescription:
        if not is_prescription_id(prescription_id):
            raise RuleViolation(f"Identifiant d'ordonnance invalide : « {prescription_id} ».")
        path = f"/ordonnances/{prescription_id}?rpps={rpps}&finess={finess}"
        return mapping.prescription(self._read(self._endpoint.call("GET", path, idempotent=True), wire.Ordonnance))

    def execute(self, prescription_id: str, execution: Execution) -> Recorded:
        body = mapping.execution_wire(execution).model_dump(mode="json")
        response = self._endpoint.call("POST", f"/ordonnances/{prescription_id}/executions", json=body,
                                       idempotent=True)
        answer = self._read(response, wire.ReponseExecution)
        return Recorded(answer.idExecution, answer.statut, answer.dejaRecue)

    def bill(self, prescription_id: str, key: str, billing: Billing) -> None:
        body = wire.ComplementFacturation(numeroFacture=billing.invoice, dateFacture=billing.invoiced_on,
                                          lignes=[wire.LigneFacturation(numeroLigne=n, montant=a)
                                                  for n, a in billing.amounts])
        self._endpoint.call("POST", f"/ordonnances/{prescription_id}/executions/{key}/facturation",
                            json=body.model_dump(mode="json"), idempotent=True)

    def cancel_execution(self, prescription_id: str, key: str, *, reason: str) -> Recorded:
        body = wire.DemandeAnnulation(motif=reason).model_dump(mode="json")
        response = self._endpoint.call("POST", f"/ordonnances/{prescription_id}/executions/{key}/annulation",
                                       json=body, idempotent=True)
        answer = self._read(response, wire.ReponseAnnulation)
        return Recorded(answer.idExecution, answer.statut, answer.dejaAnnulee)

    def prescriber_view(self, prescription_id: str, *, rpps: str) -> PrescriberView:
        data = self._json(self._endpoint.call("GET", f"/ordonnances/{prescription_id}/executions?rpps={rpps}",
                                              idempotent=True))
        executions = TypeAdapter(list[wire.Execution]).validate_python(data.get("executions", []))
        return PrescriberView(bool(data.get("consentement")), str(data.get("statut", "")),
                              tuple(mapping.execution(e, ident=e.idExecution, billed=e.facturee) for e in executions))

    def by_prescriber(self, rpps: str) -> list[Summary]:
        response = self._endpoint.call("GET", f"/ordonnances?rpps={rpps}", idempotent=True)
        try:
            found = TypeAdapter(list[wire.Resume]).validate_json(response.content)
        except ValidationError as exc:
            raise _unreadable() from exc
        return [Summary(s.idPrescription, s.statut, s.datePrescription, mapping.patient(s.patient), s.consultations,
                        s.executions) for s in found]

    def cancel(self, prescription_id: str, *, rpps: str) -> Prescription:
        response = self._endpoint.call("POST", f"/ordonnances/{prescription_id}/annulation?rpps={rpps}",
                                       idempotent=True)
        return mapping.prescription(self._read(response, wire.Ordonnance))

    def _read(self, response: httpx.Response, answer_type: type[Answer]) -> Answer:
        try:
            return answer_type.model_validate_json(response.content)
        except ValidationError as exc:
            raise _unreadable() from exc

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError as exc:
            raise _unreadable() from exc
        if not isinstance(data, dict):
            raise _unreadable()
        return data

    def close(self) -> None:
        self._endpoint.close()


def _unreadable() -> ExternalServiceError:
    return ExternalServiceError("Réponse de la base ordonnance numérique illisible.", permanent=True)

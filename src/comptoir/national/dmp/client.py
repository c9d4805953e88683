"""The DMP adapter: our questions (port.py) to the DMP's messages (wire.py), through the one HTTP choke point
(national/http.py). The same code talks to the emulator or to a gateway of the real DMP.

Refusals (4xx) come back as `ExternalServiceError(permanent=True)` carrying the DMP's French reason; an outage or
a timeout as a non-permanent one (the outbox tries again). Reads may be retried; a feed may too, since the DMP
stores the same uniqueId once (its receipt says `duplicate`).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import TypeVar
from urllib.parse import quote, urlencode

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from comptoir.errors import ExternalServiceError
from comptoir.national.dmp import wire
from comptoir.national.dmp.port import DmpStatus, DocumentEntry, Receipt, Retrieved, Visibility
from comptoir.national.http import Endpoint, HttpPolicy, open_endpoint

SERVICE = "DMP"
Answer = TypeVar("Answer", bound=BaseModel)


class DmpClient:
    def __init__(self, endpoint: Endpoint) -> None:
        self._endpoint = endpoint

    @classmethod
    def at(cls, base_url: str, policy: HttpPolicy | None = None, *,
           transport: httpx.BaseTransport | None = None, token: str | None = None) -> DmpClient:
        """`token`: the credential of the structure and professional calling (None: anonymous)."""
        return cls(open_endpoint(SERVICE, base_url, policy, transport=transport, token=token))

    def status(self, ins: str) -> DmpStatus:
        answer = self._read(self._endpoint.call("GET", f"/patients/{_path(ins)}/etat", idempotent=True),
                            wire.EtatDmp)
        return DmpStatus(answer.existe, answer.opposition, answer.motif)

    def submit(self, document: bytes, visibility: tuple[Visibility, ...] = (), *,
               replaces: str | None = None) -> Receipt:
        body = wire.Alimentation(document=base64.b64encode(document).decode("ascii"),
                                 visibilite=[v.value for v in visibility], remplace=replaces)
        response = self._endpoint.call("POST", "/documents", json=body.model_dump(mode="json"), idempotent=True)
        answer = self._read(response, wire.Accuse)
        return Receipt(answer.uniqueId, answer.setId, answer.version, answer.doublon)

    def search(self, ins: str, *, type_codes: tuple[str, ...] = (),
               since: datetime | None = None) -> list[DocumentEntry]:
        pairs = [("typeCode", code) for code in type_codes] + ([("depuis", since.isoformat())] if since else [])
        query = urlencode(pairs)
        path = f"/patients/{_path(ins)}/documents" + (f"?{query}" if query else "")
        response = self._endpoint.call("GET", path, idempotent=True)
        try:
            found = TypeAdapter(list[wire.Fiche]).validate_json(response.content)
        except ValidationError as exc:
            raise _unreadable() from exc
        return [entry(f) for f in found]

    def retrieve(self, unique_id: str) -> Retrieved:
        response = self._endpoint.call("GET", f"/documents/{_path(unique_id)}", idempotent=True)
        answer = self._read(response, wire.Document)
        return Retrieved(entry(answer.fiche), base64.b64decode(answer.contenu))

    def delete(self, unique_id: str) -> None:
        self._endpoint.call("DELETE", f"/documents/{_path(unique_id)}", idempotent=True)

    def _read(self, response: httpx.Response, answer_type: type[Answer]) -> Answer:
        try:
            return answer_type.model_validate_json(response.content)
        except ValidationError as exc:
            raise _unreadable() from exc

    def close(self) -> None:
        self._endpoint.close()


def entry(fiche: wire.Fiche) -> DocumentEntry:
    return DocumentEntry(
        unique_id=fiche.uniqueId, set_id=fiche.setId, version=fiche.version, patient_ins=fiche.insPatient,
        patient_ins_oid=fiche.oidInsPatient, class_code=fiche.classCode, type_code=fiche.typeCode,
        type_label=fiche.typeLibelle, format_code=fiche.formatCode, confidentiality=tuple(fiche.confidentialite),
        author_rpps=fiche.auteurRpps, author_name=fiche.auteurNom, author_structure=fiche.auteurStructure,
        healthcare_facility_type=fiche.typeEtablissement, creation_time=fiche.dateCreation,
        service_start=fiche.debutActe, title=fiche.titre, mime_type=fiche.typeMime, size=fiche.taille,
        hash=fiche.hash, status=fiche.statut)


def _path(value: str) -> str:
    return quote(value, safe="")


def _unreadable() -> ExternalServiceError:
    return ExternalServiceError("Réponse du DMP illisible.", permanent=True)

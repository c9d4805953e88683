"""The INSi adapter: our questions (port.py) to the service's messages (wire.py), over the one
HTTP choke point (national/http.py). The same code talks to the emulator or to a real gateway."""

from __future__ import annotations

from typing import TypeVar

import httpx
from pydantic import ValidationError

from comptoir.domain.identity.ins import InsIdentity, InsOid, InsTraits
from comptoir.errors import ExternalServiceError
from comptoir.national.http import Endpoint, HttpPolicy, open_endpoint
from comptoir.national.ins import wire
from comptoir.national.ins.port import (
    CardQuery,
    SearchAnswer,
    SearchOutcome,
    TraitsQuery,
    VerificationAnswer,
    VerificationOutcome,
)

SERVICE = "INSi"
_SEARCH = {"00": SearchOutcome.ONE, "01": SearchOutcome.NONE, "02": SearchOutcome.SEVERAL}
Answer = TypeVar("Answer", wire.ReponseRecherche, wire.ReponseVerification)
_VERIFY = {"00": VerificationOutcome.CONFORMING, "01": VerificationOutcome.UNKNOWN,
           "03": VerificationOutcome.NOT_CONFORMING}


class InsiClient:
    """Searches and verifications are reads: the choke point may retry them."""

    def __init__(self, endpoint: Endpoint) -> None:
        self._endpoint = endpoint

    @classmethod
    def at(cls, base_url: str, policy: HttpPolicy | None = None, *,
           transport: httpx.BaseTransport | None = None, token: str | None = None) -> InsiClient:
        """`token`: the credential of the structure and professional calling (None: anonymous)."""
        return cls(open_endpoint(SERVICE, base_url, policy, transport=transport, token=token))

    def search_by_card(self, query: CardQuery) -> SearchAnswer:
        body = wire.RechercheCarte(nirOuvrantDroit=query.holder_nir, nomUsuel=query.used_name,
                                   prenom=query.first_name, dateNaissance=query.birth_date,
                                   rangGemellaire=query.birth_rank)
        return self._search("/recherche/carte", body)

    def search_by_traits(self, query: TraitsQuery) -> SearchAnswer:
        body = wire.RechercheTraits(nomNaissance=query.birth_name, prenoms=query.given_names, sexe=query.sex,  # type: ignore[arg-type]
                                    dateNaissance=query.birth_date, lieuNaissance=query.birth_place or None)
        return self._search("/recherche/traits", body)

    def verify(self, identity: InsIdentity) -> VerificationAnswer:
        answer = self._post("/verification", _wire_identity(identity), wire.ReponseVerification)
        return VerificationAnswer(_VERIFY[answer.codeRetour], _identity(answer.identite))

    def _search(self, path: str, body: wire._Message) -> SearchAnswer:
        answer = self._post(path, body, wire.ReponseRecherche)
        return SearchAnswer(_SEARCH[answer.codeRetour], _identity(answer.identite))

    def _post(self, path: str, body: wire._Message, answer_type: type[Answer]) -> Answer:
        response = self._endpoint.call("POST", path, json=body.model_dump(mode="json"), idempotent=True)
        try:
            return answer_type.model_validate_json(response.content)
        except ValidationError as exc:
            raise ExternalServiceError("Réponse du service INSi illisible.", permanent=True) from exc

    def close(self) -> None:
        self._endpoint.close()


def _identity(found: wire.IdentiteIns | None) -> InsIdentity | None:
    if found is None:
        return None
    traits = InsTraits(found.nomNaissance, found.prenoms, found.dateNaissance, found.sexe, found.lieuNaissance)
    try:
        return InsIdentity(found.matriculeIns, InsOid(found.oid), traits)
    except ValueError as exc:
        raise ExternalServiceError(f"Le service INSi renvoie un OID inconnu : {found.oid}.", permanent=True) from exc


def _wire_identity(identity: InsIdentity) -> wire.IdentiteIns:
    t = identity.traits
    return wire.IdentiteIns(matriculeIns=identity.matricule, oid=identity.oid.value, nomNaissance=t.birth_name,
                            prenoms=t.birth_given_names, sexe=t.sex, dateNaissance=t.birth_date,  # type: ignore[arg-type]
                            lieuNaissance=t.birth_place)

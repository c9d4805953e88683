"""The Annuaire Santé adapter: our questions (port.py) to FHIR searches, their Bundles read with fhir.resources
(wire.py), over the one HTTP choke point (national/http.py). The same code talks to the emulator or to the ANS.

Every call is a read: the choke point may retry it; a service down or slow is an `ExternalServiceError`
that is not permanent. The API key rides in the `ESANTE-API-KEY` header, as the real API asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar
from urllib.parse import urlencode

import httpx
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.organization import Organization as FhirOrganization
from fhir.resources.R4B.practitioner import Practitioner as FhirPractitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole as FhirRole
from pydantic import ValidationError

from comptoir.errors import ExternalServiceError
from comptoir.national.annuaire import wire
from comptoir.national.annuaire.port import Organization, Practitioner, SearchPage
from comptoir.national.http import Endpoint, HttpPolicy, open_endpoint

SERVICE = "Annuaire Santé"
API_KEY_HEADER = "ESANTE-API-KEY"
ROLES_PER_CALL = 50
R = TypeVar("R")


class AnnuaireClient:
    def __init__(self, endpoint: Endpoint) -> None:
        self._endpoint = endpoint

    @classmethod
    def at(cls, base_url: str, policy: HttpPolicy | None = None, *, api_key: str | None = None,
           transport: httpx.BaseTransport | None = None) -> AnnuaireClient:
        """`base_url`: up to the FHIR root's parent (the client adds `/fhir/…`); `api_key`: the ESANTE-API-KEY."""
        headers = {API_KEY_HEADER: api_key, "Accept": wire.FHIR_JSON} if api_key else {"Accept": wire.FHIR_JSON}
        return cls(open_endpoint(SERVICE, base_url, policy, transport=transport, headers=headers))

    def practitioner(self, rpps: str) -> Practitioner | None:
        """The professional of this RPPS with his places of practice, or None when the directory knows none."""
        if not (len(rpps) == 11 and rpps.isdigit()):
            raise ValueError(f"N° RPPS mal formé : {rpps!r} (11 chiffres).")
        found = _resources(self._get("/fhir/Practitioner", identifier=f"{wire.RPPS}|{rpps}"), FhirPractitioner)
        if not found:
            return None
        return self._with_roles(found)[0]

    def search(self, *, name: str = "", city: str = "", count: int = 20) -> SearchPage:
        """Professionals whose name (family or given) starts with `name`, practising in `city`; one page."""
        params = {k: v for k, v in (("name", name.strip()), ("address-city", city.strip())) if v}
        if not params:
            raise ValueError("Donnez un nom ou une ville à chercher.")
        return self._page(self._get("/fhir/Practitioner", **params, _count=str(count)))

    def next_page(self, link: str) -> SearchPage:
        """The page after one of `search`, by the service's own `next` link."""
        return self._page(self._bundle(self._endpoint.call("GET", link, idempotent=True)))

    def organization(self, finess: str) -> Organization | None:
        found = _resources(self._get("/fhir/Organization", identifier=f"{wire.FINESS}|{finess}"),
                                FhirOrganization)
        return wire.read_organization(found[0]) if found else None

    def _page(self, bundle: Bundle) -> SearchPage:
        link = next((item.url for item in bundle.link or () if item.relation == "next"), None)
        return SearchPage(tuple(self._with_roles(_resources(bundle, FhirPractitioner))), bundle.total or 0,
                          link)

    def _with_roles(self, people: list[FhirPractitioner]) -> list[Practitioner]:
        roles: list[FhirRole] = []
        organizations: dict[str, Organization] = {}
        ids = [p.id for p in people if p.id]
        for start in range(0, len(ids), ROLES_PER_CALL):
            bundle = self._get("/fhir/PractitionerRole", practitioner=",".join(ids[start:start + ROLES_PER_CALL]),
                               _include="PractitionerRole:organization", _count="100")
            roles += _resources(bundle, FhirRole)
            organizations |= {f"Organization/{o.id}": wire.read_organization(o)
                              for o in _resources(bundle, FhirOrganization)}
        return [wire.read_practitioner(p, _of(roles, p.id or ""), organizations) for p in people]

    def _get(self, path: str, **params: str) -> Bundle:
        return self._bundle(self._endpoint.call("GET", f"{path}?{urlencode(params)}", idempotent=True))

    def _bundle(self, response: httpx.Response) -> Bundle:
        try:
            return Bundle.model_validate_json(response.content)
        except (ValidationError, ValueError) as exc:
            raise ExternalServiceError("Réponse de l'Annuaire Santé illisible (Bundle FHIR attendu).",
                                       permanent=True) from exc

    def close(self) -> None:
        self._endpoint.close()


def _resources(bundle: Bundle, kind: type[R]) -> list[R]:
    return [entry.resource for entry in bundle.entry or () if isinstance(entry.resource, kind)]


def _of(roles: Iterable[FhirRole], practitioner_id: str) -> list[FhirRole]:
    wanted = f"Practitioner/{practitioner_id}"
    return [role for role in roles if role.practitioner is not None and role.practitioner.reference == wanted]

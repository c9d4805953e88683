"""A local Annuaire Santé: the FHIR R4 API of the ANS directory of health professionals (wire.py), its own SQLite
storage (storage.py), the demo and generated professionals (seed.py).

    GET /fhir/metadata           the CapabilityStatement: resources and search parameters below
    GET /fhir/Practitioner       identifier, name, family, given, active, address-city (a place of practice
                                 in that town: an emulator convenience), _count, _offset
    GET /fhir/PractitionerRole   practitioner, organization, role (G15 profession), specialty (R38), active,
                                 _include=PractitionerRole:practitioner | PractitionerRole:organization
    GET /fhir/Organization       identifier, name, address-city, type (R02 sector), active
    GET /fhir/<type>/<id>        one resource

Searches answer a `searchset` Bundle (`total`, `self` and `next` links; the next page is `_offset`, [U] the ANS
server, a HAPI FHIR, pages with an opaque `_getpages` token: a client follows the link, never builds it).
`identifier` is a FHIR token: `value` or `system|value`; a professional answers to his RPPS (`http://rpps.fr`)
and to his idNat_PS (`urn:oid:1.2.250.1.71.4.2.1|8<RPPS>`), a structure to its FINESS, idNat_Struct (`1`+FINESS)
or SIRET. Strings (`name`, `family`, `given`, `address-city`) match the start of a word, without case or accents.
An unknown parameter or a malformed value answers 400 with an OperationOutcome whose diagnostics are French.

Callers: the real API takes an API key in the `ESANTE-API-KEY` header (given to an organisation on request); so
does this one. Without it: 401; with a key it does not know: 403 (both an OperationOutcome). The keys it accepts
are kept (digest only) in its own table, for the demo pharmacy and prescriber (national/credentials.py).
Answers are `application/fhir+json`. Routes are plain functions: FastAPI runs them in its thread pool.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.resource import Resource
from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import Session

from comptoir.national.annuaire import wire
from comptoir.national.annuaire.storage import (
    Store,
    StoredOrganization,
    StoredPractitioner,
    StoredRole,
    fold,
    organization_of,
    practitioner_of,
    role_of,
)
from comptoir.national.credentials import Caller, Credential, digest

API_KEY_HEADER = "ESANTE-API-KEY"
DEFAULT_COUNT, MAX_COUNT = 20, 100
PAGING = {"_count", "_offset", "_format"}
PARAMETERS = {
    "Practitioner": {"identifier", "name", "family", "given", "active", "address-city"},
    "PractitionerRole": {"practitioner", "organization", "role", "specialty", "active", "_include"},
    "Organization": {"identifier", "name", "address-city", "type", "active"},
}
INCLUDES = {"PractitionerRole:practitioner", "PractitionerRole:organization"}


class Refused(Exception):
    def __init__(self, status: int, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


class FhirResponse(JSONResponse):
    media_type = wire.FHIR_JSON


def fhir(resource: Resource, status: int = 200) -> FhirResponse:
    return FhirResponse(resource.model_dump(mode="json", exclude_none=True, by_alias=True), status_code=status)


@dataclass(frozen=True)
class Query:
    """A search's parameters, checked: each name known, each value once (but `_include`)."""

    values: dict[str, str]
    includes: tuple[str, ...]
    count: int
    offset: int

    @classmethod
    def of(cls, resource: str, request: Request) -> Query:
        values: dict[str, str] = {}
        includes: list[str] = []
        for name, value in request.query_params.multi_items():
            if name not in PARAMETERS[resource] | PAGING:
                raise Refused(400, f"Paramètre de recherche inconnu pour {resource} : « {name} ».", "not-supported")
            if name == "_include":
                if value not in INCLUDES:
                    raise Refused(400, f"_include non pris en charge : « {value} » (attendu : "
                                       f"{' ou '.join(sorted(INCLUDES))}).", "not-supported")
                includes.append(value)
            elif name in values:
                raise Refused(400, f"Paramètre « {name} » donné deux fois.")
            else:
                values[name] = value.strip()
        return cls(values, tuple(includes), _number(values.pop("_count", None), "_count", DEFAULT_COUNT, 1),
                   _number(values.pop("_offset", None), "_offset", 0, 0))


def _number(value: str | None, name: str, default: int, least: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or int(value) < least:
        raise Refused(400, f"« {name} » doit être un nombre entier, {least} au moins (reçu : « {value[:40]} »).")
    return min(int(value), MAX_COUNT) if name == "_count" else int(value)


def _active(value: str) -> bool:
    if value not in ("true", "false"):
        raise Refused(400, f"« active » vaut true ou false (reçu : « {value[:40]} »).")
    return value == "true"


def _token(value: str) -> tuple[str | None, str]:
    system, bar, code = value.partition("|")
    if not code.strip() and bar:
        raise Refused(400, f"Identifiant vide dans « {value[:60]} » (forme : système|valeur).")
    return (system or None, code.strip()) if bar else (None, value)


def _starts(column: Any, text: str) -> ColumnElement[bool]:
    folded = fold(text)
    if not folded:
        raise Refused(400, "Texte de recherche vide.")
    return or_(column.like(f"{folded}%"), column.like(f"% {folded}%"))


def _rpps_condition(value: str) -> ColumnElement[bool]:
    system, code = _token(value)
    if system == wire.IDNAT_PS:
        return StoredPractitioner.rpps == code[1:] if code.startswith("8") else false()
    if system in (wire.RPPS, None):
        return StoredPractitioner.rpps == (code[1:] if system is None and len(code) == 12 and code[0] == "8" else code)
    raise Refused(400, f"Système d'identifiant inconnu pour un professionnel : « {system} » (attendu : "
                       f"{wire.RPPS} ou {wire.IDNAT_PS}).")


def _structure_condition(value: str) -> ColumnElement[bool]:
    system, code = _token(value)
    o = StoredOrganization
    if system == wire.IDNAT_STRUCT:
        kinds = {"1": o.finess, "3": o.siret}
        return kinds[code[0]] == code[1:] if code[:1] in kinds else false()
    if system == wire.FINESS:
        return o.finess == code
    if system == wire.SIRET:
        return o.siret == code
    if system is None:
        return or_(o.finess == code, o.siret == code, o.id == code)
    raise Refused(400, f"Système d'identifiant inconnu pour une structure : « {system} ».")


def _ids(value: str, prefix: str) -> list[str]:
    return [part.strip().removeprefix(prefix) for part in value.split(",") if part.strip()]


def practitioner_filter(values: dict[str, str]) -> Select[Any]:
    p = StoredPractitioner
    query = select(p)
    for name, value in values.items():
        if name == "identifier":
            query = query.where(or_(*(_rpps_condition(v) for v in value.split(","))))
        elif name == "name":
            query = query.where(or_(_starts(p.family_folded, value), _starts(p.given_folded, value)))
        elif name == "family":
            query = query.where(_starts(p.family_folded, value))
        elif name == "given":
            query = query.where(_starts(p.given_folded, value))
        elif name == "active":
            query = query.where(p.active == _active(value))
        elif name == "address-city":
            town = _starts(StoredOrganization.city_folded, value)
            query = query.where(p.rpps.in_(select(StoredRole.rpps).join(StoredOrganization).where(town)))
    return query.order_by(p.family_folded, p.given_folded, p.rpps)


def role_filter(values: dict[str, str]) -> Select[Any]:
    r = StoredRole
    query = select(r).join(StoredPractitioner)
    for name, value in values.items():
        if name == "practitioner":
            rpps = [i.split("-")[0][1:] for i in _ids(value, "Practitioner/")]
            query = query.where(r.rpps.in_(rpps))
        elif name == "organization":
            query = query.where(r.organization_id.in_(_ids(value, "Organization/")))
        elif name == "role":
            query = query.where(StoredPractitioner.profession == _token(value)[1])
        elif name == "specialty":
            query = query.where(StoredPractitioner.specialty == _token(value)[1])
        elif name == "active":
            query = query.where(r.active == _active(value))
    return query.order_by(r.id)


def organization_filter(values: dict[str, str]) -> Select[Any]:
    o = StoredOrganization
    query = select(o)
    for name, value in values.items():
        if name == "identifier":
            query = query.where(or_(*(_structure_condition(v) for v in value.split(","))))
        elif name == "name":
            query = query.where(_starts(o.name_folded, value))
        elif name == "address-city":
            query = query.where(_starts(o.city_folded, value))
        elif name == "type":
            query = query.where(o.sector == _token(value)[1])
        elif name == "active":
            query = query.where(o.active == _active(value))
    return query.order_by(o.name_folded, o.id)


@dataclass
class Page:
    session: Session
    request: Request
    query: Query

    def rows(self, select_rows: Select[Any]) -> tuple[list[Any], int]:
        total = self.session.scalar(select(func.count()).select_from(select_rows.order_by(None).subquery())) or 0
        rows = list(self.session.scalars(select_rows.limit(self.query.count).offset(self.query.offset)))
        return rows, total

    def bundle(self, matches: Sequence[tuple[str, Resource]], total: int,
               included: Sequence[tuple[str, Resource]] = ()) -> Bundle:
        base = str(self.request.url.replace(query=""))
        root = base.rsplit("/", 1)[0]
        links = [{"relation": "self", "url": str(self.request.url)}]
        if self.query.offset + self.query.count < total:
            links.append({"relation": "next", "url": f"{base}?{self._next_query()}"})
        entries = [{"fullUrl": f"{root}/{kind}/{r.id}", "resource": r, "search": {"mode": mode}}
                   for mode, group in (("match", matches), ("include", included)) for kind, r in group]
        return Bundle.model_validate({"type": "searchset", "total": total, "link": links, "entry": entries or None})

    def _next_query(self) -> str:
        items = [(k, v) for k, v in self.request.query_params.multi_items() if k != "_offset"]
        return urlencode([*items, ("_offset", str(self.query.offset + self.query.count))])


def _organizations(session: Session, ids: set[str]) -> dict[str, Any]:
    rows: Sequence[StoredOrganization] = (
        session.scalars(select(StoredOrganization).where(StoredOrganization.id.in_(ids))).all() if ids else ())
    return {row.id: organization_of(row) for row in rows}


def search_practitioners(page: Page) -> Bundle:
    rows, total = page.rows(practitioner_filter(page.query.values))
    return page.bundle([("Practitioner", wire.practitioner_resource(practitioner_of(row))) for row in rows], total)


def search_roles(page: Page) -> Bundle:
    rows, total = page.rows(role_filter(page.query.values))
    people = {row.rpps: practitioner_of(page.session.get_one(StoredPractitioner, row.rpps)) for row in rows}
    places = _organizations(page.session, {row.organization_id for row in rows if row.organization_id})
    matches = [("PractitionerRole", wire.role_resource(people[row.rpps], int(row.id.rsplit("-", 1)[1]),
                                                        role_of(row, places))) for row in rows]
    included: list[tuple[str, Resource]] = []
    if "PractitionerRole:practitioner" in page.query.includes:
        included += [("Practitioner", wire.practitioner_resource(p)) for p in people.values()]
    if "PractitionerRole:organization" in page.query.includes:
        included += [("Organization", wire.organization_resource(o)) for o in places.values()]
    return page.bundle(matches, total, included)


def search_organizations(page: Page) -> Bundle:
    rows, total = page.rows(organization_filter(page.query.values))
    return page.bundle([("Organization", wire.organization_resource(organization_of(row))) for row in rows], total)


def capability() -> CapabilityStatement:
    resources = [{"type": kind, "interaction": [{"code": "read"}, {"code": "search-type"}],
                  "searchParam": [{"name": name, "type": _param_type(name)} for name in sorted(names - {"_include"})],
                  **({"searchInclude": sorted(INCLUDES)} if kind == "PractitionerRole" else {})}
                 for kind, names in PARAMETERS.items()]
    return CapabilityStatement.model_validate({
        "status": "active", "date": "2026-11-29", "kind": "instance", "fhirVersion": "4.0.1",
        "format": [wire.FHIR_JSON], "publisher": "comptoir (émulateur)",
        "description": "Émulateur de l'API FHIR de l'Annuaire Santé",
        "rest": [{"mode": "server", "resource": resources}],
        "implementation": {"description": "Annuaire Santé (émulé)"}})


def _param_type(name: str) -> str:
    if name in ("identifier", "role", "specialty", "type", "active"):
        return "token"
    return "reference" if name in ("practitioner", "organization") else "string"


def _key_checker(store: Store) -> Callable[[Request], Caller]:
    known: dict[str, Caller] = {}

    def check(request: Request) -> Caller:
        key = request.headers.get(API_KEY_HEADER, "").strip()
        if not key:
            raise Refused(401, f"Clé d'API requise : présentez-la dans l'en-tête {API_KEY_HEADER}.", "login")
        found = known.get(digest(key)) or store.caller(digest(key))
        if found is None:
            raise Refused(403, "Clé d'API inconnue ou révoquée : accès refusé.", "forbidden")
        known[digest(key)] = found
        return found

    return check


def create_emulator(database: Path, *, credentials: Sequence[Credential] = ()) -> FastAPI:
    """The ASGI app; `database` is its own SQLite file (created and seeded on first call); `credentials` are the
    API keys it accepts (each `Credential.token` is a key)."""
    store = Store(database, credentials)
    app = FastAPI(title="Émulateur de l'Annuaire Santé (FHIR)", description=__doc__, version="1",
                  docs_url="/docs", openapi_url="/openapi.json", redoc_url=None,
                  dependencies=[Depends(_key_checker(store))])

    async def refused(_: Request, error: Exception) -> FhirResponse:
        assert isinstance(error, Refused)
        headers = {"WWW-Authenticate": f'ApiKey header="{API_KEY_HEADER}"'} if error.status == 401 else None
        response = fhir(wire.outcome(error.message, error.code), error.status)
        response.headers.update(headers or {})
        return response

    app.add_exception_handler(Refused, refused)

    @app.get("/fhir/metadata")
    def metadata() -> FhirResponse:
        """Ce que le serveur sait faire (CapabilityStatement)."""
        return fhir(capability())

    def search(kind: str, run: Callable[[Page], Bundle]) -> Callable[[Request], FhirResponse]:
        def route(request: Request) -> FhirResponse:
            query = Query.of(kind, request)
            with store.session() as session:
                return fhir(run(Page(session, request, query)))
        route.__doc__ = f"Recherche de {kind} (Bundle searchset)."
        return route

    app.get("/fhir/Practitioner", name="Practitioner")(search("Practitioner", search_practitioners))
    app.get("/fhir/PractitionerRole", name="PractitionerRole")(search("PractitionerRole", search_roles))
    app.get("/fhir/Organization", name="Organization")(search("Organization", search_organizations))

    @app.get("/fhir/{kind}/{ident}")
    def read(kind: str, ident: str) -> FhirResponse:
        """Une ressource par son id."""
        filters: dict[str, Callable[[], Select[Any]]] = {
            "Practitioner": lambda: practitioner_filter({"identifier": ident}),
            "Organization": lambda: organization_filter({"identifier": ident}),
            "PractitionerRole": lambda: role_filter({}).where(StoredRole.id == ident)}
        if kind not in filters:
            raise Refused(404, f"Type de ressource inconnu : « {kind[:40]} ».", "not-supported")
        with store.session() as session:
            row = session.scalars(filters[kind]()).first()
            if row is None:
                raise Refused(404, f"{kind}/{ident[:40]} introuvable.", "not-found")
            return fhir(_resource(session, row))

    return app


def _resource(session: Session, row: Any) -> Resource:
    if isinstance(row, StoredPractitioner):
        return wire.practitioner_resource(practitioner_of(row))
    if isinstance(row, StoredOrganization):
        return wire.organization_resource(organization_of(row))
    person = practitioner_of(session.get_one(StoredPractitioner, row.rpps))
    places = _organizations(session, {row.organization_id} if row.organization_id else set())
    return wire.role_resource(person, int(row.id.rsplit("-", 1)[1]), role_of(row, places))

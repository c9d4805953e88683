"""A local Pro Santé Connect: an OpenID Connect provider with the paths of the ANS Keycloak realm (SPEC §8).

    GET  /.well-known/openid-configuration          discovery (also as wallet-openid-configuration)
    GET  /auth                                      authorization: the provider's own login page (French)
    POST /auth/carte                                a CPS card chosen among the seeded ones + its 4-digit PIN
    POST /auth/ecps, /auth/ecps/valider             e-CPS: the idNat typed, then approved "on the phone"
    POST /protocol/openid-connect/token             code -> tokens (client_secret_basic or _post, PKCE)
    GET  /protocol/openid-connect/userinfo          claims of SPEC §8 (JSON; a signed JWT with
                                                    `Accept: application/jwt`)
    GET  /protocol/openid-connect/certs             JWKS (the RS256 key kept in its storage)
    GET  /protocol/openid-connect/logout            end_session: post_logout_redirect_uri if registered

`acr_values` other than `eidas1` are refused (the ANS connector supports only EIDAS1); the id_token carries
`acr` = eidas1 and the nonce. The issuer is the URL the emulator is reached at (as Keycloak's frontend URL).
The real service's CIBA push (e-CPS back-channel) is stood for by the approval page. Its own database is never
the pharmacy's: a SQLite file given to `create_emulator`.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from authlib.oauth2 import OAuth2Error
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select, update

from comptoir.national.psc.professionals import Professional, userinfo_claims
from comptoir.national.psc.provider import (
    Authenticated,
    OidcRequest,
    OidcServer,
    professional_by_rpps,
    subject_of,
)
from comptoir.national.psc.storage import (
    ClientRegistration,
    PscStore,
    StoredClient,
    StoredEcpsRequest,
    StoredProfessional,
    StoredToken,
    digest,
    same_digest,
)
from comptoir.national.psc.wire import ACR_EIDAS1, rpps_of

ECPS_WAIT_S = 120
TOKEN_PATH = "/protocol/openid-connect"
_templates = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                         autoescape=select_autoescape(["html"]))
STYLE = """body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;color:#1b2a3a}
h1{color:#00558a}section{border:1px solid #b9c6d3;border-radius:.5rem;padding:1rem;margin:1rem 0}
label{display:block;margin:.5rem 0}.erreur{color:#a00000;font-weight:bold}button{padding:.4rem 1rem}"""


def create_emulator(database: Path, *, clients: Sequence[ClientRegistration]) -> FastAPI:
    store = PscStore(database, clients)
    server = OidcServer(store)
    app = FastAPI(title="Pro Santé Connect (émulateur)", docs_url=None, redoc_url=None, openapi_url=None)
    _discovery_routes(app)
    _login_routes(app, store, server)
    _token_routes(app, store, server)
    _logout_route(app, store)
    return app


def issuer_of(request: Request) -> str:
    return str(request.url_for("discovery")).removesuffix("/.well-known/openid-configuration")


def _discovery_routes(app: FastAPI) -> None:
    @app.get("/.well-known/openid-configuration", name="discovery")
    @app.get("/.well-known/wallet-openid-configuration", name="wallet_discovery")
    def discovery(request: Request) -> dict[str, Any]:
        issuer = issuer_of(request)
        return {"issuer": issuer, "authorization_endpoint": f"{issuer}/auth",
                "token_endpoint": f"{issuer}{TOKEN_PATH}/token", "userinfo_endpoint": f"{issuer}{TOKEN_PATH}/userinfo",
                "jwks_uri": f"{issuer}{TOKEN_PATH}/certs", "end_session_endpoint": f"{issuer}{TOKEN_PATH}/logout",
                "scopes_supported": ["openid", "scope_all"], "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"], "acr_values_supported": [ACR_EIDAS1],
                "code_challenge_methods_supported": ["S256"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "userinfo_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "claims_parameter_supported": False}

    @app.get("/style.css", include_in_schema=False)
    def style() -> PlainTextResponse:
        return PlainTextResponse(STYLE, media_type="text/css")


def _page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    return HTMLResponse(_templates.get_template(name).render(**values), status_code=status)


def _oauth(request: Request, query: str) -> OidcRequest:
    issuer = issuer_of(request)
    return OidcRequest("GET", f"{issuer}/auth?{query}", request.headers, dict(parse_qsl(query)), issuer)


class _LoginPages:
    """The provider's own pages: the login page and its refusals, and the code sent back once authenticated."""

    def __init__(self, store: PscStore, server: OidcServer) -> None:
        self.store, self.server = store, server

    def login_page(self, request: Request, query: str, status: int = 200, **values: Any) -> HTMLResponse:
        with self.store.session() as session:
            cards = [row.professional() for row in session.scalars(select(StoredProfessional))]
        return _page("psc_emulator_login.html", status, base=issuer_of(request), query=query, cards=cards, **values)

    def refusal(self, request: Request, query: str) -> HTMLResponse | None:
        """The error page for a request PSC would not serve (unknown client or redirect, no PKCE, other acr)."""
        values = dict(parse_qsl(query))
        if values.get("acr_values") and ACR_EIDAS1 not in values["acr_values"].split():
            return _error(request, f"Niveau d'authentification « {values['acr_values'][:40]} » non pris en charge : "
                                   f"seul {ACR_EIDAS1} l'est.")
        try:
            self.server.get_consent_grant(_oauth(request, query))
        except OAuth2Error as error:
            return _error(request, f"Demande d'authentification refusée ({error.error}) : {error.description or ''}")
        return None

    def grant(self, request: Request, query: str, who: Authenticated) -> Response:
        return self.server.create_authorization_response(_oauth(request, query), grant_user=who)  # type: ignore[no-any-return]

    def card(self, request: Request, query: str, rpps: str, pin: str) -> Response:
        with self.store.session() as session:
            row = session.get(StoredProfessional, rpps)
        if row is None or not (len(pin) == 4 and pin.isdigit() and same_digest(pin, row.pin_digest)):
            return self.login_page(request, query, 401, card_error="Code PIN incorrect ou carte inconnue.", carte=rpps)
        return self.grant(request, query, Authenticated(row.professional(), "CPS"))

    def ecps_request(self, request: Request, query: str, typed: str) -> HTMLResponse:
        rpps = rpps_of(typed) or (typed if len(typed) == 11 and typed.isdigit() else "")
        with self.store.session() as session, session.begin():
            professional = professional_by_rpps(session, rpps) if rpps else None
            if professional is None:
                return self.login_page(request, query, 404, idnat=typed,
                                       ecps_error=f"Aucune e-CPS activée pour l'identifiant « {typed[:20]} ».")
            pending = StoredEcpsRequest(id=secrets.token_urlsafe(24), rpps=rpps, query=query,
                                        expires_at=time.time() + ECPS_WAIT_S)
            session.add(pending)
        return _page("psc_emulator_ecps.html", base=issuer_of(request), demande=pending.id, who=professional)

    def ecps_answer(self, request: Request, demande: str, accepted: bool) -> Response:
        with self.store.session() as session, session.begin():
            pending = session.get(StoredEcpsRequest, demande)
            if pending is not None:
                session.delete(pending)
            professional = professional_by_rpps(session, pending.rpps) if pending else None
        if pending is None or professional is None or pending.expires_at < time.time():
            return _error(request, "Demande e-CPS inconnue ou expirée : recommencez l'authentification.")
        if not accepted:
            return _denied(pending.query)
        return self.grant(request, pending.query, Authenticated(professional, "e-CPS"))


def _error(request: Request, message: str) -> HTMLResponse:
    return _page("psc_emulator_error.html", 400, base=issuer_of(request), message=message)


def _login_routes(app: FastAPI, store: PscStore, server: OidcServer) -> None:
    pages = _LoginPages(store, server)

    @app.get("/auth", response_class=HTMLResponse)
    def authorize(request: Request) -> HTMLResponse:
        query = request.url.query
        return pages.refusal(request, query) or pages.login_page(request, query)

    @app.post("/auth/carte", response_model=None)
    def card(request: Request, requete: Annotated[str, Form()], carte: Annotated[str, Form()],
             pin: Annotated[str, Form()]) -> Response:
        return pages.refusal(request, requete) or pages.card(request, requete, carte, pin)

    @app.post("/auth/ecps", response_class=HTMLResponse)
    def ecps(request: Request, requete: Annotated[str, Form()], idnat: Annotated[str, Form()]) -> HTMLResponse:
        return pages.refusal(request, requete) or pages.ecps_request(request, requete, idnat.strip())

    @app.post("/auth/ecps/valider", response_model=None)
    def ecps_approved(request: Request, demande: Annotated[str, Form()],
                      decision: Annotated[str, Form()] = "") -> Response:
        return pages.ecps_answer(request, demande, decision == "accepter")


def _denied(query: str) -> RedirectResponse:
    values = dict(parse_qsl(query))
    params = {"error": "access_denied", "error_description": "Authentification refusée sur l'application e-CPS",
              **({"state": values["state"]} if "state" in values else {})}
    return RedirectResponse(f"{values.get('redirect_uri', '')}?{urlencode(params)}", status_code=303)


def _token_routes(app: FastAPI, store: PscStore, server: OidcServer) -> None:
    @app.post(f"{TOKEN_PATH}/token")
    async def token(request: Request) -> Response:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        oauth = OidcRequest("POST", str(request.url), request.headers, form, issuer_of(request))
        return server.create_token_response(oauth)  # type: ignore[no-any-return]

    @app.api_route(f"{TOKEN_PATH}/userinfo", methods=["GET", "POST"], response_model=None)
    def userinfo(request: Request) -> Response:
        scheme, _, presented = request.headers.get("authorization", "").partition(" ")
        found = _holder(store, presented.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            return JSONResponse({"error": "invalid_token", "error_description": "Jeton d'accès absent, inconnu, "
                                 "révoqué ou expiré."}, status_code=401,
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        professional, client_id = found
        claims = userinfo_claims(professional, subject=subject_of(professional))
        if "application/jwt" not in request.headers.get("accept", ""):
            return JSONResponse(claims)
        signed = {**claims, "iss": issuer_of(request), "aud": client_id}
        key = store.signing_key()
        return Response(jwt.encode({"alg": "RS256", "kid": key.kid or ""}, signed, key),
                        media_type="application/jwt")

    @app.get(f"{TOKEN_PATH}/certs")
    def certs() -> dict[str, Any]:
        return dict(KeySet([store.signing_key()]).as_dict(private=False))


def _holder(store: PscStore, token: str) -> tuple[Professional, str] | None:
    with store.session() as session:
        row = session.get(StoredToken, digest(token)) if token else None
        if row is None or row.revoked or row.expires_at <= time.time():
            return None
        professional = professional_by_rpps(session, row.rpps)
    return (professional, row.client_id) if professional else None


def _logout_route(app: FastAPI, store: PscStore) -> None:
    @app.get(f"{TOKEN_PATH}/logout", response_model=None)
    def logout(request: Request, id_token_hint: str = "", post_logout_redirect_uri: str = "",
               state: str = "") -> Response:
        hinted = _hinted(store, id_token_hint)
        with store.session() as session, session.begin():
            if hinted is not None:
                rpps, client_id = hinted
                session.execute(update(StoredToken).where(StoredToken.rpps == rpps, StoredToken.client_id == client_id)
                                .values(revoked=True))
            client = session.get(StoredClient, hinted[1]) if hinted else None
        if client is not None and post_logout_redirect_uri in client.post_logout_uris:
            suffix = f"?{urlencode({'state': state})}" if state else ""
            return RedirectResponse(post_logout_redirect_uri + suffix, status_code=303)
        return _page("psc_emulator_error.html", base=issuer_of(request), title="Déconnecté",
                     message="Vous êtes déconnecté de Pro Santé Connect.")


def _hinted(store: PscStore, id_token: str) -> tuple[str, str] | None:
    """The professional (RPPS) and the client named by an id_token this provider signed, expired or not."""
    try:
        claims = jwt.decode(id_token, store.signing_key(), algorithms=["RS256"]).claims
    except JoseError:
        return None
    rpps, audience = rpps_of(str(claims.get("SubjectNameID", ""))), claims.get("aud")
    client_id = audience[0] if isinstance(audience, list) and audience else audience
    return (rpps, str(client_id)) if rpps and client_id else None

"""The FastAPI application: JSON API under /api, HTML pages, static files, error mapping in one place."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from comptoir import __version__
from comptoir.errors import (
    ComptoirError,
    FieldErrors,
    TooManyAttempts,
)
from comptoir.national.refusals import answer_invalid_requests
from comptoir.services.annuaire.directory import install_from as install_annuaire
from comptoir.services.platform.runtime import Runtime, open_runtime
from comptoir.settings import PACKAGE_DIR, Settings
from comptoir.web.analysis import api as analysis_api
from comptoir.web.analysis import pages as analysis_pages
from comptoir.web.asafo import pages as asafo_pages
from comptoir.web.csrf import check_csrf
from comptoir.web.deps import LoginRequired
from comptoir.web.dispensing import api as dispensing_api
from comptoir.web.dispensing import documents as dispensing_documents
from comptoir.web.dispensing import ordonnancier as dispensing_register
from comptoir.web.dispensing import pages as dispensing_pages
from comptoir.web.dispensing import paper as dispensing_paper
from comptoir.web.dispensing import qr_photo as dispensing_qr_photo
from comptoir.web.dmp import pages as dmp_pages
from comptoir.web.dp import pages as dp_pages
from comptoir.web.emulators import mount_emulators
from comptoir.web.eprescription.routes import include as include_eprescription
from comptoir.web.forms import field_errors_detail
from comptoir.web.identity import api as identity_api
from comptoir.web.identity import pages as identity_pages
from comptoir.web.platform import api, docs, pages, psc
from comptoir.web.reading import pages as reading_pages
from comptoir.web.refdata import api as refdata_api
from comptoir.web.refdata import pages as refdata_pages
from comptoir.web.rendering import render, status_of
from comptoir.web.security import BodyLimit, FiniteJson, SameOrigin, SecurityHeaders, keep_queries_out_of_access_log
from comptoir.web.vaccination import pages as vaccination_pages

log = logging.getLogger("comptoir")

def create_app(settings: Settings, *, runtime: Runtime | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = runtime or open_runtime(settings)
        yield

    app = FastAPI(title="comptoir", version=__version__, lifespan=lifespan, docs_url=None,
                  openapi_url="/api/openapi.json", redoc_url=None,
                  description="API du comptoir : médicaments, patients, opérateurs, journal d'audit.",
                  dependencies=[Depends(check_csrf)])
    if runtime is not None:
        app.state.runtime = runtime
    app.include_router(api.router)
    app.include_router(docs.router)
    app.include_router(refdata_api.router)
    app.include_router(refdata_pages.router)
    app.include_router(analysis_api.router)
    app.include_router(analysis_pages.router)
    app.include_router(pages.router)
    app.include_router(psc.router)
    app.include_router(identity_api.router)
    app.include_router(identity_pages.router)
    include_eprescription(app)
    app.include_router(reading_pages.router)
    app.include_router(dispensing_api.router)
    app.include_router(dispensing_pages.router)
    app.include_router(dispensing_paper.router)
    app.include_router(dispensing_qr_photo.router)
    app.include_router(dispensing_register.router)
    app.include_router(dispensing_documents.router)
    app.include_router(dmp_pages.router)
    app.include_router(vaccination_pages.router)
    app.include_router(dp_pages.router)
    app.include_router(asafo_pages.router)
    mount_emulators(app, settings)
    install_annuaire(settings)
    app.mount("/static", StaticFiles(directory=PACKAGE_DIR / "web" / "static"), name="static")
    keep_queries_out_of_access_log()
    app.add_middleware(FiniteJson)
    app.add_middleware(SameOrigin)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_mb * 1024 * 1024)
    app.add_middleware(SecurityHeaders, hsts=settings.environment == "production")
    app.add_exception_handler(ComptoirError, _on_error)  # type: ignore[arg-type]
    app.add_exception_handler(LoginRequired, _on_login_required)  # type: ignore[arg-type]
    app.get("/api/health", tags=["système"])(_health)
    answer_invalid_requests(app)
    return app


def _health() -> dict[str, str]:
    """Liveness probe."""
    return {"status": "ok", "version": __version__}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _on_error(request: Request, error: ComptoirError) -> Response:  # renders a template: file reads, thread pool
    status = status_of(error)
    headers = {"Retry-After": str(error.retry_after_s)} if isinstance(error, TooManyAttempts) else None
    if _wants_json(request):
        body = {"detail": field_errors_detail(error), **error.details()} if isinstance(error, FieldErrors) \
            else {"detail": str(error)}
        return JSONResponse(body, status_code=status, headers=headers)
    response = render(request, "error.html", status_code=status, message=str(error), status=status)
    if headers:
        response.headers.update(headers)
    return response


async def _on_login_required(request: Request, _: LoginRequired) -> Response:
    if _wants_json(request) and request.url.path != "/api/docs":
        return JSONResponse({"detail": "Authentification requise."}, status_code=401)
    return pages.login_redirect(request)

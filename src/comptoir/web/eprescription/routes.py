"""The ordonnance numérique's share of the app: its routers (prescriber, counter, API, outbox); its emulator is
mounted with the others (web/emulators.py)."""

from __future__ import annotations

from fastapi import FastAPI

from comptoir.web.eprescription import api as eprescription_api
from comptoir.web.eprescription import pages as eprescription_pages
from comptoir.web.eprescription import prescriber_pages
from comptoir.web.platform import outbox as outbox_pages


def include(app: FastAPI) -> None:
    for router in (eprescription_api.router, eprescription_pages.router, prescriber_pages.router,
                   outbox_pages.router):
        app.include_router(router)

"""The ordonnance numérique's share of the app: its routers (prescriber, counter, API, outbox) and the ON
base emulator mounted under /emulateurs/ordonnance-numerique, so one server is the whole demo."""

from __future__ import annotations

from fastapi import FastAPI

from comptoir.national.credentials import demo_pharmacy, demo_prescriber
from comptoir.national.eprescription.emulator import create_emulator
from comptoir.settings import Settings
from comptoir.web.eprescription import api as eprescription_api
from comptoir.web.eprescription import pages as eprescription_pages
from comptoir.web.eprescription import prescriber_pages
from comptoir.web.platform import outbox as outbox_pages


def include(app: FastAPI, settings: Settings) -> None:
    for router in (eprescription_api.router, eprescription_pages.router, prescriber_pages.router,
                   outbox_pages.router):
        app.include_router(router)
    # Its own database, never the pharmacy's (national/eprescription/emulator.py); it accepts the demo pharmacy's
    # and the demo prescriber's credentials. Not in production unless asked for (COMPTOIR_MOUNT_EMULATORS).
    if settings.mount_emulators:
        credentials = [demo_pharmacy(settings.eprescription_token),
                       demo_prescriber(settings.eprescription_prescriber_token)]
        app.mount("/emulateurs/ordonnance-numerique",
                  create_emulator(settings.emulators_dir / "ordonnance-numerique.db", credentials=credentials))

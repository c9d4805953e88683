"""The counter's client of the medicines-verification system (NMVS): one per app (one connection pool), built
from the settings on first use, with the pharmacy's credential; each scanned pack is verified through it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from comptoir.national.http import HttpPolicy
from comptoir.national.nmvs.client import NmvsClient
from comptoir.national.nmvs.port import MedicinesVerification
from comptoir.web.deps import RuntimeDep


def get_nmvs(request: Request, runtime: RuntimeDep) -> MedicinesVerification:
    client: MedicinesVerification | None = getattr(request.app.state, "nmvs", None)
    if client is None:
        settings = runtime.settings
        # No retry at the scan: the pharmacist waits; a pack not verified now is verified at validation.
        client = NmvsClient.at(settings.nmvs_url, HttpPolicy(timeout_s=settings.nmvs_timeout_s, retries=0),
                               token=settings.nmvs_token)
        request.app.state.nmvs = client
    return client


NmvsDep = Annotated[MedicinesVerification, Depends(get_nmvs)]

"""The Annuaire Santé as this process sees it: one client per process, its answers kept a few minutes.

The counter asks about the same prescriber at each change of a basket: an answer (found or unknown) is kept
`annuaire_cache_s` seconds (5 minutes by default), a failure a tenth of it, so a service down costs one timeout
now and then, not one per click. [U] The ANS gives no rule on caching its directory; a radiation takes effect
in the counter within those minutes. The counter asks while it assesses a basket, inside its unit of work: the
short timeout (`annuaire_timeout_s`, no retry) bounds what a first, uncached question adds to it.

The process's directory is installed by the application (`install_from(settings)`, web/app.py); an empty
`annuaire_url` installs none and the counter checks no prescriber (the test environment's default).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from comptoir.errors import ExternalServiceError
from comptoir.national.annuaire.client import AnnuaireClient
from comptoir.national.annuaire.port import Annuaire, Organization, Practitioner
from comptoir.national.http import HttpPolicy
from comptoir.settings import Settings

FAILURE_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Lookup:
    """What the Annuaire said of an RPPS: the professional, none (unknown), or why it could not be asked."""

    found: Practitioner | None
    failure: str = ""

    @property
    def unknown(self) -> bool:
        return self.found is None and not self.failure


class CachedDirectory:
    def __init__(self, annuaire: Annuaire, *, keep_s: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.annuaire, self.keep_s, self._clock = annuaire, keep_s, clock
        self._answers: dict[str, tuple[float, Lookup]] = {}
        self._lock = threading.Lock()

    def lookup(self, rpps: str) -> Lookup:
        now = self._clock()
        with self._lock:
            kept = self._answers.get(rpps)
        if kept is not None and kept[0] > now:
            return kept[1]
        try:
            answer = Lookup(self.annuaire.practitioner(rpps))
        except ExternalServiceError as exc:
            answer = Lookup(None, str(exc))
        keep = self.keep_s * (FAILURE_SHARE if answer.failure else 1)
        with self._lock:
            self._answers[rpps] = (now + keep, answer)
        return answer

    def organization(self, finess: str) -> Organization | None:
        return self.annuaire.organization(finess)


_installed: list[CachedDirectory] = []


def install(directory: CachedDirectory | None) -> None:
    """The directory of this process (None: no Annuaire, no check)."""
    _installed[:] = [directory] if directory is not None else []


def installed() -> CachedDirectory | None:
    return _installed[0] if _installed else None


def client_of(settings: Settings) -> AnnuaireClient | None:
    if not settings.annuaire_url:
        return None
    return AnnuaireClient.at(settings.annuaire_url, HttpPolicy(timeout_s=settings.annuaire_timeout_s,
                                                               connect_timeout_s=settings.annuaire_timeout_s,
                                                               retries=0), api_key=settings.annuaire_token or None)


def install_from(settings: Settings) -> None:
    client = client_of(settings)
    install(CachedDirectory(client, keep_s=settings.annuaire_cache_s) if client else None)

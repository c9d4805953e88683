"""The one choke point for outbound HTTP: every national-service client calls through `Endpoint`.

What it does, so no client does it again:

- **timeouts** on every call (`HttpPolicy.timeout_s`, connection `connect_timeout_s`);
- **bounded retries with exponential backoff**, only where a retry is safe: calls the client
  declares idempotent (a search, a verification, a PUT of the same document), and any call whose
  connection could not even be opened (nothing was sent). `Retry-After` is honoured up to the
  backoff ceiling;
- **logging** of each attempt (service, method, path, status, milliseconds) on the
  `comptoir.national` logger, never the body (it holds health data);
- **credentials**: the caller's token (`open_endpoint(..., token=...)`) rides on every call as
  `Authorization: Bearer …` and is never logged; the service's 401/403 come back as permanent errors
  that say whether the service did not know us or refused the act;
- **one error type**: `ExternalServiceError(message_fr, permanent=...)`. Permanent means "do not
  retry, the request itself is wrong": any 4xx but 408 and 429. 5xx, 408, 429, timeouts and
  network failures are not permanent: the outbox worker tries again later.

A new client (ON base, DMP, DP…) builds its endpoint with `open_endpoint("DMP", url, policy)` and
reads `response.json()` into its `wire.py` models; tests pass an `httpx.MockTransport` or talk
to the service's emulator over a real socket.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from comptoir.errors import ExternalServiceError

log = logging.getLogger("comptoir.national")

TRANSIENT_4XX = frozenset({408, 429})
REFUSALS = {401: "identifiants de comptoir non reconnus", 403: "acte refusé au professionnel authentifié"}


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    timeout_s: float = 5.0
    connect_timeout_s: float = 3.0
    retries: int = 1
    """Extra attempts after the first, for idempotent calls."""
    backoff_s: float = 0.25
    """First wait between attempts; doubles each time, capped at `backoff_max_s`."""
    backoff_max_s: float = 4.0

    def wait_before(self, attempt: int, retry_after: float | None) -> float:
        planned = self.backoff_s * 2 ** (attempt - 1)
        return float(min(max(planned, retry_after or 0.0), self.backoff_max_s))


@dataclass
class Endpoint:
    """One national service at one base URL, called through the rules above."""

    service: str
    client: httpx.Client
    policy: HttpPolicy
    sleep: Callable[[float], None] = field(default=time.sleep)

    def call(self, method: str, path: str, *, json: Any = None, idempotent: bool) -> httpx.Response:
        """Send, retry if allowed, and return a 2xx response; anything else raises `ExternalServiceError`."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._once(method, path, json, attempt)
            except _Retryable as failure:
                if not (idempotent or failure.nothing_sent) or attempt > self.policy.retries:
                    raise failure.error from None
                self.sleep(self.policy.wait_before(attempt, failure.retry_after))

    def _once(self, method: str, path: str, json: Any, attempt: int) -> httpx.Response:
        started = time.monotonic()
        try:
            response = self.client.request(method, path, json=json)
        except httpx.TransportError as exc:
            self._log(method, path, type(exc).__name__, started, attempt)
            raise _Retryable(self._transport_error(exc), nothing_sent=isinstance(exc, httpx.ConnectError)) from exc
        self._log(method, path, response.status_code, started, attempt)
        if response.is_success:
            return response
        raise self._status_error(response)

    def _transport_error(self, exc: httpx.TransportError) -> ExternalServiceError:
        if isinstance(exc, httpx.TimeoutException):
            return ExternalServiceError(f"Le service {self.service} n'a pas répondu dans le délai "
                                        f"({self.policy.timeout_s:g} s). Réessayez dans un instant.", permanent=False)
        return ExternalServiceError(f"Le service {self.service} est injoignable (réseau).", permanent=False)

    def _status_error(self, response: httpx.Response) -> Exception:
        status, detail = response.status_code, _detail(response)
        if 400 <= status < 500 and status not in TRANSIENT_4XX:
            why = f" — {REFUSALS[status]}" if status in REFUSALS else ""
            return ExternalServiceError(f"Le service {self.service} a refusé la demande (HTTP {status}){why}{detail}",
                                        permanent=True)
        error = ExternalServiceError(f"Le service {self.service} est indisponible (HTTP {status}){detail}",
                                     permanent=False)
        return _Retryable(error, retry_after=_retry_after(response))

    def _log(self, method: str, path: str, outcome: object, started: float, attempt: int) -> None:
        elapsed_ms = (time.monotonic() - started) * 1000
        log.info("%s %s %s -> %s en %.0f ms (essai %d)", self.service, method, path, outcome, elapsed_ms, attempt)

    def close(self) -> None:
        self.client.close()


class _Retryable(Exception):
    def __init__(self, error: ExternalServiceError, *, nothing_sent: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error, self.nothing_sent, self.retry_after = error, nothing_sent, retry_after


def open_endpoint(service: str, base_url: str, policy: HttpPolicy | None = None, *,
                  transport: httpx.BaseTransport | None = None, headers: dict[str, str] | None = None,
                  token: str | None = None) -> Endpoint:
    """An endpoint for `service` (its French name, used in messages) at `base_url`; `token`, when given,
    authenticates every call (bearer token, see the emulators' national/credentials.py)."""
    policy = policy or HttpPolicy()
    headers = {**(headers or {}), **({"Authorization": f"Bearer {token}"} if token else {})}
    timeout = httpx.Timeout(policy.timeout_s, connect=policy.connect_timeout_s)
    client = httpx.Client(base_url=base_url, timeout=timeout, transport=transport, headers=headers)
    return Endpoint(service, client, policy)


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return "."
    return f" : {detail}" if isinstance(detail, str) and detail else "."


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("retry-after", ""))
    except ValueError:
        return None

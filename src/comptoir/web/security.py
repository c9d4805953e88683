"""HTTP protections every response gets, as plain ASGI middleware (no body is read twice).

- `BodyLimit`: a request body over the limit is refused with 413 before it is read (Content-Length)
  or as soon as the streamed bytes pass it (chunked uploads), so a huge upload costs neither memory
  nor disk.
- `SameOrigin`: a state-changing request that a browser sends from another site (its `Origin` or
  `Sec-Fetch-Site` says so) is refused with 403: the counter's forms cannot be posted from a
  malicious page, the login form included.
- `QuerylessAccessLog`: the access log shows paths without their query string — patient names and
  NIRs typed in a search never reach the log, only record numbers.
- `FiniteJson`: a JSON body under /api holding NaN, Infinity or a number too large for a float (1e999)
  is refused with 422 before any route sees it. Python's json reads them, JSON (RFC 8259) has no such
  numbers, no rule expects them, and a response that echoes one cannot be written (500). The body,
  already bounded by `BodyLimit`, is read once here and handed on as it came.
- `SecurityHeaders`: a Content-Security-Policy without inline scripts, no framing, no MIME sniffing,
  `Cache-Control: no-store` on everything but static files (the browser's Back button must not show
  a patient after logout), HSTS when served over HTTPS in production.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


async def refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"detail": message}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class TooLarge(BaseException):
    """Raised from inside `receive`: a BaseException so that no framework layer turns it into a 400 or 500
    on its way back to `BodyLimit` (FastAPI wraps body-parsing errors of class Exception)."""


class BodyLimit:
    def __init__(self, app: App, *, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await refuse(send, 413, self._message())
            return
        started = False

        async def counting_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._counting(receive), counting_send)
        except TooLarge:
            if not started:
                await refuse(send, 413, self._message())

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise TooLarge()
            return message

        return counted

    def _message(self) -> str:
        return f"Requête trop volumineuse (plus de {self.max_bytes // (1024 * 1024)} Mo)."


class NonFinite(ValueError):
    pass


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise NonFinite(text)
    return number


def _constant(text: str) -> float:
    raise NonFinite(text)


def holds_non_finite(body: bytes) -> bool:
    """True for JSON with NaN, Infinity or an overflowing number; what is not JSON is the route's to refuse."""
    try:
        json.loads(body, parse_float=_finite, parse_constant=_constant)
    except NonFinite:
        return True
    except ValueError:
        return False
    return False


class FiniteJson:
    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/") or \
                "json" not in (header(scope, b"content-type") or "json"):
            await self.app(scope, receive, send)
            return
        messages = await _whole_body(receive)
        if holds_non_finite(b"".join(m.get("body", b"") for m in messages)):
            await refuse(send, 422, "Nombre invalide dans le JSON : NaN et Infinity ne sont pas des nombres "
                                    "acceptés (valeurs finies seulement).")
            return
        await self.app(scope, _replay(messages, receive), send)


async def _whole_body(receive: Receive) -> list[Message]:
    messages = [await receive()]
    while messages[-1]["type"] == "http.request" and messages[-1].get("more_body"):
        messages.append(await receive())
    return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


class SameOrigin:
    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS and self._cross_site(scope):
            await refuse(send, 403, "Requête refusée : elle vient d'un autre site que comptoir.")
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _cross_site(scope: Scope) -> bool:
        fetch_site = header(scope, b"sec-fetch-site")
        if fetch_site is not None and fetch_site not in ("same-origin", "none"):
            return True
        origin = header(scope, b"origin")
        if origin is None:
            return False
        host = header(scope, b"x-forwarded-host") or header(scope, b"host") or ""
        return origin == "null" or origin.split("://", 1)[-1] != host


class SecurityHeaders:
    def __init__(self, app: App, *, hsts: bool) -> None:
        self.app, self.hsts = app, hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + self._headers(scope, static)
            await send(message)

        await self.app(scope, receive, with_headers)

    def _headers(self, scope: Scope, static: bool) -> list[tuple[bytes, bytes]]:
        headers = [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"),
                   (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
        if not static:
            headers.append((b"cache-control", b"no-store"))
        if self.hsts and scope.get("scheme") == "https":
            headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
        return headers


class QuerylessAccessLog(logging.Filter):
    """Filter for uvicorn's access logger, whose arguments are (client, method, path, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def keep_queries_out_of_access_log() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, QuerylessAccessLog) for f in access.filters):
        access.addFilter(QuerylessAccessLog())

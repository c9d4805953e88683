"""The outbound HTTP choke point: timeouts, bounded retries for idempotent calls, permanent or not."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from comptoir.errors import ExternalServiceError
from comptoir.national.http import Endpoint, HttpPolicy, open_endpoint


def endpoint_answering(*answers: Callable[[httpx.Request], httpx.Response]) -> tuple[Endpoint, list[float]]:
    remaining, waits = list(answers), []

    def handler(request: httpx.Request) -> httpx.Response:
        return remaining.pop(0)(request) if len(remaining) > 1 else remaining[0](request)

    endpoint = open_endpoint("DMP", "http://service.test", HttpPolicy(retries=2, backoff_s=0.1),
                             transport=httpx.MockTransport(handler))
    endpoint.sleep = waits.append
    return endpoint, waits


def status(code: int, **headers: str) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(code, json={"detail": "motif"}, headers=headers)


def timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("lent", request=request)


def test_an_idempotent_call_is_retried_with_backoff_until_it_succeeds() -> None:
    endpoint, waits = endpoint_answering(status(503), status(502), status(200))

    assert endpoint.call("GET", "/x", idempotent=True).status_code == 200
    assert waits == [0.1, 0.2]


def test_retries_are_bounded() -> None:
    endpoint, waits = endpoint_answering(status(503))

    with pytest.raises(ExternalServiceError, match=r"DMP est indisponible \(HTTP 503\) : motif") as raised:
        endpoint.call("GET", "/x", idempotent=True)

    assert len(waits) == 2 and raised.value.permanent is False


def test_a_call_that_is_not_idempotent_is_not_retried_once_sent() -> None:
    endpoint, waits = endpoint_answering(timeout, status(200))

    with pytest.raises(ExternalServiceError, match="n'a pas répondu dans le délai"):
        endpoint.call("POST", "/x", idempotent=False)

    assert waits == []


def test_a_connection_that_never_opened_may_be_retried_even_for_a_write() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refusé", request=request)

    endpoint, _ = endpoint_answering(refused, status(201))

    assert endpoint.call("POST", "/x", idempotent=False).status_code == 201


@pytest.mark.parametrize("code", [400, 401, 403, 404, 422])
def test_a_4xx_is_permanent_and_not_retried(code: int) -> None:
    endpoint, waits = endpoint_answering(status(code))

    with pytest.raises(ExternalServiceError, match=f"refusé la demande \\(HTTP {code}\\)") as raised:
        endpoint.call("GET", "/x", idempotent=True)

    assert raised.value.permanent is True and waits == []


def test_429_is_transient_and_its_retry_after_is_honoured_up_to_the_ceiling() -> None:
    endpoint, waits = endpoint_answering(status(429, **{"Retry-After": "2"}), status(429, **{"Retry-After": "60"}),
                                         status(200))

    endpoint.call("GET", "/x", idempotent=True)

    assert waits == [2.0, 4.0]

"""How our ASGI apps (the app, each emulator) answer a refusal, and how their OpenAPI writes it down.

FastAPI documents a 422 as a list of field errors (`HTTPValidationError`); ours may also be one French
sentence for the person at the counter (`{"detail": "…"}`, a rule of the trade refused). Both shapes are
written in the schema, so that a client (and the schema fuzzing of tests/fuzz) can rely on it.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from comptoir.errors import Conflict, RuleViolation


def document_french_errors(app: FastAPI) -> None:
    """Makes `app.openapi()` describe a 422's detail as a French sentence or a list of field errors."""

    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()
        _widen_validation_error(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _widen_validation_error(schema: dict[str, Any]) -> None:
    found = schema.get("components", {}).get("schemas", {}).get("HTTPValidationError")
    detail = found["properties"]["detail"] if found else {}
    if "anyOf" in detail or not found:
        return
    found["properties"]["detail"] = {"title": detail.get("title", "Detail"),
                                     "anyOf": [{"type": "string"}, {k: v for k, v in detail.items() if k != "title"}]}


def answer_refusals(app: FastAPI) -> None:
    """An emulator's rules refuse with our errors: a broken rule is a 422, a conflict a 409, never a 500."""
    app.add_exception_handler(RuleViolation, _refused(422))
    app.add_exception_handler(Conflict, _refused(409))
    document_french_errors(app)


def _refused(status: int) -> Any:
    async def answer(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=status)
    return answer

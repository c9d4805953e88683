"""How our ASGI apps (the app, each emulator) answer a refusal, and how their OpenAPI writes it down.

FastAPI documents a 422 as a list of field errors (`HTTPValidationError`); ours may also be one French
sentence for the person at the counter (`{"detail": "…"}`, a rule of the trade refused). Both shapes are
written in the schema, so that a client (and the schema fuzzing of tests/fuzz) can rely on it.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
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
    answer_invalid_requests(app)


def answer_invalid_requests(app: FastAPI) -> None:
    """Field errors in French, without the input they refuse. FastAPI's own answer echoes the input, which
    fails to render for a NaN (a 500) and sends back a 100,000-character name whole."""
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    document_french_errors(app)


async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": [field_error(e) for e in error.errors()]}, status_code=422)


def field_error(error: Any) -> dict[str, Any]:
    ctx = error.get("ctx") or {}
    limit = next((ctx[k] for k in ("max_length", "le", "lt", "ge", "gt", "min_length") if k in ctx), "")
    said = _FRENCH.get(str(error["type"]), str(error["msg"]))
    return {"loc": list(error["loc"]), "type": error["type"], "msg": said.format(limit=limit)}


_FRENCH = {
    "missing": "Champ obligatoire.",
    "finite_number": "Nombre fini attendu (ni NaN ni Infinity).",
    "string_too_long": "Texte trop long : {limit} caractères au plus.",
    "string_too_short": "Texte trop court : {limit} caractère(s) au moins.",
    "too_long": "Trop d'éléments : {limit} au plus.",
    "too_short": "Pas assez d'éléments : {limit} au moins.",
    "less_than_equal": "Valeur trop grande : {limit} au plus.",
    "less_than": "Valeur trop grande : moins de {limit}.",
    "greater_than_equal": "Valeur trop petite : {limit} au moins.",
    "greater_than": "Valeur trop petite : plus de {limit}.",
    "int_parsing": "Nombre entier attendu.",
    "int_type": "Nombre entier attendu.",
    "int_from_float": "Nombre entier attendu.",
    "float_parsing": "Nombre attendu.",
    "bool_parsing": "Oui ou non attendu (true, false).",
    "date_from_datetime_parsing": "Date attendue (AAAA-MM-JJ).",
    "date_parsing": "Date attendue (AAAA-MM-JJ).",
    "datetime_parsing": "Date et heure attendues (AAAA-MM-JJTHH:MM:SS).",
    "string_pattern_mismatch": "Format non reconnu.",
    "literal_error": "Valeur non reconnue.",
    "enum": "Valeur non reconnue.",
    "json_invalid": "JSON illisible.",
    "extra_forbidden": "Champ inconnu.",
    "model_attributes_type": "Objet JSON attendu.",
    "dict_type": "Objet JSON attendu.",
    "list_type": "Liste attendue.",
    "string_type": "Texte attendu.",
}


def _refused(status: int) -> Any:
    async def answer(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=status)
    return answer

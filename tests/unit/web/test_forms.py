"""Refused fields come back beside their fields, with what was typed, and the API names them one by one."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from comptoir.errors import Conflict, FieldErrors
from comptoir.web.forms import HEADER, field_errors_detail, show_form, submit
from comptoir.web.rendering import templates

FIELD = """{% import "_forms.html" as forms %}{{ forms.error_summary(errors) }}
{{ forms.text_field("Poids (kg)", "weight_kg", values, errors, inputmode="decimal") }}"""


def page(**context: object) -> str:
    return templates.env.from_string(FIELD).render(**context)


def a_request() -> Request:
    return Request({"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""})


def answer(result: object) -> Response:
    return Response(str(result))


def refuse_weight() -> None:
    raise FieldErrors({"weight_kg": "Poids : plus de 0 kg et 350 kg au plus."})


def test_the_message_is_beside_its_field_and_tied_to_it() -> None:
    html = page(values={"weight_kg": "-5"}, errors={"weight_kg": "Poids : plus de 0 kg et 350 kg au plus."})

    assert 'value="-5"' in html
    assert 'aria-invalid="true" aria-describedby="weight_kg-erreur"' in html
    assert '<span class="field-error" id="weight_kg-erreur">Poids : plus de 0 kg et 350 kg au plus.</span>' in html
    assert "Un champ à corriger" in html


def test_a_field_without_error_is_neither_marked_nor_described() -> None:
    html = page(values={"weight_kg": "52,5"}, errors={})

    assert 'value="52,5"' in html
    assert "aria-invalid" not in html and "field-error" not in html and "alert" not in html


def test_what_was_typed_is_escaped_when_shown_again() -> None:
    html = page(values={"weight_kg": '"><script>'}, errors={"weight_kg": "Nombre attendu."})

    assert "<script>" not in html


def test_a_refused_action_renders_the_form_again_with_422_and_the_swap_header() -> None:
    refused = submit(refuse_weight, answer, a_request(), "_forms.html", {"weight_kg": "-5"})

    assert (refused.status_code, refused.headers[HEADER]) == (422, "1")


def test_a_refusal_of_the_whole_act_comes_back_on_the_form_with_its_own_status() -> None:
    def taken() -> None:
        raise Conflict("Déjà délivrée à un autre comptoir.")

    refused = submit(taken, answer, a_request(), "_forms.html", {})

    assert (refused.status_code, refused.headers[HEADER]) == (409, "1")


def test_an_accepted_action_gets_the_answer_made_of_its_result() -> None:
    done = submit(lambda: 42, answer, a_request(), "_forms.html", {})

    assert (done.status_code, done.body) == (200, b"42")


def test_a_form_shown_the_first_time_is_a_200_without_the_swap_header() -> None:
    shown = show_form(a_request(), "_forms.html", values={})

    assert shown.status_code == 200 and HEADER not in shown.headers


def test_the_api_names_each_refused_field_in_french() -> None:
    detail = field_errors_detail(FieldErrors({"egfr": "DFG : de 1 à 200 ml/min/1,73 m².", "weight_kg": "Poids ?"}))

    assert detail[0] == {"loc": ["body", "egfr"], "type": "value_error", "msg": "DFG : de 1 à 200 ml/min/1,73 m²."}
    assert [d["loc"][1] for d in detail] == ["egfr", "weight_kg"]

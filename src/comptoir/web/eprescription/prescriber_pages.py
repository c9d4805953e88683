"""Pages of the prescriber module: the dashboard of his ONs, the form that composes one, and an ON's
page (QR code, PDF, what was delivered when the patient agreed)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from comptoir.domain import bounds
from comptoir.domain.eprescription.prescribing import LinesRefused
from comptoir.domain.eprescription.prescription import NON_SUBSTITUTION_REASONS, LineKind
from comptoir.domain.operators import Permission
from comptoir.errors import ExternalServiceError, FieldErrors, RuleViolation
from comptoir.services.annuaire import profile as prescriber_profile
from comptoir.services.eprescription import prescriber as prescribing
from comptoir.services.eprescription.document import qr_png
from comptoir.services.eprescription.prescriber import LineInput, NewPatient, PrescriptionForm
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web.bounds import RecordId, RecordIdQuery, record_id_of, small_number_of
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.eprescription.api import PrescriberBaseDep
from comptoir.web.eprescription.pages import Fields, texts
from comptoir.web.forms import FORM, show_form
from comptoir.web.rendering import render

router = APIRouter(include_in_schema=False)
Prescriber = Annotated[CurrentOperator, Depends(require(Permission.PRESCRIBE))]
SearchText = Annotated[str, Query(max_length=bounds.NAME_MAX)]
LINES = 6
SEARCH = "rechercher"
REFUSED = "L'ordonnance n'est pas enregistrée : corrigez ce qui est signalé."


@router.get("/prescripteur", response_class=HTMLResponse)
def dashboard(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Prescriber,
              base: PrescriberBaseDep) -> HTMLResponse:
    found = prescribing.dashboard(uow=uow, operator=operator, base=base, now=runtime.clock())
    return render(request, "prescriber_dashboard.html", rows=found.rows, problem=found.problem, profile=found.profile)


@router.get("/prescripteur/nouvelle", response_class=HTMLResponse)
def new_form(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Prescriber,
             patient: RecordIdQuery = None) -> HTMLResponse:
    return _form(request, runtime, uow, operator, {"patient_id": str(patient or "")})


@router.get("/prescripteur/patients", response_class=HTMLResponse)
def patient_search(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Prescriber,
                   patient_q: SearchText = "", patient_id: SearchText = "") -> HTMLResponse:
    """The patients the typed text finds among the prescriber's own (HTMX, as he types); the one already
    chosen stays first."""
    context = prescribing.form_context(record_id_of(patient_id), patient_q, uow=uow, operator=operator,
                                       now=runtime.clock())
    return render(request, "prescriber_patient_results.html", found=context.found, chosen=context.chosen,
                  values={"patient_q": patient_q, "patient_id": patient_id}, errors={})


def _form(request: Request, runtime: RuntimeDep, uow: UowDep, operator: CurrentOperator, values: dict[str, str],
          errors: dict[str, str] | None = None,
          candidates: dict[int, tuple[tuple[str, str], ...]] | None = None) -> HTMLResponse:
    chosen = record_id_of(values.get("patient_id", ""))
    context = prescribing.form_context(chosen, values.get("patient_q", ""), uow=uow, operator=operator,
                                       now=runtime.clock())
    consent = context.consent
    return show_form(request, "prescriber_form.html", values=values, errors=errors, found=context.found,
                     chosen=context.chosen, lines=range(LINES), reasons=NON_SUBSTITUTION_REASONS, kinds=list(LineKind),
                     consent=consent, candidates=candidates or {},
                     consent_value=values.get("consent") or ("" if consent is None else "oui" if consent else "non"),
                     profile=context.profile)


@router.post("/prescripteur/nouvelle", response_model=None)
def create(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Prescriber, base: PrescriberBaseDep,
           form: Fields) -> Response:
    """Creates the ON; a refusal brings the form back as typed, each message beside its field (422). The
    "Rechercher" button (also the form's default one, for Entrée in a field) only searches the patients."""
    values = picked({k: v for k, v in texts(form).items() if not k.startswith("_")})
    if values.pop("action", "") == SEARCH:
        return _form(request, runtime, uow, operator, values)
    try:
        composed = form_from_fields(values)
        issued = prescribing.create_prescription(composed, uow=uow, operator=operator, base=base,
                                                 references=runtime.analysis_reference, now=runtime.clock())
    except LinesRefused as refused:
        rows = rows_of(values)
        errors = refused.messages(lambda p: f"{p.field}_{rows[p.position]}")
        candidates = {rows[p.position]: p.candidates for p in refused.problems if p.candidates}
        return _form(request, runtime, uow, operator, values, {FORM: REFUSED, **errors}, candidates)
    except FieldErrors as refused:
        return _form(request, runtime, uow, operator, values, {FORM: REFUSED, **refused.errors})
    except RuleViolation as exc:
        return _form(request, runtime, uow, operator, values, {FORM: str(exc)})
    return RedirectResponse(f"/prescripteur/ordonnances/{issued.id}", status_code=303)


def picked(values: dict[str, str]) -> dict[str, str]:
    """A product picked among a line's choices ("CIS name") becomes the line's text, its CIS kept beside."""
    for n in range(LINES):
        cis, _, name = values.pop(f"pick_{n}", "").partition(" ")
        if cis.isdigit() and name.strip():
            values[f"text_{n}"], values[f"cis_{n}"] = name.strip(), cis
    return values


def rows_of(fields: dict[str, str]) -> list[int]:
    """The form's rows holding a product, in order: the n-th line given to the use case is row rows[n]."""
    return [n for n in range(LINES) if fields.get(f"text_{n}", "").strip()]


def form_from_fields(fields: dict[str, str]) -> PrescriptionForm:
    """The form as the use case takes it; a field that is not what it should be is refused beside itself."""
    errors: dict[str, str] = {}
    chosen = record_id_of(fields.get("patient_id", ""))
    typed = _typed_patient(fields, errors) if chosen is None else None
    if chosen is None and typed is None and "new_birth_date" not in errors:
        errors[FORM] = "Choisissez un de vos patients ou saisissez l'identité d'un nouveau patient."
    consent = {"oui": True, "non": False}.get(fields.get("consent", ""))
    lines = tuple(_line(fields, n, errors) for n in rows_of(fields))
    if not lines:
        errors["text_0"] = "Saisissez au moins une ligne."
    if errors:
        raise FieldErrors(errors)
    return PrescriptionForm(chosen, lines, consent, fields.get("comment", ""), new_patient=typed)


def _typed_patient(fields: dict[str, str], errors: dict[str, str]) -> NewPatient | None:
    names = [fields.get(k, "").strip() for k in ("new_last_name", "new_first_name", "new_birth_date", "new_sex")]
    if not any(names):
        return None
    try:
        born = date.fromisoformat(names[2])
    except ValueError:
        errors["new_birth_date"] = "Date de naissance invalide (AAAA-MM-JJ)."
        return None
    return NewPatient(names[0], names[1], born, names[3])


def _line(fields: dict[str, str], n: int, errors: dict[str, str]) -> LineInput:
    duration = _count(fields, f"duration_{n}", bounds.DURATION_DAYS_MAX, "Durée en jours", errors)
    renewals = _count(fields, f"renewals_{n}", bounds.RENEWALS_MAX, "Renouvellements", errors)
    kind = fields.get(f"kind_{n}") or LineKind.MEDICINE.value
    if kind not in {k.value for k in LineKind}:
        errors[f"kind_{n}"] = "Type de produit inconnu."
        kind = LineKind.MEDICINE.value
    return LineInput(text=fields[f"text_{n}"].strip(), posology=fields.get(f"posology_{n}", "").strip(),
                     duration_days=duration or None, renewals=renewals, kind=LineKind(kind),
                     substitutable=fields.get(f"ns_{n}") != "on", reason=fields.get(f"reason_{n}") or None,
                     ald=fields.get(f"ald_{n}") == "on", outside_on=fields.get(f"outside_{n}") == "on",
                     cis=fields.get(f"cis_{n}") or None)


def _count(fields: dict[str, str], name: str, at_most: int, what: str, errors: dict[str, str]) -> int:
    try:
        return small_number_of(fields.get(name, ""), at_most=at_most, what=what)
    except RuleViolation as exc:
        errors[name] = str(exc)
        return 0


@router.get("/prescripteur/ordonnances/{issued_id}", response_class=HTMLResponse)
def issued_page(request: Request, issued_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Prescriber,
                base: PrescriberBaseDep) -> HTMLResponse:
    issued = prescribing.issued_one(issued_id, uow=uow, operator=operator, now=runtime.clock())
    try:
        view = prescribing.deliveries_seen(issued, uow=uow, operator=operator, base=base, now=runtime.clock())
        problem = ""
    except ExternalServiceError as exc:
        view, problem = None, str(exc)
    return render(request, "prescriber_issued.html", issued=issued, view=view, problem=problem)


@router.get("/prescripteur/ordonnances/{issued_id}/ordonnance.pdf", response_class=Response)
def issued_pdf(issued_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Prescriber) -> Response:
    document = prescribing.issued_pdf(issued_id, uow=uow, operator=operator, now=runtime.clock())
    return Response(document, media_type="application/pdf")


@router.get("/prescripteur/ordonnances/{issued_id}/qr.png", response_class=Response)
def issued_qr(issued_id: RecordId, runtime: RuntimeDep, uow: UowDep, operator: Prescriber) -> Response:
    issued = prescribing.issued_one(issued_id, uow=uow, operator=operator, now=runtime.clock())
    return Response(qr_png(issued.qr_payload), media_type="image/png") if issued.qr_payload else Response(
        status_code=404)


ANNUAIRE = "annuaire"


@router.get("/prescripteur/profil", response_class=HTMLResponse)
def profile_page(request: Request, uow: UowDep, operator: Prescriber) -> HTMLResponse:
    """The prescriber's own data, with « Remplir depuis l'Annuaire Santé »."""
    return show_form(request, "prescriber_profile.html", values=prescriber_profile.profile_values(uow=uow,
                                                                                                 operator=operator))


@router.post("/prescripteur/profil", response_model=None)
def profile_save(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Prescriber, form: Fields) -> Response:
    """« Remplir depuis l'Annuaire Santé » brings the form back filled (nothing saved); « Enregistrer » saves."""
    typed = texts(form)
    values = {name: typed.get(name, "") for name in prescriber_profile.FIELDS}
    page = "prescriber_profile.html"
    if typed.get("action") == ANNUAIRE:
        try:
            filled = prescriber_profile.fill_from_annuaire(values, operator=operator)
        except FieldErrors as refused:
            return show_form(request, page, values=values, errors=refused.errors)
        except RuleViolation as exc:
            return show_form(request, page, values=values, errors={FORM: str(exc)})
        except ExternalServiceError as exc:
            return show_form(request, page, values=values, errors={FORM: str(exc)}, status_code=503)
        return show_form(request, page, values=filled.values, notice=filled.notice)
    try:
        prescriber_profile.save_profile(values, uow=uow, operator=operator, now=runtime.clock())
    except FieldErrors as refused:
        return show_form(request, page, values=values, errors=refused.errors)
    return RedirectResponse("/prescripteur", status_code=303)


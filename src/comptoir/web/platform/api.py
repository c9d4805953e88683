"""The JSON API under /api (OpenAPI at /api/docs). Thin: parse, call one service, render."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from comptoir.domain.operators import Permission, Role
from comptoir.services.identity import patients
from comptoir.services.platform import audit_log, operators
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.refdata import drugs
from comptoir.services.refdata import status as refdata_status
from comptoir.web.deps import SESSION_COOKIE, RuntimeDep, SessionDep, require

router = APIRouter(prefix="/api")


class LoginIn(BaseModel):
    code: str
    password: str
    workstation: str | None = None


class SessionOut(BaseModel):
    token: str
    operator: str
    role: Role


@router.post("/session", response_model=SessionOut, tags=["opérateurs"])
def open_session(body: LoginIn, runtime: RuntimeDep, response: Response) -> SessionOut:
    """Log in with operator code and password; sets the session cookie and returns the token."""
    settings = runtime.settings
    token = operators.log_in(runtime.session_factory, code=body.code, password=body.password,
                             workstation=body.workstation or settings.workstation, now=runtime.clock(),
                             free_failures=settings.login_free_failures, session_hours=settings.session_hours)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict")
    return SessionOut(token=token, operator=body.code.strip(), role=_role_of(runtime, token))


def _role_of(runtime: RuntimeDep, token: str) -> Role:
    with runtime.session_factory() as session:
        operator = operators.operator_for_token(session, token, now=runtime.clock())
        assert operator is not None
        return operator.role


@router.delete("/session", status_code=204, tags=["opérateurs"])
def close_session(request: Request, session: SessionDep,
                  operator: Annotated[CurrentOperator, Depends(require(Permission.SEARCH_DRUGS))]) -> Response:
    """Log out: the server forgets the session."""
    token = request.cookies.get(SESSION_COOKIE) or request.headers.get("authorization", "")[7:]
    operators.log_out(session, token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


class DrugOut(BaseModel):
    cis: str
    name: str
    substances: list[str]
    cip13: list[str]


@router.get("/drugs", response_model=list[DrugOut], tags=["médicaments"])
def search_drugs(
    runtime: RuntimeDep, session: SessionDep,
    _: Annotated[CurrentOperator, Depends(require(Permission.SEARCH_DRUGS))],
    q: Annotated[str, Query(min_length=1, max_length=200)], limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[DrugOut]:
    """Search the drug reference by brand, DCI, CIP13, CIP7 or CIS; best first."""
    index = runtime.drug_index.get(session)
    return [DrugOut(**hit.contract()) for hit in drugs.search_drugs(index, q, limit=limit)]  # type: ignore[arg-type]


@router.get("/drugs/{cis}", tags=["médicaments"])
def drug_sheet(cis: str, session: SessionDep,
               _: Annotated[CurrentOperator, Depends(require(Permission.SEARCH_DRUGS))]) -> dict[str, object]:
    """The product sheet of one specialty."""
    sheet = drugs.drug_sheet(session, cis)
    spec = sheet.specialty
    return {
        "cis": spec.cis, "name": spec.name, "form": spec.form, "routes": spec.routes.split(";"),
        "status": spec.amm_status, "marketing": spec.marketing_status, "atc": spec.atc_code,
        "composition": [{"substance": c.substance_name, "dosage": c.dosage, "reference": c.dosage_reference,
                         "nature": c.nature} for c in sheet.compositions],
        "presentations": [{"cip13": p.cip13, "cip7": p.cip7, "label": p.label,
                           "price_eur": str(p.price_eur) if p.price_eur is not None else None,
                           "reimbursement_rate": p.reimbursement_rate, "marketed": p.marketed}
                          for p in sheet.presentations],
        "generic_groups": [{"id": g.id, "label": g.label, "kind": drugs.GENERIC_KINDS.get(kind, str(kind))}
                           for g, kind, _ in sheet.generic_groups],
        "prescription_conditions": sheet.conditions,
        "smr": [{"date": o.opinion_date.isoformat() if o.opinion_date else None, "value": o.value}
                for o in sheet.opinions if o.kind == "SMR"],
        "availability": [{"status": a.status_label, "since": a.started.isoformat() if a.started else None}
                         for a in sheet.availability],
    }


@router.get("/refdata/status", tags=["médicaments"])
def refdata_state(session: SessionDep,
                  _: Annotated[CurrentOperator, Depends(require(Permission.SEARCH_DRUGS))]) -> dict[str, object]:
    """Which reference is loaded: sources, dates, counts, thesaurus coverage."""
    return refdata_status.reference_status(session).as_json()


class PatientIn(BaseModel):
    last_name: str = Field(min_length=1)
    first_name: str = Field(min_length=1)
    birth_date: date
    sex: str = Field(pattern="^[FM]$")
    allergies: list[str] = []
    nir: str | None = None
    birth_name: str | None = None
    birth_given_names: str | None = None
    birth_place: str | None = None


class PatientOut(BaseModel):
    id: int
    last_name: str
    first_name: str
    birth_date: date
    sex: str
    allergies: list[str]


def _patient_out(p: object) -> PatientOut:
    return PatientOut.model_validate(p, from_attributes=True)


@router.get("/patients", response_model=list[PatientOut], tags=["patients"])
def find_patients(runtime: RuntimeDep, session: SessionDep, q: Annotated[str, Query(min_length=1)],
                  operator: Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]) -> list[PatientOut]:
    """Search patients by name (audited)."""
    return [_patient_out(p) for p in patients.find_patients(session, operator, q, now=runtime.clock())]


@router.get("/patients/{patient_id}", response_model=PatientOut, tags=["patients"])
def read_patient(patient_id: int, runtime: RuntimeDep, session: SessionDep,
                 operator: Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]) -> PatientOut:
    """One patient record (audited)."""
    return _patient_out(patients.read_patient(session, operator, patient_id, now=runtime.clock()))


@router.post("/patients", response_model=PatientOut, status_code=201, tags=["patients"])
def create_patient(body: PatientIn, runtime: RuntimeDep, session: SessionDep,
                   operator: Annotated[CurrentOperator, Depends(require(Permission.WRITE_PATIENTS))]) -> PatientOut:
    """Create a patient record (audited): a provisional identity; a typed NIR must be valid and agree with it."""
    new = patients.NewPatient(body.last_name, body.first_name, body.birth_date, body.sex, nir=body.nir,
                              allergies=tuple(body.allergies), birth_name=body.birth_name,
                              birth_given_names=body.birth_given_names, birth_place=body.birth_place)
    return _patient_out(patients.create_patient(session, operator, new, now=runtime.clock()))


class OperatorIn(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    display_name: str = Field(min_length=1)
    role: Role
    password: str = Field(min_length=8)
    rpps: str | None = None


class OperatorOut(BaseModel):
    code: str
    display_name: str
    role: Role
    active: bool


@router.get("/operators", response_model=list[OperatorOut], tags=["opérateurs"])
def list_operators(session: SessionDep,
                   _: Annotated[CurrentOperator, Depends(require(Permission.MANAGE_OPERATORS))]) -> list[OperatorOut]:
    """The pharmacy's operators."""
    return [OperatorOut.model_validate(o, from_attributes=True) for o in operators.list_operators(session)]


@router.post("/operators", response_model=OperatorOut, status_code=201, tags=["opérateurs"])
def create_operator(body: OperatorIn, runtime: RuntimeDep, session: SessionDep,
                    _: Annotated[CurrentOperator, Depends(require(Permission.MANAGE_OPERATORS))]) -> OperatorOut:
    """Create an operator account (titulaire or administrator only)."""
    created = operators.create_operator(session, code=body.code, display_name=body.display_name, role=body.role,
                                        password=body.password, now=runtime.clock(), rpps=body.rpps)
    return OperatorOut.model_validate(created, from_attributes=True)


@router.get("/audit", tags=["journal"])
def read_audit(runtime: RuntimeDep, session: SessionDep,
               operator: Annotated[CurrentOperator, Depends(require(Permission.READ_AUDIT))],
               limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, object]]:
    """The latest entries of the audit trail (who, when, what, which workstation); this read is recorded too."""
    actor = audit_log.Actor(operator.code, operator.workstation)
    return [{"seq": e.seq, "at": e.at.isoformat(), "operator": e.operator_code, "workstation": e.workstation,
             "action": e.action, "object_type": e.object_type, "object_id": e.object_id, "detail": e.detail}
            for e in audit_log.read_trail(session, actor, limit=limit, now=runtime.clock())]


@router.get("/audit/verify", tags=["journal"])
def verify_audit(session: SessionDep,
                 _: Annotated[CurrentOperator, Depends(require(Permission.READ_AUDIT))]) -> dict[str, object]:
    """Recompute the audit trail's hash chain."""
    check = audit_log.verify(session)
    return {"intact": check.intact, "entries": check.entries, "first_broken_seq": check.first_broken_seq,
            "reason": check.reason}

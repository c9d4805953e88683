"""Use case: analyse a prescription (JSON case of DESIGN.md) against the patient and the reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from comptoir.analysis.case import Case, HistoryItem, PatientProfile, PrescribedLine, Prescriber
from comptoir.analysis.engine import Analysis, analyse
from comptoir.analysis.reference import AnalysisReference
from comptoir.domain.operators import Permission
from comptoir.errors import RuleViolation
from comptoir.services.analysis.reference import AnalysisReferenceCache
from comptoir.services.identity import patients
from comptoir.services.identity.profile import analysis_profile
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator

if TYPE_CHECKING:

    from comptoir.services.platform.unit_of_work import UnitOfWork


def parse_case(data: Any) -> Case:
    """A case from its JSON form; a clear French error for anything malformed."""
    if not isinstance(data, dict):
        raise RuleViolation("Le cas à analyser doit être un objet JSON.")
    try:
        return Case(
            today=_date(data.get("today"), "today") or date.today(),
            patient=_patient(data.get("patient") or {}),
            lines=tuple(_line(item) for item in data.get("lines") or []),
            history=tuple(_history(item) for item in data.get("history") or []),
            prescriber=Prescriber(rpps=str((data.get("prescriber") or {}).get("rpps") or "") or None),
            history_window_days=int(_number(data.get("history_window_days"), "history_window_days") or 365),
        )
    except (TypeError, AttributeError) as exc:
        raise RuleViolation(f"Cas mal formé : {exc}") from exc


class InvalidField(RuleViolation):
    """A field of the case that is not what it should be: `field` is its name in the case (the CLI's and
    the API's word), `expected` says in French what it should hold, for a page to show beside the field."""

    def __init__(self, message: str, *, field: str, expected: str) -> None:
        super().__init__(message)
        self.field, self.expected = field, expected


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidField(f"Date invalide pour « {field} » : {value!r} (attendu AAAA-MM-JJ).", field=field,
                           expected="date attendue (jj/mm/aaaa)") from exc


def _number(value: Any, field: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        # A number typed at the counter may carry a decimal comma ("52,5"), as French writes it.
        return float(value.replace(",", ".") if isinstance(value, str) else value)
    except (TypeError, ValueError) as exc:
        raise InvalidField(f"Nombre invalide pour « {field} » : {value!r}.", field=field,
                           expected="nombre attendu") from exc


def _patient(data: dict[str, Any]) -> PatientProfile:
    weeks = _number(data.get("pregnancy_weeks"), "pregnancy_weeks")
    return PatientProfile(
        birth_date=_date(data.get("birth_date"), "birth_date"),
        sex=data.get("sex"),
        pregnant=bool(data.get("pregnant")),
        pregnancy_weeks=int(weeks) if weeks is not None else None,
        breastfeeding=bool(data.get("breastfeeding")),
        allergies=tuple(str(a) for a in data.get("allergies") or []),
        weight_kg=_number(data.get("weight_kg"), "weight_kg"),
        egfr=_number(data.get("egfr"), "egfr"),
    )


def _line(item: Any) -> PrescribedLine:
    if not isinstance(item, dict) or not str(item.get("drug") or "").strip():
        raise RuleViolation("Chaque ligne doit avoir un champ « drug » non vide.")
    return PrescribedLine(drug=str(item["drug"]).strip(), posology=str(item.get("posology") or ""))


def _history(item: Any) -> HistoryItem:
    if not isinstance(item, dict) or not str(item.get("drug") or "").strip():
        raise RuleViolation("Chaque élément d'historique doit avoir un champ « drug » non vide.")
    dispensed = _date(item.get("date"), "history.date")
    if dispensed is None:
        raise RuleViolation(f"Élément d'historique sans date : {item.get('drug')}.")
    duration = _number(item.get("duration_days"), "history.duration_days")
    return HistoryItem(drug=str(item["drug"]).strip(), dispensed_on=dispensed,
                       duration_days=int(duration) if duration is not None else None)


def analyse_data(data: Any, reference: AnalysisReference) -> Analysis:
    return analyse(parse_case(data), reference)


def analyse_prescription(data: Any, *, uow: UnitOfWork, operator: CurrentOperator,
                         analysis_reference: AnalysisReferenceCache, now: datetime,
                         patient_id: int | None = None) -> Analysis:
    """An analysis at the counter: health data, so a role that may read patients, and an audit entry."""
    with uow:
        analysis = audited_analysis(data, uow=uow, operator=operator, reference=analysis_reference.get(uow.reference),
                                    now=now, patient_id=patient_id)
        uow.commit()
        return analysis


def audited_analysis(data: Any, *, uow: UnitOfWork, operator: CurrentOperator, reference: AnalysisReference,
                     now: datetime, patient_id: int | None = None) -> Analysis:
    """The analysis and its audit entry inside the caller's unit of work (which commits)."""
    operator.require(Permission.READ_PATIENTS)
    analysis = analyse_data(data, reference)
    audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="analysis",
          object_id=str(patient_id) if patient_id else "sans dossier", detail=f"{len(analysis.findings)} alerte(s)",
          now=now)
    return analysis


@dataclass(frozen=True, slots=True)
class PatientForAnalysis:
    """What the analysis form is filled with from the patient's file."""

    name: str
    birth_date: date
    sex: str
    allergies: tuple[str, ...]
    history: tuple[tuple[datetime, str], ...]
    """(when, drug) of the last year's dispensed lines, latest first."""
    profile: PatientProfile
    """The record's profile on the day (pregnancy and its term, breastfeeding, weight, eGFR, allergies)."""


HISTORY_LINES = 60


def patient_for_analysis(patient_id: int, *, uow: UnitOfWork, operator: CurrentOperator,
                         now: datetime) -> PatientForAnalysis:
    """The patient's profile and last year's dispensations, to analyse a prescription against (audited)."""
    operator.require(Permission.READ_PATIENTS)
    with uow:
        record = patients.read(uow, operator, patient_id, now=now)
        history = uow.dispensations.history_of(patient_id, since=now - timedelta(days=365), limit=HISTORY_LINES)
        form = PatientForAnalysis(f"{record.last_name} {record.first_name}", record.birth_date, record.sex,
                                  tuple(record.allergies or ()), tuple(history),
                                  analysis_profile(record, now.date()))
        uow.commit()
        return form

"""Use case: a pharmacist decides on an alert of the basket — an SFPC intervention (refusal, call to the
prescriber, change of product or dose: SPEC §13) or an override with its reason. A pharmacist's act
(CSP L.4241-1): a préparateur or a student hands the basket over instead.

    decide(basket_id, alert_key, DecisionInput, *, uow, operator, now, reference) -> BasketView

The decision is kept under the alert's key (services/dispensing/alerts.alert_key): the basket may change, the
decision stays with its alert; deciding again on the same alert replaces it. Validation copies the decisions
of the alerts still present to the dispensation (store/dispensing.AnalysisDecision).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.analysis.findings import Finding
from comptoir.domain import bounds
from comptoir.domain.interventions import INTERVENTIONS, OUTCOMES, PROBLEMS, suggested_problem
from comptoir.domain.operators import Permission
from comptoir.errors import FieldErrors
from comptoir.services.dispensing import alerts, present
from comptoir.services.dispensing.basket import References, modifiable, touch
from comptoir.services.dispensing.views import AlertView, BasketView, DecisionInput
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.counter import BasketDecision

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


def decide(basket_id: int, alert_key: str, given: DecisionInput, *, uow: UnitOfWork, operator: CurrentOperator,
           now: datetime, reference: References) -> BasketView:
    operator.require(Permission.PHARMACIST_ACT)
    with uow:
        analysis_reference = reference.get(uow.reference)
        row = modifiable(uow, basket_id, operator)
        assessment = present.assess(uow, row, analysis_reference, now)
        finding = alerts.findings_by_key(assessment.analysis).get(alert_key)
        if finding is None:
            raise FieldErrors({"alert_key": "Cette alerte n'est plus d'actualité : le panier a changé, revoyez-le."})
        shown = next(alert for alert in assessment.alerts if alert.key == alert_key)
        _record(uow, row.id, shown, finding, checked(given, finding), operator, now)
        touch(row, operator, now)
        audit(uow, Actor(operator.code, operator.workstation), action="write", object_type="basket",
              object_id=str(row.id), detail=f"décision {given.kind} {finding.kind} {finding.level.name} "
                                            f"patient={row.patient_id or '-'}", now=now)
        view = present.view_of(uow, present.redecided(assessment, uow), operator,
                               analysis_reference, now.date())
        uow.commit()
    return view


def checked(given: DecisionInput, finding: Finding) -> DecisionInput:
    """The decision as recorded: an intervention's problem defaults to the one the alert suggests."""
    reason = given.reason.strip()
    errors = {}
    if len(reason) > bounds.NOTE_MAX:
        errors["reason"] = f"Texte trop long : {bounds.NOTE_MAX} caractères au plus."
    if given.kind == "override":
        if not reason:
            errors["reason"] = "Donnez la raison de délivrer malgré l'alerte."
        _raise(errors)
        return DecisionInput("override", reason)
    if given.kind != "intervention":
        raise FieldErrors({"kind": "Décision inconnue : intervention pharmaceutique ou délivrance maintenue."})
    problem = given.problem_code or suggested_problem(finding.kind, finding.level.name)
    if problem not in PROBLEMS:
        errors["problem_code"] = "Choisissez le problème détecté (classification SFPC)."
    if given.intervention_code not in INTERVENTIONS:
        errors["intervention_code"] = "Choisissez l'intervention (arrêt, substitution, adaptation posologique…)."
    if given.outcome is not None and given.outcome not in OUTCOMES:
        errors["outcome"] = "Devenir : acceptée ou non acceptée par le prescripteur."
    _raise(errors)
    return DecisionInput("intervention", reason, problem, given.intervention_code, given.outcome)


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise FieldErrors(errors)


def _record(uow: UnitOfWork, basket_id: int, alert: AlertView, finding: Finding, given: DecisionInput,
            operator: CurrentOperator, now: datetime) -> None:
    row = next((d for d in uow.baskets.decisions(basket_id) if d.alert_key == alert.key), None)
    if row is None:
        row = BasketDecision(basket_id=basket_id, alert_key=alert.key)
        uow.baskets.add_decision(_filled(row, alert, finding, given, operator, now))
    else:
        _filled(row, alert, finding, given, operator, now)


def _filled(row: BasketDecision, alert: AlertView, finding: Finding, given: DecisionInput, operator: CurrentOperator,
            now: datetime) -> BasketDecision:
    """The decision with the alert as the pharmacist saw it (products by name and DCI)."""
    row.kind, row.finding_kind, row.finding_level = given.kind, finding.kind, finding.level.name
    row.message, row.drugs = alert.message, [product.label for product in alert.products]
    row.substances = list(finding.substances)
    row.problem_code, row.intervention_code, row.outcome_code = given.problem_code, given.intervention_code, \
        given.outcome
    row.reason, row.operator_code, row.workstation, row.at = given.reason, operator.code, operator.workstation, now
    return row

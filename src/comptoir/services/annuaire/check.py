"""The counter's prescriber check: the RPPS of the current prescription (read from the ON, typed or read from
the paper) against the Annuaire Santé, as findings beside the analysis's own.

| What the Annuaire says | Finding | Blocks the validation? |
|---|---|---|
| no professional of this RPPS | « Prescripteur inconnu de l'Annuaire Santé » (fraud, PE) | yes: a pharmacist decides |
| the professional is struck off (`active = false`) | « Prescripteur radié » (fraud, CI) | yes |
| a profession that prescribes no medicine (pharmacien, orthophoniste…) | fraud, ASDEC | yes |
| the Annuaire is down, slow or refuses us | « Annuaire Santé indisponible : prescripteur non vérifié » (APEC) | no |

The three first are signals of a false prescription (ASAFO, SPEC §11.2): like the analysis's other fraud
signals, they hold the validation until a pharmacist records an intervention (called the prescriber…) or
maintains the delivery with its reason. The Annuaire down must not stop the counter, nor stay silent: an
information the pharmacist sees. An RPPS whose key is wrong is the analysis's own finding (analysis/fraud.py):
the Annuaire is not asked about it.
"""

from __future__ import annotations

from dataclasses import replace

from stdnum import luhn

from comptoir.analysis.engine import Analysis
from comptoir.analysis.findings import Finding, Level
from comptoir.errors import ExternalServiceError
from comptoir.national.annuaire.port import PROFESSIONS
from comptoir.services.annuaire.directory import installed

KIND_UNVERIFIED = "annuaire"
SOURCE = "Annuaire Santé (ANS) : RPPS, profession et situation d'exercice du prescripteur"


def prescriber_findings(rpps: str | None) -> list[Finding]:
    """What the Annuaire says of this prescriber, as findings (none when he is a practising prescriber, or when
    this process has no Annuaire)."""
    directory = installed()
    wanted = (rpps or "").replace(" ", "")
    if directory is None or not (len(wanted) == 11 and wanted.isdigit() and luhn.is_valid(wanted)):
        return []
    answer = directory.lookup(wanted)
    if answer.failure:
        return [_finding(KIND_UNVERIFIED, Level.APEC, f"Annuaire Santé indisponible : prescripteur non vérifié "
                                                      f"(RPPS {wanted}). Vérifiez-le à la reprise du service.")]
    found = answer.found
    if found is None:
        return [_finding("fraud", Level.PE, f"Prescripteur inconnu de l'Annuaire Santé (RPPS {wanted}) : "
                                            "vérifiez l'ordonnance et le prescripteur avant de délivrer.")]
    who = f"{found.given_name} {found.family_name} (RPPS {wanted})"
    if not found.active:
        return [_finding("fraud", Level.CI, f"Prescripteur radié : {who} n'exerce plus selon l'Annuaire Santé ; "
                                            "une ordonnance datée d'après sa radiation n'est pas valable.")]
    if not found.prescribes:
        profession = (found.profession_label or PROFESSIONS.get(found.profession, found.profession)).lower()
        return [_finding("fraud", Level.ASDEC, f"Prescripteur non habilité : {who} est {profession} selon "
                                               "l'Annuaire Santé, profession qui ne prescrit pas de médicaments.")]
    return []


def _finding(kind: str, level: Level, message: str) -> Finding:
    return Finding(kind=kind, level=level, drugs=(), substances=(), message=message, source=SOURCE)


def with_prescriber_check(analysis: Analysis, rpps: str | None) -> Analysis:
    """The analysis and the Annuaire's findings on its prescriber."""
    found = prescriber_findings(rpps)
    return replace(analysis, findings=[*analysis.findings, *found]) if found else analysis


def mssante_addresses(rpps: str) -> tuple[str, ...]:
    """The professional's personal MSSanté addresses (those of the Practitioner, then of each active place of
    practice); none when the Annuaire does not know him, has him struck off, or is not configured. Raises
    `ExternalServiceError` when the Annuaire cannot be asked (the caller says so, rather than sending nowhere)."""
    directory = installed()
    if directory is None:
        return ()
    answer = directory.lookup(rpps)
    if answer.failure:
        raise ExternalServiceError(answer.failure, permanent=False)
    return answer.found.all_mailboxes if answer.found and answer.found.active else ()

"""The avis pharmaceutique for the prescriber: the SFPC problem and intervention of each alert, the products
by name and DCI, the parties; from the basket's own data or from a dispensation's recorded interventions."""

from __future__ import annotations

import shutil
import subprocess
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from comptoir.errors import NotFound, PermissionDenied, RuleViolation
from comptoir.services.dispensing.avis import (
    AvisAlert,
    AvisInput,
    AvisPatient,
    AvisPharmacy,
    AvisProduct,
    AvisProfessional,
    avis_pdf,
    dispensation_avis,
)
from comptoir.services.platform.runtime import Runtime
from comptoir.store.dispensing import AnalysisDecision
from tests.integration.dispensing.builders import dispensation, operator, pharmacy

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")


def text_of(document: bytes, tmp_path: Path) -> str:
    (tmp_path / "avis.pdf").write_bytes(document)
    return subprocess.run(["pdftotext", str(tmp_path / "avis.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout


def avis(*alerts: AvisAlert) -> AvisInput:
    pharmacy = AvisPharmacy("Pharmacie de la Croix-Rousse", "8 place de la Croix-Rousse, 69004 Lyon", "690004569")
    return AvisInput(pharmacy,
                     AvisProfessional("Thomas FAURE", "10005551238"), AvisProfessional("Dr Julie BLANC", "10002223336"),
                     AvisPatient("LEMAIRE Anne", date(1968, 6, 2)), date(2026, 2, 19), alerts,
                     comment="Patiente informée ; je reste joignable au comptoir.")


def test_the_avis_names_the_products_by_name_and_dci_and_the_sfpc_labels(tmp_path: Path) -> None:
    alert = AvisAlert("6.3", "3", (AvisProduct("SINTROM 4 mg", "acénocoumarol"), AvisProduct("ASPIRINE 500 mg",
                                                                                          "acide acétylsalicylique")),
                      finding="Association déconseillée : risque hémorragique.", comment="Proposer le paracétamol.")

    text = text_of(avis_pdf(avis(alert)), tmp_path)

    assert "Avis pharmaceutique" in text
    assert "SINTROM 4 mg (acénocoumarol)" in text and "ASPIRINE 500 mg (acide acétylsalicylique)" in text
    assert "Interaction médicamenteuse : association déconseillée" in text
    assert "Substitution / échange" in text
    assert "Dr Julie BLANC" in text and "RPPS 10002223336" in text and "FINESS 690004569" in text
    assert "LEMAIRE Anne, né(e) le 02/06/1968" in text and "Proposer le paracétamol." in text
    assert "Patiente informée" in text and "Thomas FAURE — RPPS 10005551238" in text


def test_an_unknown_sfpc_code_or_an_avis_without_alert_is_refused() -> None:
    with pytest.raises(RuleViolation, match="Code problème SFPC inconnu"):
        avis_pdf(avis(AvisAlert("42", "3", ())))
    with pytest.raises(RuleViolation, match="aucune intervention"):
        avis_pdf(avis())


def decided(runtime: Runtime, dispensation_id: int, patient_id: int, **codes: str | None) -> None:
    with runtime.session_factory.begin() as session:
        session.add(AnalysisDecision(at=runtime.clock(), operator_code="PH01", patient_id=patient_id,
                                     dispensation_id=dispensation_id, decision="intervention",
                                     finding_kind="dose", finding_level="PE", drugs=["METFORMINE 850 mg cp"],
                                     substances=["metformine"], message="Dose à adapter au DFG (35 ml/min).",
                                     comment="Réduire à 500 mg deux fois par jour.", **codes))


def test_the_avis_of_a_dispensation_comes_from_its_recorded_interventions(runtime: Runtime, tmp_path: Path) -> None:
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("METFORMINE 850 mg cp", None))
    decided(runtime, done, patient_id, problem_code="4.1", intervention_code="7")

    with closing(runtime.unit_of_work()) as uow:
        text = text_of(dispensation_avis(done, uow=uow, operator=operator(runtime), now=runtime.clock()), tmp_path)

    assert "METFORMINE 850 mg cp (metformine)" in text
    assert "Surdosage : posologie suprathérapeutique" in text and "Adaptation posologique" in text
    assert "Pharmacie de la Croix-Rousse" in text and "LEMAIRE Anne" in text
    assert "Réduire à 500 mg deux fois par jour." in text


def test_a_dispensation_without_intervention_has_no_avis(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("METFORMINE 850 mg cp", None))
    decided(runtime, done, patient_id, problem_code=None, intervention_code=None)

    with closing(runtime.unit_of_work()) as uow, pytest.raises(NotFound, match="Aucune intervention"):
        dispensation_avis(done, uow=uow, operator=operator(runtime), now=runtime.clock())


def test_the_technical_administrator_may_not_print_an_avis(runtime: Runtime) -> None:
    patient_id = pharmacy(runtime)
    done = dispensation(runtime, patient_id, ("METFORMINE 850 mg cp", None))
    decided(runtime, done, patient_id, problem_code="4.1", intervention_code="7")

    with closing(runtime.unit_of_work()) as uow, pytest.raises(PermissionDenied):
        dispensation_avis(done, uow=uow, operator=operator(runtime, "ADM"), now=runtime.clock())

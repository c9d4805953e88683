"""The two real prescriptions of ../shared/examples give the findings their README describes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from comptoir.analysis.reference import AnalysisReference
from comptoir.services.analysis.analyse import analyse_data

EXAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "examples"


def findings_of(name: str, reference: AnalysisReference) -> list[dict[str, Any]]:
    case = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return analyse_data(case, reference).contract()["findings"]  # type: ignore[return-value]


def interaction(findings: list[dict[str, Any]], *substances: str) -> dict[str, Any] | None:
    return next((f for f in findings if f["kind"] == "interaction"
                 and all(any(s in name for name in f["substances"]) for s in substances)), None)


def test_bocrie_hydroxyzine_with_escitalopram_is_a_contraindication(analysis_reference: AnalysisReference) -> None:
    findings = findings_of("counter_case_bocrie.json", analysis_reference)

    found = interaction(findings, "hydroxyzine", "escitalopram")

    assert found is not None and found["level"] == "CI"
    assert "torsades de pointes" in found["message"]
    assert "ANSM" in found["source"] and "15/09/2023" in found["source"]
    assert findings[0] == found


def test_bocrie_hydrochlorothiazide_adds_a_torsades_precaution(analysis_reference: AnalysisReference) -> None:
    findings = findings_of("counter_case_bocrie.json", analysis_reference)

    for partner in ("hydroxyzine", "escitalopram"):
        found = interaction(findings, "hydrochlorothiazide", partner)
        assert found is not None and found["level"] == "PE"
        assert "hypokaliémie" in found["message"]


def test_bocrie_oral_amphotericin_is_not_taken_for_a_hypokalaemic_drug(analysis_reference: AnalysisReference) -> None:
    findings = findings_of("counter_case_bocrie.json", analysis_reference)

    assert not any("amphotéricine" in " ".join(f["substances"]) for f in findings if f["kind"] == "interaction")


def test_bocrie_the_injectable_used_as_a_mouthwash_is_pointed_out(analysis_reference: AnalysisReference) -> None:
    findings = findings_of("counter_case_bocrie.json", analysis_reference)

    mouthwash = [f for f in findings if "bain de bouche" in f["message"]]
    assert len(mouthwash) == 1 and mouthwash[0]["level"] == "APEC"


def test_gasly_aspirin_1000_with_the_acenocoumarol_of_the_history_is_a_contraindication(
    analysis_reference: AnalysisReference,
) -> None:
    findings = findings_of("counter_case_gasly.json", analysis_reference)

    found = interaction(findings, "acide acétylsalicylique", "acénocoumarol")

    assert found is not None and found["level"] == "CI"
    assert "20/09/2025" in found["message"]
    assert "doses anti-inflammatoires" in found["message"]
    assert findings[0] == found


def test_gasly_clopidogrel_renewed_is_not_an_interaction_with_its_own_previous_box(
    analysis_reference: AnalysisReference,
) -> None:
    findings = findings_of("counter_case_gasly.json", analysis_reference)

    with_clopidogrel = [f for f in findings if f["kind"] == "interaction" and "clopidogrel" in f["substances"]]
    assert all(f["substances"].count("clopidogrel") == 1 for f in with_clopidogrel)
    assert len([f for f in with_clopidogrel if "acide acétylsalicylique" in f["substances"]]) == 1

"""How an expected finding of an annotated case is matched (issue 17, `comptoir analyse eval`)."""

from __future__ import annotations

from comptoir.services.analysis.evaluation import matches

FOUND = {"kind": "allergy", "level": "CI", "substances": ["acide acétylsalicylique"], "drugs": ["KARDEGIC"]}


def test_kind_level_and_every_substance_must_match() -> None:
    assert matches({"kind": "allergy", "substances": ["acetylsalicylique"]}, FOUND)
    assert matches({"kind": "allergy", "level": "CI", "substances": []}, FOUND)
    assert not matches({"kind": "allergy", "level": "PE", "substances": []}, FOUND)
    assert not matches({"kind": "interaction", "substances": []}, FOUND)
    assert not matches({"kind": "allergy", "substances": ["acetylsalicylique", "ibuprofene"]}, FOUND)

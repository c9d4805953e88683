import pytest

from comptoir.analysis.findings import Finding, Level, ordered
from comptoir.analysis.reference import dci_display


@pytest.mark.parametrize(("bdpm", "dci"), [
    ("CHLORHYDRATE D'HYDROXYZINE", "hydroxyzine"),
    ("hydroxyzine (dichlorhydrate de)", "hydroxyzine"),
    ("ESCITALOPRAM (OXALATE D')", "escitalopram"),
    ("clopidogrel base", "clopidogrel"),
    ("SODIUM (VALPROATE DE)", "valproate de sodium"),
    ("acétylsalicylique (acide)", "acide acétylsalicylique"),
    ("AMOXICILLINE TRIHYDRATÉE", "amoxicilline"),
    ("bicarbonate de sodium", "bicarbonate de sodium"),
])
def test_a_bdpm_substance_name_reads_as_its_dci(bdpm: str, dci: str) -> None:
    assert dci_display(bdpm) == dci


def test_findings_come_most_severe_first_then_by_kind() -> None:
    def finding(kind: str, level: Level) -> Finding:
        return Finding(kind, level, (), (), kind, "test")

    found = ordered([finding("dose", Level.PE), finding("interaction", Level.APEC), finding("allergy", Level.CI),
                     finding("interaction", Level.PE)])

    assert [(f.kind, f.level.name) for f in found] == [("allergy", "CI"), ("interaction", "PE"), ("dose", "PE"),
                                                       ("interaction", "APEC")]

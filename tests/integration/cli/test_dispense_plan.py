"""`comptoir dispense plan FILE --json` on real products of the packaged reference, as outside checks run it.

The products are found in the reference at test time (by name, generic group, conditions); the expected
boxes come from the BDPM's own fields (price, rate, "agrément collectivités", the label's leading count),
so that an implementation proposing a hospital pack, a unit-dose count as "1", a 60-day narcotic or a
substitution against a valid mention fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from comptoir.services.platform.runtime import open_runtime
from comptoir.settings import Settings
from comptoir.store import models as m

COMPTOIR = str(Path(sys.executable).parent / "comptoir")
TODAY = "2026-02-19"
ADULT, CHILD = "1969-03-20", "2022-01-10"


@dataclass(frozen=True, slots=True)
class Box:
    cip13: str
    label: str
    price: float | None
    rate: str
    collectivities: str
    marketed: bool

    @property
    def hospital(self) -> bool:
        return self.collectivities == "oui" and not self.rate and self.price is None


@dataclass(frozen=True, slots=True)
class Reference:
    names: dict[str, str]
    """CIS -> name of the marketed specialties."""
    boxes: dict[str, list[Box]]
    groups: dict[str, dict[str, int]]
    """CIS -> {member CIS: kind} of its generic group."""
    conditions: dict[str, list[str]]

    def cis(self, name: str) -> str:
        return next(cis for cis, found in self.names.items() if found == name)


@pytest.fixture(scope="module")
def reference(reference_db: str) -> Iterator[Reference]:
    built = open_runtime(Settings(database_url=reference_db, environment="test"))
    with closing(built.unit_of_work()) as uow, uow:
        session = uow.reference.session
        names = {s.cis: s.name for s in session.query(m.Specialty).filter_by(marketing_status="Commercialisée")}
        boxes: dict[str, list[Box]] = {}
        for p in session.query(m.Presentation):
            marketed = p.status != "Présentation abrogée" and p.marketing_state == "Déclaration de commercialisation"
            boxes.setdefault(p.cis, []).append(Box(p.cip13, p.label, float(p.price_eur) if p.price_eur else None,
                                                   p.reimbursement_rate, p.collectivities, marketed))
        members: dict[int, dict[str, int]] = {}
        for g in session.query(m.GenericMember):
            members.setdefault(g.group_id, {})[g.cis] = g.kind
        groups = {cis: group for group in members.values() for cis in group}
        conditions: dict[str, list[str]] = {}
        for c in session.query(m.PrescriptionCondition):
            conditions.setdefault(c.cis, []).append(c.condition.lower())
    built.engine.dispose()
    yield Reference(names, boxes, groups, conditions)


def plan(cases: Any, database_url: str, cwd: Path) -> Any:
    path = cwd / "cas.json"
    path.write_text(json.dumps(cases), encoding="utf-8")
    env = {**os.environ, "COMPTOIR_DATABASE_URL": database_url}
    result = subprocess.run([COMPTOIR, "dispense", "plan", str(path), "--json"], capture_output=True, text=True,
                            env=env, cwd=cwd, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def case(*lines: dict[str, Any], birth_date: str = ADULT) -> dict[str, Any]:
    return {"today": TODAY, "patient": {"birth_date": birth_date}, "lines": list(lines)}


def oxycodone_generic_in_unit_dose_blisters(reference: Reference) -> tuple[str, Box]:
    """A marketed generic oxycodone whose only retail box is "28 plaquette(s) ... de 1 comprimé(s)"."""
    for cis, name in sorted(reference.names.items()):
        retail = [b for b in reference.boxes.get(cis, []) if b.marketed and not b.hospital]
        if name.startswith("OXYCODONE") and reference.groups.get(cis, {}).get(cis) and len(retail) == 1 \
                and " de 1 comprimé" in retail[0].label and retail[0].label.split()[0].isdigit():
            return cis, retail[0]
    raise AssertionError("no unit-dose oxycodone generic in the reference")


@pytest.fixture(scope="module")
def planned(reference: Reference, reference_db: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every case of this module in one run of the command (an array in, an array out)."""
    oxycodone, _ = oxycodone_generic_in_unit_dose_blisters(reference)
    cases = {
        "doliprane": case({"drug": "DOLIPRANE 1000 mg, comprimé",
                           "posology": "1 comprimé 3 fois par jour pendant 5 jours"}),
        "seroplex": case({"drug": "SEROPLEX 10 mg", "posology": "1 comprimé par jour pendant 28 jours"},
                         {"drug": "SEROPLEX 10 mg", "posology": "1 comprimé par jour pendant 28 jours",
                          "non_substitutable": "CIF"}),
        "oxycodone": case({"drug": oxycodone, "posology": "1 comprimé matin et soir pendant 14 jours"},
                          {"drug": oxycodone, "posology": "1 comprimé matin et soir pendant 60 jours"}),
        "levothyrox": case({"drug": "LEVOTHYROX 100 microgrammes", "posology": "1 comprimé le matin pendant 30 jours",
                            "non_substitutable": "MTE"},
                           {"drug": "LEVOTHYROX 100 microgrammes", "posology": "1 comprimé le matin pendant 30 jours"}),
        "efg_adult": case({"drug": "SEROPLEX 10 mg", "posology": "1 comprimé par jour pendant 28 jours",
                           "non_substitutable": "EFG"}),
        "efg_child": case({"drug": "SEROPLEX 10 mg", "posology": "1 comprimé par jour pendant 28 jours",
                           "non_substitutable": "EFG"}, birth_date=CHILD),
        "renewal": case({"drug": "SEROPLEX 10 mg", "posology": "1 comprimé par jour pendant 28 jours", "renewal": 1},
                        {"drug": "SEROPLEX 10 mg", "posology": "1 cp par jour, à renouveler 2 fois", "renewal": 2,
                         "duration_days": 28},
                        {"drug": "pas un médicament du tout"}),
    }
    answers = plan(list(cases.values()), reference_db, tmp_path_factory.mktemp("plan"))
    return dict(zip(cases, answers, strict=True))


def test_doliprane_1000_gets_a_reimbursed_retail_box_not_the_hospital_pack_of_100(
        planned: dict[str, Any], reference: Reference) -> None:
    line = planned["doliprane"]["lines"][0]

    boxes = {b.cip13: b for b in reference.boxes[line["cis"]]}
    chosen = boxes[line["cip13"]]
    assert any(b.hospital and "100" in b.label for b in boxes.values())  # the trap is there
    assert not chosen.hospital and chosen.marketed and chosen.rate and chosen.price is not None
    assert line["units_per_box"] != 100 and line["reimbursement_rate"] == 65
    assert line["boxes"] * line["units_per_box"] >= 15 and not line["substituted"]


def test_seroplex_for_28_days_gets_a_reimbursed_28_tablet_box_and_a_generic_when_substitutable(
        planned: dict[str, Any], reference: Reference) -> None:
    substitutable, kept = planned["seroplex"]["lines"]

    seroplex = reference.cis("SEROPLEX 10 mg, comprimé pelliculé sécable")
    assert (kept["cis"], kept["units_per_box"], kept["boxes"], kept["substituted"]) == (seroplex, 28, 1, False)
    assert kept["reimbursement_rate"] == 65 and "56" not in next(
        b.label for b in reference.boxes[seroplex] if b.cip13 == kept["cip13"])
    assert substitutable["substituted"] and substitutable["cis"] != seroplex
    assert reference.groups[seroplex].get(substitutable["cis"], 0) != 0  # a generic of SEROPLEX's group
    assert (substitutable["units_per_box"], substitutable["boxes"], substitutable["reimbursement_rate"]) == (28, 1, 65)
    assert substitutable["price_eur"] <= kept["price_eur"]


def test_a_generic_oxycodone_in_unit_dose_blisters_counts_its_real_tablets(
        planned: dict[str, Any], reference: Reference) -> None:
    line = planned["oxycodone"]["lines"][0]

    _, box = oxycodone_generic_in_unit_dose_blisters(reference)
    assert line["cip13"] == box.cip13
    assert line["units_per_box"] == int(box.label.split()[0]) > 1
    assert line["boxes"] == -(-28 // line["units_per_box"])


def test_a_narcotic_prescribed_for_60_days_is_planned_for_28_with_a_reason(planned: dict[str, Any]) -> None:
    line = planned["oxycodone"]["lines"][1]

    assert line["days"] == 28
    assert line["boxes"] * line["units_per_box"] >= 56 > (line["boxes"] - 1) * line["units_per_box"]
    assert "60 jours" in line["reason"] and "28 jours" in line["reason"]


def test_mte_on_levothyroxine_keeps_the_princeps(planned: dict[str, Any], reference: Reference) -> None:
    mte, free = planned["levothyrox"]["lines"]

    assert mte["name"].startswith("LEVOTHYROX 100") and not mte["substituted"]
    assert reference.groups[mte["cis"]][mte["cis"]] == 0  # the princeps of its group
    assert free["substituted"] and free["cis"] != mte["cis"]


def test_efg_is_ignored_with_a_warning_for_an_adult_and_kept_for_a_four_year_old(planned: dict[str, Any]) -> None:
    adult, child = planned["efg_adult"]["lines"][0], planned["efg_child"]["lines"][0]

    assert adult["substituted"] and any("EFG" in w and "non valable" in w for w in adult["warnings"])
    assert not child["substituted"] and child["name"].startswith("SEROPLEX 10 mg")


def test_renewals_beyond_those_prescribed_are_not_planned_and_unknown_drugs_say_so(planned: dict[str, Any]) -> None:
    not_renewable, second_of_two, unknown = planned["renewal"]["lines"]

    assert not_renewable["cip13"] is None and "non renouvelable" in not_renewable["reason"]
    assert second_of_two["cip13"] is not None and second_of_two["boxes"] == 1
    assert unknown["cip13"] is None and "pas un médicament du tout" in unknown["reason"]


def test_one_case_in_gives_one_object_out_with_the_contract_fields(reference_db: str, tmp_path: Path) -> None:
    answer = plan(case({"drug": "DOLIPRANE 1000 mg, comprimé"}), reference_db, tmp_path)

    assert isinstance(answer, dict)
    assert {"drug", "cis", "cip13", "units_per_box", "boxes", "substituted"} <= set(answer["lines"][0])
    assert answer["lines"][0]["boxes"] == 1


def test_a_malformed_line_is_one_french_line_with_exit_code_2(reference_db: str, tmp_path: Path) -> None:
    path = tmp_path / "cas.json"
    path.write_text(json.dumps(case({"drug": "SEROPLEX 10 mg", "non_substitutable": "XYZ"})), encoding="utf-8")

    result = subprocess.run([COMPTOIR, "dispense", "plan", str(path), "--json"], capture_output=True, text=True,
                            env={**os.environ, "COMPTOIR_DATABASE_URL": reference_db}, cwd=tmp_path, timeout=300)

    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "MTE, EFG ou CIF" in result.stderr

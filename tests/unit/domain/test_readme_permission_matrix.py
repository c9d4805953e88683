"""The README's permission matrix is `PERMISSIONS`, so what the documentation promises stays true."""

from __future__ import annotations

from pathlib import Path

from comptoir.domain.operators import PERMISSION_LABELS, PERMISSIONS, Permission, Role

README = Path(__file__).resolve().parents[3] / "README.md"


def readme_matrix() -> tuple[list[str], dict[str, set[str]]]:
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- matrice des permissions : début -->")[1].split("<!-- matrice des permissions : fin -->")[0]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in table.strip().splitlines()]
    header, body = rows[0][1:], rows[2:]
    return header, {row[0]: {header[i] for i, mark in enumerate(row[1:]) if mark == "✓"} for row in body}


def test_the_readme_names_every_permission_by_its_french_label() -> None:
    header, _ = readme_matrix()

    assert header == [PERMISSION_LABELS[p] for p in Permission]


def test_the_readme_matrix_is_the_code_matrix() -> None:
    _, matrix = readme_matrix()

    assert matrix == {role.label: {PERMISSION_LABELS[p] for p in PERMISSIONS[role]} for role in Role}

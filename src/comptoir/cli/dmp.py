"""`comptoir dmp document KIND INPUT.json`: the CDA R2 document comptoir sends to the DMP, on standard output
(DESIGN.md contract). KIND: dispensation (eDISP-MED_2024.01), vaccination (VAC-NOTE_2023.01), report (CDA R2
niveau 1, the report as an embedded PDF). Products are found by CIP13 in the drug reference."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from comptoir.cli.common import CliState, ensure_reference, read_json_file, state_of

if TYPE_CHECKING:
    from comptoir.cda.input_json import ProductLookup
    from comptoir.cda.model import Product
    from comptoir.services.platform.unit_of_work import UnitOfWork

dmp_app = typer.Typer(help="Documents CDA R2 envoyés au DMP (dispensation, vaccination, compte rendu).",
                      no_args_is_help=True)


class Kind(StrEnum):
    dispensation = "dispensation"
    vaccination = "vaccination"
    report = "report"


@dmp_app.command("document")
def document(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Argument(help="dispensation, vaccination ou report")],
    file: Annotated[Path, typer.Argument(help="INPUT.json : patient, author, pharmacy, date et la partie du type")],
) -> None:
    """Écrit le document CDA R2 (XML) sur la sortie standard, conforme aux modèles du CI-SIS."""
    data = read_json_file(file)
    xml = _build(kind, data, state_of(ctx), file)
    output = typer.get_binary_stream("stdout")
    output.write(xml)
    output.flush()


def _build(kind: Kind, data: Any, state: CliState, file: Path) -> bytes:
    from comptoir.cda import build_dispensation, build_report, build_vaccination
    from comptoir.cda.input_json import dispensation_of, report_of, vaccination_of

    if kind is Kind.dispensation:
        return build_dispensation(dispensation_of(data, lookup=_reference(state)))
    if kind is Kind.vaccination:
        return build_vaccination(vaccination_of(data, lookup=_reference(state)))
    return build_report(report_of(data, read_pdf=lambda path: _read_pdf(path, beside=file)))


def _reference(state: CliState) -> ProductLookup:
    """Products by CIP13, the reference loaded on the first one asked (bad input costs no loading)."""
    loaded = False

    def product(cip13: str) -> Product | None:
        nonlocal loaded
        if not loaded:
            ensure_reference(state)
            loaded = True
        with state.unit_of_work() as uow, uow:
            return _product_of(uow, cip13)

    return product


def _product_of(uow: UnitOfWork, cip13: str) -> Product | None:
    from comptoir.cda.model import Product
    from comptoir.domain.dispensing.packs import parse_pack

    presentation = uow.eprescriptions.presentation(cip13)
    if presentation is None:
        return None
    specialty = uow.reference.specialty(presentation.cis)
    contents = parse_pack(presentation.label)
    counted = contents.counted if contents else None
    return Product(cip13=cip13, name=specialty.name if specialty else presentation.label, cis=presentation.cis,
                   form=specialty.form if specialty else "", units_per_box=counted[0] if counted else None,
                   unit=counted[1] if counted else "", atc=(specialty.atc_code or "") if specialty else "")


def _read_pdf(path: str, *, beside: Path) -> bytes:
    """The report's PDF: the path as given, else beside INPUT.json."""
    from comptoir.errors import RuleViolation

    candidates = [Path(path)] if Path(path).is_absolute() else [Path(path), beside.parent / path]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        raise RuleViolation(f"report.pdf introuvable : {path}")
    content = found.read_bytes()
    if not content.startswith(b"%PDF"):
        raise RuleViolation(f"report.pdf n'est pas un PDF : {path}")
    return content

"""`comptoir gs1 parse IMAGE_OR_TEXT --json`: read a medicine pack's GS1 DataMatrix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from comptoir.cli.common import out
from comptoir.errors import ComptoirError
from comptoir.reading.barcode_image import decode_barcodes
from comptoir.reading.gs1 import parse_pack_code

gs1_app = typer.Typer(help="DataMatrix GS1 des boîtes de médicaments.", no_args_is_help=True)


@gs1_app.command("parse")
def parse(
    code: Annotated[str, typer.Argument(help="Image (PNG, JPEG) ou texte du DataMatrix scanné")],
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (contrat)")] = False,
) -> None:
    """Lit le DataMatrix d'une boîte : code produit (GTIN, CIP13), numéro de série, lot, péremption."""
    text = _from_image(Path(code)) if Path(code).is_file() else code
    pack = parse_pack_code(text)
    if as_json:
        print(json.dumps(pack.contract(), ensure_ascii=False))
        return
    table = Table("Donnée", "Valeur", title="DataMatrix de la boîte")
    for label, value in (("GTIN", pack.gtin), ("CIP13", pack.cip13), ("N° de série", pack.serial),
                         ("Lot", pack.lot), ("Péremption", pack.expiry)):
        table.add_row(label, value or "—")
    out.print(table)


def _from_image(path: Path) -> str:
    found = decode_barcodes(path.read_bytes(), formats="DataMatrix")
    if not found:
        raise ComptoirError(f"Aucun DataMatrix lisible dans {path.name}.")
    return found[0]

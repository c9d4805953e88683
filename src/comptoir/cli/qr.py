"""`comptoir qr decode IMAGE_OR_TEXT --json`: the content of an ordonnance numérique's QR code (DESIGN.md
contract {version, prescription_id, patient{last_name, first_name, birth_date}, prescriber{rpps, am}})."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from comptoir.errors import ComptoirError
from comptoir.reading.barcode_image import decode_barcodes
from comptoir.reading.prescription_qr import UnreadableQr, read_qr

qr_app = typer.Typer(help="QR code de l'ordonnance numérique.", no_args_is_help=True)


@qr_app.command("decode")
def decode(
    source: Annotated[str, typer.Argument(help="Image du QR code (PNG, JPEG), son texte, ou le n° de 18 caractères")],
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (contrat de DESIGN.md)")] = False,
) -> None:
    """Lit le QR code d'une ordonnance numérique : identifiant, patient, prescripteur."""
    try:
        content = read_qr(_text_of(source))
    except ComptoirError as exc:
        print(f"comptoir : {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(content.contract(), ensure_ascii=False))
        return
    c = content.contract()
    print(f"Ordonnance {c['prescription_id']} — patient : {content.last_name or '?'} {content.first_name or ''} "
          f"né(e) le {content.birth_date or '?'} — prescripteur RPPS {content.rpps or '?'}, N° AM {content.am or '?'}")


def _text_of(source: str) -> str:
    path = Path(source)
    if len(source) < 4096 and path.suffix and path.is_file():
        found = decode_barcodes(path.read_bytes(), formats="QRCode")
        if not found:
            raise UnreadableQr(f"Aucun QR code lisible dans {path.name}.")
        return found[0]
    return source

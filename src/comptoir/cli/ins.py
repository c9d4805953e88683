"""`comptoir ins check`: is this NIR (or NIA) a valid matricule INS, and what does it say?"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated, NoReturn

import typer

from comptoir.domain.identity.nir import NirCheck, check_nir, contradictions, format_nir

ins_app = typer.Typer(help="Identité nationale de santé (INS).", no_args_is_help=True)


@ins_app.command("check")
def ins_check(
    nir: Annotated[str | None, typer.Argument(help="Le NIR ou NIA, 15 caractères, espaces permis")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON {valid, reason, sex, birth_year, ...}")] = False,
    sex: Annotated[str | None, typer.Option("--sexe", help="Sexe déclaré (F ou M), pour contrôle")] = None,
    born: Annotated[str | None, typer.Option("--naissance", help="Date de naissance AAAA-MM-JJ, pour contrôle")] = None,
) -> None:
    """Vérifie un NIR ou un NIA (clé, sexe, mois, département, Corse 2A/2B) et dit ce qu'il indique.

    Avec --json le code de sortie est 0 que le numéro soit valide ou non ; sans --json, 1 s'il est invalide.
    """
    if nir is None or not nir.strip():
        _usage("indiquez le NIR à vérifier, par exemple : comptoir ins check \"2 39 08 88 154 002 43\"")
    check = _with_declared(check_nir(str(nir), today=date.today()), sex, _date_option(born))
    if as_json:
        print(json.dumps(check.contract(), ensure_ascii=False))
        return
    if check.valid:
        month = f"{check.birth_month:02d}" if check.birth_month else "??"
        print(f"NIR {format_nir(check.number)} valide : sexe {check.sex}, né(e) en {month}/{check.birth_year}, "
              f"lieu de naissance {check.birth_place}.")
        return
    print(f"NIR invalide : {check.reason}")
    raise typer.Exit(1)


def _with_declared(check: NirCheck, sex: str | None, born: date | None) -> NirCheck:
    if sex is not None and sex.upper() not in ("F", "M"):
        _usage("--sexe vaut F ou M")
    found = contradictions(check, sex=sex.upper() if sex else None, birth_date=born, birth_place=None)
    if not found:
        return check
    return NirCheck(check.number, False, " ".join(found), check.sex, check.birth_year, check.birth_month,
                    check.birth_place)


def _date_option(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        _usage(f"date de naissance impossible : « {text} » (format AAAA-MM-JJ)")


def _usage(message: str) -> NoReturn:
    print(f"comptoir : {message}", file=sys.stderr)
    raise typer.Exit(2)

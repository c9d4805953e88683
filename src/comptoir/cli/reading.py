"""`comptoir read` (paper prescriptions by OCR) and `comptoir posology` (posology text → fields)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from typer.core import TyperGroup

from comptoir.cli.common import ensure_reference, out, progress_steps, state_of
from comptoir.devtools.paper_prescriptions import DEFAULT_POSOLOGY_CORPUS
from comptoir.devtools.posology_sets import BLIND_SET, DEVELOPMENT_SET, evaluate_file
from comptoir.errors import ComptoirError
from comptoir.reading.posology import parse_posology
from comptoir.reading.posology_eval import EvalReport, figures


class _ReadGroup(TyperGroup):
    """`comptoir read IMAGE` reads a prescription; `comptoir read eval|generate ...` are the other commands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer vendors its own click Context
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["image", *args]
        return super().parse_args(ctx, args)


read_app = typer.Typer(cls=_ReadGroup, no_args_is_help=True,
                       help="Lecture d'une ordonnance papier (photo, scan ou PDF) par OCR.")
posology_app = typer.Typer(help="Posologies : texte du prescripteur → champs structurés.", no_args_is_help=True)


@read_app.command("image")
def read_image(
    ctx: typer.Context,
    image: Annotated[Path, typer.Argument(help="Image PNG ou JPEG, ou PDF scanné")],
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (contrat)")] = False,
) -> None:
    """Lit une ordonnance papier : prescripteur, patient, date, lignes reconnues et leur posologie."""
    from comptoir.services.platform.audit_log import Actor
    from comptoir.services.reading import read_prescription as reading

    if not image.is_file():
        raise ComptoirError(f"Fichier introuvable : {image}")
    state = state_of(ctx)
    ensure_reference(state)
    with state.unit_of_work() as uow:
        # Run on the server's console: the workstation configured for it, no operator session.
        actor = Actor("console", state.settings.workstation)
        result = reading.read_paper_prescription(image, uow=uow, drug_index=state.runtime.drug_index, actor=actor,
                                                 now=state.runtime.clock()).contract()
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    _print_reading(result)


def _print_reading(result: dict[str, Any]) -> None:
    prescriber, patient = result["prescriber"], result["patient"]
    out.print(f"Prescripteur : {prescriber['name'] or '?'} — RPPS {prescriber['rpps'] or '?'}"
              f"{' (clé invalide)' if prescriber['rpps_valid'] is False else ''} — AM {prescriber['am'] or '?'}")
    out.print(f"Patient : {patient['name'] or '?'}, né(e) le {_french_date(patient['birth_date'])} — "
              f"ordonnance du {_french_date(result['date'])}")
    table = Table("Ligne lue", "Produit reconnu", "Confiance", "Posologie", show_lines=True)
    for line in result["lines"]:
        product = line["name"] or "[yellow]à vérifier[/] : " + ", ".join(c["name"] for c in line["candidates"][:2])
        posology = line["posology"]
        table.add_row(line["text"], product, _percent(line["confidence"]), _posology_summary(posology))
    out.print(table)
    for advice in result["advice"]:
        out.print(f"[dim]Conseil (hors prescription) : {advice}[/]")
    if result["warning"]:
        out.print(f"[yellow]{result['warning']}[/]")


def _french_date(iso: str | None) -> str:
    return "/".join(reversed(iso.split("-"))) if iso else "?"


def _posology_summary(posology: dict[str, Any]) -> str:
    if not posology["understood"] or posology["daily_quantity"] is None:
        return "non comprise"
    text = f"{posology['daily_quantity']:.3g} {posology['unit'] or ''} par jour"
    return (text + (f" pendant {posology['duration_days']:g} j" if posology["duration_days"] else "")).replace(".", ",")


@read_app.command("generate")
def read_generate(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Dossier où écrire les ordonnances et leur vérité terrain")],
    count: Annotated[int, typer.Option("--count", min=1, max=10_000, help="Nombre de pages")] = 40,
    seed: Annotated[int, typer.Option("--seed", help="Graine : la même graine donne les mêmes pages")] = 1,
    noise: Annotated[str, typer.Option("--bruit", help="clean, mild, heavy ; photo ou fax (développement)")] = "mild",
    corpus: Annotated[Path, typer.Option("--posologies", help="Corpus annoté des posologies (JSONL)")] =
        DEFAULT_POSOLOGY_CORPUS,
) -> None:
    """Fabrique des ordonnances de test réalistes (PNG/JPEG) avec leur vérité terrain (.json)."""
    from comptoir.devtools.paper_prescriptions import make_pages
    from comptoir.devtools.paper_prescriptions.drawing import NOISE_LEVELS

    if noise not in NOISE_LEVELS:
        raise ComptoirError(f"--bruit : « {noise} » inconnu (clean, mild, heavy, photo ou fax).")
    state = state_of(ctx)
    ensure_reference(state)
    with progress_steps(2, f"Fabrication de {count} ordonnances") as step:
        step("dessin des pages")
        paths = make_pages.generate_prescriptions(directory, runtime=state.runtime, count=count, seed=seed, noise=noise,
                                                  corpus=corpus)
    out.print(f"{len(paths)} ordonnances écrites dans {directory}.")


@read_app.command("eval")
def read_eval(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Dossier produit par « comptoir read generate »")],
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False,
) -> None:
    """Mesure la lecture : rappel et précision des lignes, exactitude des posologies, secondes par page."""
    from comptoir.services.reading import read_prescription as reading

    state = state_of(ctx)
    total = reading.count_pages(directory)
    ensure_reference(state)
    with state.unit_of_work() as uow, progress_steps(total + 1, "Lecture des ordonnances") as step:
        step("démarrage")
        report = reading.evaluate_reading(directory, uow=uow, drug_index=state.runtime.drug_index, on_page=step)
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
        return
    figures = report.as_json()
    out.print(f"{figures['pages']} pages, {figures['lines']} lignes prescrites\n"
              f"Rappel des lignes (substances) : {_percent(report.recall)}\n"
              f"Précision des lignes (substances) : {_percent(report.precision)}\n"
              f"Rappel des lignes (produit nommé) : {_percent(report.product_recall)}\n"
              f"Précision des lignes (produit nommé) : {_percent(report.product_precision)}\n"
              f"Zone ALD juste : {_percent(report.ald_accuracy)}\n"
              f"Posologies exactes (tous champs) : {_percent(report.posology_accuracy)}\n"
              f"Lignes laissées à vérifier : {_percent(report.uncertain_rate)}\n"
              f"Secondes par page : {_decimal(report.seconds_per_page)}")
    for page in report.pages:
        for missed in page.missed:
            out.print(f"[dim]{page.image} : non trouvée « {missed} »[/]")


def _decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _percent(share: float) -> str:
    return f"{share * 100:.1f} %".replace(".", ",")


@posology_app.command("parse")
def posology_parse(
    text: Annotated[str | None, typer.Argument(help="La posologie ; « - » : un texte par ligne sur l'entrée")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (contrat)")] = False,
) -> None:
    """Structure une posologie : unité, quantité par jour, durée, si besoin, renouvellements, boîtes, total."""
    if text is None or not text.strip():
        raise ComptoirError("indiquez la posologie, par exemple : comptoir posology parse \"1 cp matin et soir 7 j\"")
    texts = sys.stdin.read().splitlines() if text == "-" else [text]
    for one in texts:
        posology = parse_posology(one)
        if as_json:
            print(json.dumps(posology.contract(), ensure_ascii=False))
        else:
            _print_posology(posology.text, posology.understood, posology.contract())


def _print_posology(text: str, understood: bool, fields: dict[str, object]) -> None:
    table = Table("Champ", "Valeur", title=f"« {text} »" + ("" if understood else " — non comprise"))
    for name, value in fields.items():
        table.add_row(name, "—" if value is None else str(value))
    out.print(table)


@posology_app.command("eval")
def posology_eval(
    corpus: Annotated[Path | None, typer.Argument(
        help="Corpus annoté : une ligne JSON {text, expected} par cas ; sans lui, les jeux de développement et "
             "à l'aveugle")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False,
    development: Annotated[Path, typer.Option("--developpement", help="Jeu de développement (sans FICHIER)")] =
        DEVELOPMENT_SET,
    blind: Annotated[Path, typer.Option("--aveugle", help="Jeu à l'aveugle, s'il existe (sans FICHIER)")] = BLIND_SET,
) -> None:
    """Exactitude du lecteur de posologies, champ par champ : sur un corpus, ou sur les deux jeux séparément."""
    if corpus is None:
        _eval_both_sets(development, blind, as_json=as_json)
        return
    report = _evaluated(corpus)
    if as_json:
        print(json.dumps(figures(report), ensure_ascii=False))
        return
    _print_eval(report, failures=True)


def _evaluated(path: Path) -> EvalReport:
    try:
        return evaluate_file(path)
    except FileNotFoundError as exc:
        raise ComptoirError(f"Fichier introuvable : {path}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise ComptoirError(f"{path} : ligne illisible ({exc}).") from exc


def _eval_both_sets(development: Path, blind: Path, *, as_json: bool) -> None:
    dev_report = _evaluated(development)
    blind_report = _evaluated(blind) if blind.is_file() else None
    if as_json:
        print(json.dumps({"development": figures(dev_report),
                          "blind": figures(blind_report) if blind_report else None}, ensure_ascii=False))
        return
    out.print(f"[bold]Développement[/] ({development})")
    _print_eval(dev_report, failures=True)
    out.print(f"[bold]À l'aveugle[/] ({blind})")
    if blind_report is None:
        out.print("pas de jeu à l'aveugle : fichier absent")
    else:
        _print_eval(blind_report, failures=False)  # its texts stay unseen: nobody tunes the parser on them


def _print_eval(report: EvalReport, *, failures: bool) -> None:
    out.print(report.summary())
    for failure in report.failures[:20] if failures else ():
        out.print(f"[dim]« {failure.text} » : {', '.join(failure.wrong_fields)}[/]")

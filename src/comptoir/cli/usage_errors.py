"""Failures of a command said in French, in one line: command-line mistakes (unknown option, missing
argument...), refusals of the product, unreadable files, anything unexpected.

Typer 0.29 carries its own copy of Click, whose messages are English; we read the error's kind and
its parameter, never its English text.
"""

from __future__ import annotations

import re

from typer.exceptions import TyperException

from comptoir.errors import ComptoirError

_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def failure_message(error: Exception) -> str:
    if isinstance(error, TyperException):
        return french_usage_error(error)
    if isinstance(error, ComptoirError):
        return str(error)
    if isinstance(error, OSError):
        return f"fichier illisible : {error.strerror or type(error).__name__}"
    if isinstance(error, RecursionError | MemoryError):
        return "entrée trop volumineuse ou trop imbriquée"
    return f"erreur inattendue ({type(error).__name__}: {error})"


def one_line(text: str) -> str:
    """Control characters and line separators (a scanner's GS, a pasted newline) become spaces."""
    return _BREAKS.sub(" ", text).strip()[:500]


def french_usage_error(error: TyperException) -> str:
    kind = type(error).__name__
    hint = _parameter(error)
    if kind == "NoSuchOption":
        return f"option inconnue : {getattr(error, 'option_name', '?')} (--help pour la liste des options)"
    if kind == "MissingParameter":
        return f"paramètre manquant{hint} (--help pour l'aide de la commande)"
    if kind in ("BadParameter", "BadOptionUsage", "BadArgumentUsage"):
        return f"valeur invalide{hint} (--help pour l'aide de la commande)"
    if kind == "NoArgsIsHelpError":
        return "commande incomplète : l'aide est affichée ci-dessus"
    text = str(getattr(error, "message", "") or "")
    if text.startswith("No such command"):
        return "commande inconnue (comptoir --help pour la liste des commandes)"
    if text.startswith("Got unexpected extra argument"):
        return "argument en trop (--help pour l'aide de la commande)"
    return "ligne de commande invalide (--help pour l'aide)"


def _parameter(error: TyperException) -> str:
    hint = getattr(error, "param_hint", None)
    param = getattr(error, "param", None)
    name = hint if isinstance(hint, str) else getattr(param, "name", None)
    return f" : {name}" if name else ""

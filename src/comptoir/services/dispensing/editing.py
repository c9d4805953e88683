"""Changing one line of the basket: its box (only inside the prescribed product's generic group, never on a
"non substituable" line), its boxes, its posology, its duration, or a generic given instead of the prescribed
product and back."""

from __future__ import annotations

from comptoir.domain import bounds
from comptoir.errors import FieldErrors, NotFound
from comptoir.services.dispensing import filling, products
from comptoir.services.dispensing.filling import Change
from comptoir.services.dispensing.views import LineChanges
from comptoir.services.eprescription.lines import generic_group_of, group_alternatives
from comptoir.store.counter import BasketLine


def line_at(change: Change, position: int) -> BasketLine:
    found = next((line for line in change.lines() if line.position == position), None)
    if found is None:
        raise NotFound(f"Ligne {position} absente du panier.")
    return found


def update_line(change: Change, position: int, changes: LineChanges) -> str:
    line = line_at(change, position)
    _check_changes(line, changes)
    if changes.cip13 is not None:
        _give_box(change, line, changes.cip13)
    if changes.substitute is not None:
        _substitute(change, line, changes.substitute)
    if changes.boxes is not None:
        line.boxes, line.boxes_by_hand = changes.boxes, True
    if changes.posology is not None:
        line.posology = changes.posology.strip()
    if changes.duration_days is not None:
        line.duration_days = changes.duration_days
    if (changes.posology is not None or changes.duration_days is not None) and changes.boxes is None:
        _replan(change, line)
    if changes.overlap_allowed is not None:
        line.overlap_allowed = changes.overlap_allowed
        return f"ligne {position} : chevauchement {'autorisé' if changes.overlap_allowed else 'non autorisé'} " \
               "par le prescripteur"
    return f"ligne {position} modifiée"


def _check_changes(line: BasketLine, changes: LineChanges) -> None:
    errors = {}
    if changes.boxes is not None and not 1 <= changes.boxes <= bounds.BOXES_MAX:
        errors["boxes"] = f"De 1 à {bounds.BOXES_MAX} boîtes."
    elif changes.boxes is not None and changes.boxes < len(line.packs):
        errors["boxes"] = f"{len(line.packs)} boîtes déjà scannées : retirez la ligne pour recommencer."
    if changes.posology is not None and len(changes.posology) > bounds.POSOLOGY_MAX:
        errors["posology"] = f"Posologie trop longue : {bounds.POSOLOGY_MAX} caractères au plus."
    if changes.duration_days is not None and not 1 <= changes.duration_days <= bounds.DURATION_DAYS_MAX:
        errors["duration_days"] = f"Durée de 1 à {bounds.DURATION_DAYS_MAX} jours."
    if changes.cip13 is not None and line.packs and changes.cip13 != line.cip13:
        errors["cip13"] = "Des boîtes de ce produit sont déjà scannées : retirez la ligne pour en changer."
    if errors:
        raise FieldErrors(errors)


def _give_box(change: Change, line: BasketLine, cip13: str) -> None:
    presentation = change.uow.eprescriptions.presentation(cip13) if cip13.isdigit() and len(cip13) == 13 else None
    if presentation is None:
        raise FieldErrors({"cip13": f"CIP13 {cip13} inconnu du référentiel."})
    _check_substitution(change, line, presentation.cis, "cip13")
    filling.refuse_without_prescription(change, presentation.cis)
    line.cis, line.cip13, line.reason = presentation.cis, cip13, ""


def _check_substitution(change: Change, line: BasketLine, cis: str, field: str) -> None:
    """Another product than the prescribed one only inside its generic group, never on a "non substituable"
    line (CSP L.5125-23)."""
    prescribed = line.prescribed_cis
    if not prescribed or cis == prescribed:
        return
    if not line.substitutable:
        raise FieldErrors({field: f"Ligne non substituable ({line.non_substitutable}) : délivrez le produit "
                                  "prescrit."})
    if cis not in generic_group_of(change.uow.eprescriptions, prescribed):
        raise FieldErrors({field: "Ce produit n'est pas du groupe générique du produit prescrit."})


def _substitute(change: Change, line: BasketLine, substitute: bool) -> None:
    prescribed = line.prescribed_cis
    if not prescribed:
        raise FieldErrors({"substitute": "Seule une ligne prescrite se substitue."})
    target = prescribed
    if substitute:
        others = [cis for cis, _ in group_alternatives(change.uow.eprescriptions, prescribed) if cis != prescribed]
        if not others:
            raise FieldErrors({"substitute": "Aucun générique commercialisé pour ce produit."})
        target = others[0]
    _check_substitution(change, line, target, "substitute")
    pack = products.default_pack(change.uow.eprescriptions, target)
    line.cis, line.cip13, line.reason = target, pack.cip13 if pack else None, ""


def _replan(change: Change, line: BasketLine) -> None:
    """A typed line's boxes and pack follow its posology and duration (plan_line), as on a paper line, unless
    the pharmacist set its boxes by hand or scanned its boxes."""
    if line.boxes_by_hand or line.packs or line.prescription_line is not None or not line.cis:
        return
    planned = filling.replan(change, line)
    if planned.cip13 and planned.cis == line.cis:
        line.cip13 = planned.cip13
    if planned.boxes:
        line.boxes = min(planned.boxes, bounds.BOXES_MAX)
    if planned.days and line.duration_days is None:
        line.duration_days = planned.days

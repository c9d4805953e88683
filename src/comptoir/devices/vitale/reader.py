"""An emulated Vitale reader: each card is a JSON file of fictitious data (`cards/*.json`).

    {"titre": "...", "nirOuvrantDroit": "239088815400243",
     "beneficiaires": [{"nomUsuel": "DARK", "nomNaissance": "DARK", "prenom": "Jeanne", "sexe": "F",
                        "dateNaissance": "1939-08-13", "qualite": "assuré", "rang": 1,
                        "ins": {matriculeIns, oid, nomNaissance, prenoms, sexe, dateNaissance, lieuNaissance}}]}

Read as a physical card, the INS block is ignored (the card does not carry it: the INSi finds
it). Read as the appli carte Vitale, each beneficiary must carry it: that is the enrolled app.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from comptoir.domain.identity.ins import InsIdentity, InsOid, InsTraits
from comptoir.domain.identity.vitale import VitaleBeneficiary, VitaleCard, VitaleMedium
from comptoir.errors import NotFound, RuleViolation

CARDS_DIR = Path(__file__).with_name("cards")


class EmulatedVitaleReader:
    def __init__(self, cards_dir: Path = CARDS_DIR) -> None:
        self.cards_dir = cards_dir

    def inserted(self) -> list[tuple[str, str]]:
        return [(path.stem, json.loads(path.read_text(encoding="utf-8"))["titre"])
                for path in sorted(self.cards_dir.glob("*.json"))]

    def read(self, card_id: str, medium: VitaleMedium) -> VitaleCard:
        path = self.cards_dir / f"{card_id}.json"
        if not card_id.replace("-", "").isalnum() or not path.is_file():
            raise NotFound(f"Aucune carte « {card_id} » dans le lecteur.")
        try:
            return _card(card_id, medium, json.loads(path.read_text(encoding="utf-8")))
        except (KeyError, ValueError, TypeError) as exc:
            raise RuleViolation(f"Carte « {card_id} » illisible : {exc}.") from exc


def _card(card_id: str, medium: VitaleMedium, data: dict[str, Any]) -> VitaleCard:
    beneficiaries = tuple(_beneficiary(item, medium) for item in data["beneficiaires"])
    if medium is VitaleMedium.APP and any(b.ins is None for b in beneficiaries):
        raise RuleViolation("Cette carte n'est pas enrôlée dans l'application carte Vitale : lisez la carte.")
    return VitaleCard(card_id, medium, data["nirOuvrantDroit"], beneficiaries)


def _beneficiary(item: dict[str, Any], medium: VitaleMedium) -> VitaleBeneficiary:
    ins = item.get("ins") if medium is VitaleMedium.APP else None
    return VitaleBeneficiary(item["nomUsuel"], item["nomNaissance"], item["prenom"],
                             date.fromisoformat(item["dateNaissance"]), item.get("qualite", "assuré"),
                             int(item.get("rang", 1)), _ins(ins) if ins else None, item.get("sexe"))


def _ins(data: dict[str, Any]) -> InsIdentity:
    traits = InsTraits(data["nomNaissance"], data["prenoms"], date.fromisoformat(data["dateNaissance"]),
                       data["sexe"], data["lieuNaissance"])
    return InsIdentity(data["matriculeIns"], InsOid(data["oid"]), traits)

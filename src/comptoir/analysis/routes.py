"""A product used by another route than its own: an injectable solution prescribed as a mouthwash,
a drinkable suspension applied locally... legitimate in practice (hospital and dental habits) but
outside the marketing authorisation: the pharmacist should know and explain it."""

from __future__ import annotations

import re

from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.items import Item
from comptoir.analysis.profile import line_finding

USES = (
    (re.compile(r"bain[s]? de bouche|gargarisme", re.I), {"buccale", "oromuqueuse", "gingivale", "dentaire"},
     "en bain de bouche"),
    (re.compile(r"\b(?:en )?application[s]? locale[s]?|\bsur la peau\b", re.I), {"cutanée"}, "sur la peau"),
    (re.compile(r"\bdans (?:l'|chaque )?(?:œil|oeil|yeux)\b|\bcollyre\b", re.I), {"ophtalmique"}, "dans l'œil"),
)
SOURCE = "BDPM : voies d'administration de l'AMM"


def route_findings(items: list[Item]) -> list[Finding]:
    findings = []
    for item in items:
        if item.is_history or item.product is None or item.posology is None or not item.product.components:
            continue
        for pattern, routes, how in USES:
            if pattern.search(item.posology.text) and not routes & set(item.product.routes):
                findings.append(line_finding(
                    item, item.product.components[0], Level.APEC,
                    f"Utilisé {how} alors que la voie de l'AMM est « {', '.join(item.product.routes)} » : "
                    "usage hors AMM, à expliquer au patient.", SOURCE, kind="contraindication"))
    return findings

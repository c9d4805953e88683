"""Declared allergies: the substance itself, its class, and the known cross-reactivities.

An allergy is written as a substance ("amoxicilline") or a class ("pénicillines", "AINS",
"sulfamides"). A substance allergy extends to its ATC chemical subgroup (5 characters), and for
penicillins to every penicillin (J01C: the shared beta-lactam ring). Cephalosporins with a
penicillin allergy are a precaution, and so are penicillins with a cephalosporin allergy: cross-reactivity
is rare (about 1–2 %) but reactions can be severe (SFAR/SFA; RCP of the beta-lactams, section 4.3
"antécédents d'hypersensibilité immédiate sévère à une autre bêta-lactamine" and 4.4). A product or an
allergy the reference cannot classify is told by its DCI: French penicillins end in -cilline or -cillinam,
cephalosporins begin with céf-.

Aspirin and the NSAIDs share a cross-intolerance (inhibition of COX-1, not an antibody: the whole family
reacts): an allergy to aspirin or to any NSAID contraindicates every other one, aspirin included at an
antiplatelet dose (RCP of the NSAIDs and of aspirin, rubrique 4.3: "antécédents d'asthme ou de réaction
allergique déclenchés par la prise d'acide acétylsalicylique ou d'autres AINS" ; ANSM, "hypersensibilité
croisée"). An aspirin allergy says nothing of the other antiplatelet drugs of its ATC subgroup (B01AC).
"""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.analysis.case import Case
from comptoir.analysis.findings import Finding, Level
from comptoir.analysis.items import Item
from comptoir.analysis.profile import NSAIDS, line_finding
from comptoir.analysis.reference import AnalysisReference
from comptoir.refdata.search import fold

SOURCE = "Allergie déclarée au dossier ; RCP (rubriques 4.3 et 4.4), recommandations SFAR/SFA"
CLASS_WORDS = {
    "penicilline": ("J01C",), "betalactamine": ("J01C", "J01D"), "beta-lactamine": ("J01C", "J01D"),
    "cephalosporine": ("J01DB", "J01DC", "J01DD", "J01DE"), "sulfamide": ("J01E",), "macrolide": ("J01FA",),
    "quinolone": ("J01M",), "fluoroquinolone": ("J01MA",), "ains": ("M01A", "N02BA"),
    "anti-inflammatoire": ("M01A", "N02BA"), "aspirine": ("N02BA", "B01AC06"), "tetracycline": ("J01AA",),
}
PENICILLINS = ("J01C",)
CEPHALOSPORINS = ("J01DB", "J01DC", "J01DD", "J01DE", "J01DI")
CROSS = {"penicillin": "cephalosporin", "cephalosporin": "penicillin"}
NSAID_FAMILY = ("M01A", "N02BA", "B01AC06")
"""Aspirin and the NSAIDs: one cross-intolerance family."""
NOT_NSAIDS = ("M01AX05", "M01AX21", "M01AX25")
"""Glucosamine, diacerein, chondroitin: in M01A but not anti-inflammatory drugs."""


@dataclass(frozen=True, slots=True)
class Allergy:
    text: str
    substances: frozenset[str]
    atc: tuple[str, ...]


def understand(text: str, reference: AnalysisReference) -> Allergy:
    folded = fold(text).strip()
    for word, prefixes in CLASS_WORDS.items():
        if folded == word or folded.rstrip("s") == word or folded.startswith(word):
            return Allergy(text, frozenset(), prefixes)
    classes = reference.substance_classes or {}
    own = tuple("B01AC06" if atc == "B01AC" else atc for atc in classes.get(folded, ()))
    return Allergy(text, frozenset({folded}), own)


def allergy_findings(items: list[Item], case: Case, reference: AnalysisReference) -> list[Finding]:
    allergies = [understand(text, reference) for text in case.patient.allergies if text.strip()]
    findings = []
    for item in items:
        if item.is_history or item.product is None:
            continue
        for allergy in allergies:
            found = _allergy_finding(item, allergy, reference.atc_of(item.product))
            if found is not None:
                findings.append(found)
    return findings


def _allergy_finding(item: Item, allergy: Allergy, atc: str) -> Finding | None:
    assert item.product is not None
    for component in item.product.components:
        if fold(component.name) in allergy.substances:
            return line_finding(item, component, Level.CI, f"Allergie déclarée à {allergy.text}.", SOURCE,
                                    kind="allergy")
    if not item.product.components:
        return None
    first = item.product.components[0]
    beta_lactam = _beta_lactam(atc, [fold(c.name) for c in item.product.components])
    both_penicillins = beta_lactam == "penicillin" and "penicillin" in _beta_lactams(allergy)
    if _same_class(atc, allergy.atc) or both_penicillins:
        return line_finding(item, first, Level.CI,
                            f"Allergie déclarée à {allergy.text} : même classe ({atc[:5] or 'pénicillines'}).",
                            SOURCE, kind="allergy")
    if _nsaid_product(item, atc) and (any(_is_nsaid(prefix) for prefix in allergy.atc)
                                      or any(_nsaid_name(name) for name in allergy.substances)):
        return line_finding(item, first, Level.CI,
                            f"Allergie déclarée à {allergy.text} : hypersensibilité croisée entre l'aspirine et "
                            "les AINS ; contre-indiqué.", SOURCE, kind="allergy")
    if beta_lactam and CROSS[beta_lactam] in _beta_lactams(allergy):
        return line_finding(item, first, Level.PE,
                            f"Allergie déclarée à {allergy.text} : réactivité croisée possible entre pénicillines et "
                            "céphalosporines (rare mais parfois grave) ; vérifier la nature de l'allergie.", SOURCE,
                            kind="allergy")
    return None


def _beta_lactam(atc: str, names: list[str]) -> str:
    """"penicillin", "cephalosporin" or "": by the ATC code, or by the DCI when no ATC is known."""
    if atc.startswith(PENICILLINS) or (not atc and any(n.endswith(("cilline", "cillinam")) for n in names)):
        return "penicillin"
    if atc.startswith(CEPHALOSPORINS) or (not atc and any(n.startswith("cef") for n in names)):
        return "cephalosporin"
    return ""


def _beta_lactams(allergy: Allergy) -> set[str]:
    kinds = {_beta_lactam(prefix, []) for prefix in allergy.atc}
    kinds |= {_beta_lactam("", [name]) for name in allergy.substances}
    return kinds - {""}


def _is_nsaid(atc: str) -> bool:
    return atc.startswith(NSAID_FAMILY) and not atc.startswith(NOT_NSAIDS)


def _nsaid_name(folded: str) -> bool:
    return folded.startswith((*NSAIDS, "acide acetylsalicylique"))


def _nsaid_product(item: Item, atc: str) -> bool:
    """An NSAID by its ATC code or, for a generic the BDPM left without one, by its substance."""
    assert item.product is not None
    return _is_nsaid(atc) or (not atc and any(_nsaid_name(fold(c.name)) for c in item.product.components))


def _same_class(atc: str, prefixes: tuple[str, ...]) -> bool:
    # Every penicillin shares the allergenic ring: a penicillin allergy covers J01C as a whole.
    widened = {p[:4] if p.startswith("J01C") else p for p in prefixes}
    return any(atc.startswith(p) for p in widened)

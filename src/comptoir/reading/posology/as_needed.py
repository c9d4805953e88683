"""As-needed cues: "si besoin", "en cas de douleur", "à la demande"..."""

from __future__ import annotations

from comptoir.reading.posology.patterns import _C, _blank

_AS_NEEDED = _C(
    r"\bsi\s+(?!possible\b|pas\b|persistance\b|aggravation\b|absence\b|echec\b|inefficac|intolerance\b"
    r"|oubli\b|grossesse\b|vous\b|il\b|elle\b|le\s+patient|effets?\s)[a-z>]|\bs'il\b|\ben\s+cas\s+d(?!'oubli)"
    r"|\bsb\b|\ba\s+la\s+demande\b|\bau\s+besoin\b"
    r"|\b(?:selon|en\s+fonction\s+d(?:e|es|u|')?)\s*(?:(?:les|la|le|l')\s*)?(?:intensite\s+(?:de\s+la|des)\s+)?"
    r"(?:besoins?|douleurs?|symptomes?|genes?|crises?|demangeaisons?|poussees?)\b"
    r"|\bprn\b|\b(?:lors|au\s+moment|pendant)\s+(?:des|les|de\s+la|d'une)\s+(?:crises?|douleurs?)\b"
    r"|\bdes\s+(?:les\s+)?premiers\s+(?:symptomes|signes)"
)
# A condition on how to take the drug, not on whether to take it: "si difficulté à avaler, ouvrir
# la gélule", "si vomissement dans l'heure, reprendre 1 cp".
_HOW_TO_TAKE = _C(
    r"\b(?:si|en\s+cas\s+d(?:e\b|'))\s*(?:(?:des?|la|les)\s+)?"
    r"(?:(?:difficultes?|troubles?|problemes?)\s+(?:a|de|d')\s*(?:avaler|deglut\w*|la\s+deglutition)"
    r"|vomissements?\s+(?:dans|moins\s+d|apres|suivant)|sonde\b|alimentation\s+par\s+sonde)"
)


def _is_as_needed(normalized: str) -> bool:
    return bool(_AS_NEEDED.search(_HOW_TO_TAKE.sub(_blank, normalized)))

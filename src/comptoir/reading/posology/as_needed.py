"""As-needed cues: "si besoin", "en cas de douleur", "à la demande"..."""

from __future__ import annotations

from comptoir.reading.posology.patterns import _C

_AS_NEEDED = _C(
    r"\bsi\s+(?!possible\b|pas\b|persistance\b|aggravation\b|absence\b|echec\b|inefficac|intolerance\b"
    r"|oubli\b|grossesse\b|vous\b|il\b|elle\b|le\s+patient|effets?\s)[a-z>]|\bs'il\b|\ben\s+cas\s+d(?!'oubli)"
    r"|\bsb\b|\ba\s+la\s+demande\b|\bau\s+besoin\b|\bselon\s+(?:les\s+)?(?:besoins?|douleurs?|symptomes?)\b"
    r"|\bprn\b|\b(?:lors|au\s+moment|pendant)\s+(?:des|les|de\s+la|d'une)\s+(?:crises?|douleurs?)\b"
    r"|\bdes\s+(?:les\s+)?premiers\s+(?:symptomes|signes)"
)

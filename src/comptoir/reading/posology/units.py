"""Units and forms: the singular French noun a dose is counted in."""

from __future__ import annotations

from comptoir.reading.posology.patterns import _C

_SPOON = r"(?:cuill?(?:er|ere|eree|iere)?s?\.?|c\.?)\s*(?:a|de)?\s*"
# (canonical name, pattern after a number, standalone pattern or "" when too ambiguous alone)
_UNIT_TABLE: tuple[tuple[str, str, str], ...] = (
    ("cuillère à café", rf"{_SPOON}(?:cafe|c\b\.?)|c\.a\.c\.?|cac|petites?\s+cuill\w*",
     r"cuill\w*\s+a\s+cafe"),
    ("cuillère à soupe", rf"{_SPOON}(?:soupe|s\b\.?)|c\.a\.s\.?|cas|grandes?\s+cuill\w*",
     r"cuill\w*\s+a\s+soupe"),
    ("cuillère à dessert", rf"{_SPOON}dessert", ""),
    ("cuillère-mesure", r"cuill?(?:er|ere|eree)s?[- ]mesures?", r"cuill\w*[- ]mesures?"),
    ("cuillère", r"cuill?(?:er|ere|eree|iere)s?\.?", ""),
    ("mesurette", r"mesurettes?", r"mesurettes?"),
    ("comprimé", r"comprimes?|cprs?|cps?|cpes?|comps?", r"comprimes?|cprs?|cps?"),
    ("gélule", r"gelules?|gels?|gelu", r"gelules?"),
    ("sachet", r"sachets?(?:[- ]doses?)?|sachs?", r"sachets?"),
    ("goutte", r"gouttes?|gttes?|gtts?|gtes?", r"gouttes?|gttes?|gtt|instill(?:er|ez)\b|collyres?"),
    ("dose-poids", r"doses?[- ](?:poids|kg)", r"doses?[- ]poids"),
    ("ml", r"ml|millilitres?", ""),
    ("mg", r"mg|milligrammes?", ""),
    ("µg", r"µg|mcg|ug|microgrammes?|gammas?", ""),
    ("g", r"g|grammes?|gr", ""),
    ("UI", r"u\.?i\.?|unites?\s+internationales?", r"ui"),
    ("unité", r"unites?", ""),
    ("application", r"applications?|appli?", r"applications?|appliqu\w*|badigeonn\w*"),
    ("bouffée", r"bouffees?|puffs?|bouf", r"bouffees?"),
    ("inhalation", r"inhalations?|inh", r"inhalations?"),
    ("injection", r"injections?|inj|piqures?", r"injections?|inj|injecte[rz]?"),
    ("suppositoire", r"suppositoires?|suppos?|supp?", r"suppositoires?|suppos?|supp"),
    ("ampoule", r"ampoules?|amps?|ampl", r"ampoules?"),
    ("dose", r"doses?", r"doses?"),
    ("pulvérisation", r"pulverisations?|pulv|sprays?", r"pulverisations?"),
    ("nébulisation", r"nebulisations?|aerosols?", r"nebulisations?"),
    ("patch", r"patchs?|patches|timbres?|dispositifs?(?:\s+transdermiques?)?",
     r"patchs?|dispositifs?\s+transdermiques?"),
    ("emplâtre", r"emplatres?", r"emplatres?"),
    ("ovule", r"ovules?", r"ovules?"),
    ("capsule", r"capsules?", r"capsules?"),
    ("flacon", r"flacons?", ""),
    ("tube", r"tubes?", ""),
    ("pastille", r"pastilles?", r"pastilles?"),
    ("granule", r"granules?", r"granules?"),
    ("lyophilisat", r"lyophilisats?", r"lyophilisats?"),
    ("pipette", r"pipettes?", r"pipettes?"),
    ("unidose", r"unidoses?|recipients?\s+unidoses?", r"unidoses?"),
    ("dosette", r"dosettes?", r"dosettes?"),
    ("seringue", r"seringues?", ""),
    ("stylo", r"stylos?", ""),
    ("lavement", r"lavements?", r"lavements?"),
    ("compresse", r"compresses?", r"compresses?"),
    ("instillation", r"instillations?", r"instillations?"),
    ("mesure", r"mesures?", ""),
    ("gomme", r"gommes?", r"gommes?"),
    ("bain de bouche", r"bains?\s+de\s+bouche", ""),
    ("gargarisme", r"gargarismes?", ""),
    ("pression", r"pressions?", ""),
    ("cachet", r"cachets?", r"cachets?"),
    ("dragée", r"dragees?", r"dragees?"),
    ("poche", r"poches?", ""),
    ("bouteille", r"bouteilles?", r"bouteilles?"),
)
_UNIT_NAMES = tuple(name for name, _, _ in _UNIT_TABLE)
_UNIT = "(?:" + "|".join(pattern for _, pattern, _ in _UNIT_TABLE) + ")(?![a-z])"
_UNIT_LOOKUP = _C("|".join(f"(?P<u{i}>{pattern})" for i, (_, pattern, _) in enumerate(_UNIT_TABLE)))
_STANDALONE = _C("|".join(f"\\b(?P<u{i}>{alone})(?![a-z])"
                          for i, (_, _, alone) in enumerate(_UNIT_TABLE) if alone))
_STANDALONE_GEL = _C(r"\bgél\.?(?![a-zé])")
_MASS_UNITS = {"mg": 1.0, "g": 1000.0, "µg": 0.001}
_NON_COUNT = {"mg", "g", "µg", "ml", "UI", "unité"}


def _canonical_unit(text: str) -> str | None:
    match = _UNIT_LOOKUP.fullmatch(text.strip())
    return _UNIT_NAMES[int(match.lastgroup[1:])] if match and match.lastgroup else None


def _standalone_unit(normalized: str, original: str) -> str | None:
    match = _STANDALONE.search(normalized)
    if match and match.lastgroup:
        return _UNIT_NAMES[int(match.lastgroup[1:])]
    return "gélule" if _STANDALONE_GEL.search(original.lower()) else None

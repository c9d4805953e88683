"""Map the substance names of the ANSM interaction thesaurus to BDPM substances.

Sources: the ANSM "Thésaurus des interactions médicamenteuses" (protagonist headers,
upper case, and class member lists, lower case with inconsistent accents) and the
substance names of the BDPM file CIS_COMPO (upper case, accented, carrying salt forms:
"CHLORHYDRATE D'HYDROXYZINE", "ESCITALOPRAM (OXALATE D')", "AMOXICILLINE TRIHYDRATÉE").
This module is pure: the caller reads the files and passes names in.

A thesaurus name is matched by the first rule that finds something, in this order:

1. ``exact``: both names are equal once folded (lower case, no accents, ligatures and
   apostrophes unified, punctuation turned into spaces).
2. ``normalised``: both names reduce to the same key with `normalise_substance_name`,
   which removes salts, esters, hydration and plant-part wording, so that every salt
   of one molecule shares one key.
3. ``synonym``: the curated `SYNONYMS` table (spelling differences between the two
   sources), or the element rule: a bare element ("FER", "POTASSIUM", "CALCIUM") stands
   for its mineral salts ("SULFATE FERREUX", "CHLORURE DE POTASSIUM").
4. ``fuzzy``: a last resort for spelling variants ("sulfafurazol"/"sulfafurazole",
   "tiabendazole"/"thiabendazole"). Candidates come from rapidfuzz with a strict score,
   and the difference must be an orthographic one only (an added or dropped "h", a final
   "e", y/i, c/k), so that different molecules such as prednisone and prednisolone are
   never merged.

Rules 1 to 3 add up: a thesaurus name receives every BDPM code whose name has the same
key, plus the synonym targets, and its method is the strongest rule that contributed.
Names that match nothing are absent from the result; many thesaurus substances are not
marketed in France.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

METHODS = ("exact", "normalised", "synonym", "fuzzy")
"""Match methods, strongest first."""

FUZZY_MIN_SCORE = 92.0
"""Minimum rapidfuzz ratio (0-100) between normalised names for a fuzzy candidate."""

FUZZY_MIN_LENGTH = 7
"""Names shorter than this are never matched fuzzily."""

# Anions that stay attached to a mineral cation: "chlorure de sodium" is a substance in its
# own right, while "chlorhydrate de tramadol" is tramadol.
MINERAL_ANIONS = frozenset(
    """acetate amino aspartate bicarbonate bromure carbonate chlorure citrate dicitrate dichromate
    dihydrogenophosphate fluorure fumarate glubionate glucoheptonate gluconate gluconolactate
    glycerophosphate hydrogenophosphate hydroxyde iodure lactate lactogluconate monofluorophosphate
    nitrate oxalate oxyde peroxyde phosphate pidolate selenite silicate sous succinate sulfate
    sulfonate sulfure heptasulfure tartrate thiosulfate trisilicate""".split()
)

# Anions and esters removed in front of (or after) an organic molecule.
SALT_WORDS = MINERAL_ANIONS | frozenset(
    """aceponate acetonide benzoate besilate bitartrate bromhydrate butyrate camsilate caproate
    chlorhydrate cipionate decanoate dichlorhydrate diisethionate dimesilate dipropionate
    edisilate embonate enantate enanthate estolate ethylsuccinate furoate hemifumarate hemisuccinate
    hemitartrate hydrochlorure hydrogenofumarate hydrogenomaleate hydrogenosuccinate hydrogenosulfate
    hydrogenotartrate iodhydrate isethionate lactobionate maleate mesilate mesylate metasulfobenzoate
    metilsulfate napadisilate palmitate pamoate pivalate propionate stearate tosilate undecanoate
    valerate xinafoate""".split()
)

# Words that qualify a salt ("phosphate sodique de", "oxalate acide de").
SALT_QUALIFIERS = frozenset("acide neutre sodique disodique monosodique potassique".split())

# Metal and mineral cations: "oxyde d'aluminium" and "chlorure de sodium" keep their anion.
MINERAL_CATIONS = frozenset(
    """aluminium ammonium argent baryum bismuth calcium cuivre fer gallium lanthane lithium magnesium
    manganese potassium sodium strontium zinc""".split()
)

# Cations that are counter-ions when they follow a non-mineral anion ("valproate de sodium").
COUNTER_CATIONS = frozenset(
    "sodium potassium calcium magnesium lithium zinc lysine meglumine arginine trometamol".split()
)

# Trailing adjectives or nouns naming the counter-ion of a drug ("pravastatine sodique").
_CATION_SUFFIX = (
    r"(?:mono|di|tri|tetra)?(?:sodique|potassique|calcique|magnesique|magnesien)"
    r"|sodium|potassium|calcium|magnesium|trometamol|meglumine|lysine|tert butylamine|erbumine"
)

_FORM_WORDS = re.compile(
    r"\b(?:(?:mono|di|tri|tetra|penta|hexa|hepta|octa|sesqui|hemi)?hydrate(?:e|s|es)?"
    r"|anhydre|base|dessechee?|cristallisee?|micronisee?|lourde?|legere?|racemique|dl|sel de sodium)\b"
)

# Words describing the plant part or preparation of a herbal substance.
PLANT_WORDS = frozenset(
    """extrait extraits sec seche mou fluide aqueux titre raffine et quantifie hydroalcoolique lipido
    sterolique teinture poudre huile essentielle essence suc jus presse deshydrate feuille feuilles racine
    racines ecorce tige rhizome fruit fruits fleur fleurs graine graines sommite sommites fleurie fleuries
    partie parties aerienne aeriennes souterraine fraiche fraiches bulbe thalle tegument pericarpe pistil
    la le les""".split()
)

_ELEMENT_WORDS: dict[str, frozenset[str]] = {
    "fer": frozenset({"fer", "ferreux", "ferrique"}),
    "fluor": frozenset({"fluor", "fluorure"}),
    "calcium": frozenset({"calcium"}),
    "magnesium": frozenset({"magnesium"}),
    "potassium": frozenset({"potassium"}),
    "zinc": frozenset({"zinc"}),
    "lithium": frozenset({"lithium"}),
    "strontium": frozenset({"strontium"}),
    "lanthane": frozenset({"lanthane"}),
}
"""Bare elements of the thesaurus and the words that name them in a mineral salt."""

_ELEMENT_MARKERS = frozenset({"ferreux", "ferrique", "fluorure"})
_ELEMENT_QUALIFIERS = frozenset({"element", "ferrique", "colloidal", "metallique"})

_ISOTOPE = re.compile(r"\d+ ?m?[a-z]{1,2}")
"""A radionuclide in parentheses, "(18f)" or "(99mtc)": kept, it tells a tracer from a drug."""

_LEADING_CHUNK = re.compile(r"^([a-z ]+?)(?: de la | des | du | de | d'| l')(.+)$")

_PSEUDO_NAMES = frozenset(
    {"alcool (boisson ou excipient)", "pamplemousse (jus et fruit)", "pamplemousse", "preservatifs en latex"}
)

SYNONYMS: dict[str, tuple[str, ...]] = {}
"""Thesaurus spelling -> BDPM spelling(s), compared after `normalise_substance_name`."""


BdpmSubstances = Mapping[str, str | Collection[str]]
"""BDPM substance code -> its name, or every name CIS_COMPO gives that code."""


@dataclass(frozen=True, slots=True)
class SubstanceMatch:
    """The BDPM substance codes found for one thesaurus name, and how they were found."""

    thesaurus_name: str
    bdpm_codes: tuple[str, ...]
    method: str


# --- Folding and normalisation ------------------------------------------------------------


def fold_name(name: str) -> str:
    """Lower case without accents; ligatures, apostrophes and punctuation unified."""
    text = name.lower().replace("œ", "oe").replace("æ", "ae")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"[’‘ʼ`´¿]", "'", text).replace("[", "(").replace("]", ")")
    text = re.sub(r"[^a-z0-9()' ]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\(\s*", "(", re.sub(r"\s*\)", ")", text))
    return re.sub(r"\b([dl])' *", r"\1'", text)


def normalise_substance_name(name: str) -> str:
    """The molecule key of a substance name: folded, salts, hydration and plant parts removed.

    "CHLORHYDRATE D'HYDROXYZINE" -> "hydroxyzine"; "ESCITALOPRAM (OXALATE D')" ->
    "escitalopram"; "sodium (bicarbonate de)" -> "bicarbonate de sodium"; an acid and its
    salts share the anion's name: "acide valproïque" and "VALPROATE DE SODIUM" -> "valproate".
    """
    text = _unwrap_parentheses(fold_name(name))
    text = _FORM_WORDS.sub(" ", text)
    text = _strip_plant_words(_squash(text))
    for _ in range(3):
        text = _strip_salt(text)
    return _acid_to_anion(text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _unwrap_parentheses(text: str) -> str:
    """"escitalopram (oxalate d')" -> "oxalate d'escitalopram"; qualifiers in parentheses go."""
    base, _, rest = text.partition("(")
    if not rest:
        return text
    result = base.strip()
    for group, tail in re.findall(r"\(([^()]*)\)?([^()]*)", text[len(base) :]):
        result = _apply_group(result, group.strip())
        result = _apply_group(result, tail.strip()) if tail.strip().endswith((" de", "d'")) else (
            f"{result} {tail.strip()}".strip()
        )
    return _squash(result)


def _apply_group(result: str, group: str) -> str:
    if group.endswith(" de") or group == "de":
        return f"{group} {result}"
    if group.endswith("'"):
        return f"{group}{result}"
    if group in ("acide", "toxine"):
        return f"{group} {result}"
    if _ISOTOPE.fullmatch(group):
        return f"{result} {group.replace(' ', '')}"
    return result


def _strip_plant_words(text: str) -> str:
    """"extrait sec de feuille de ginkgo" -> "ginkgo"; "huile essentielle de niaouli" -> "niaouli"."""
    while (chunk := _LEADING_CHUNK.match(text)) and set(chunk.group(1).split()) <= PLANT_WORDS:
        text = chunk.group(2)
    return text


def _strip_salt(text: str) -> str:
    """Remove one layer of salt: "chlorhydrate de X", "X maleate", "X sodique", "X de sodium"."""
    words = text.split()
    prefix = re.match(r"^((?:[a-z]+ )+?)(?:de |d')(.+)$", text)
    if prefix and _is_salt_prefix(prefix.group(1).split()) and prefix.group(2).split()[0] not in MINERAL_CATIONS:
        return prefix.group(2)
    if len(words) > 1 and words[-1] in SALT_WORDS and words[-2] not in MINERAL_CATIONS:
        return text.rsplit(" ", 1)[0]
    suffix = re.match(rf"^(.+?) (?:{_CATION_SUFFIX})$", text)
    if suffix and not suffix.group(1).endswith((" de", " d'")):
        return suffix.group(1)
    counter = re.match(r"^(.+) (?:de |d')([a-z]+)$", text)
    if counter and counter.group(2) in COUNTER_CATIONS and counter.group(1).split()[-1] not in MINERAL_ANIONS:
        return counter.group(1)
    return text


def _is_salt_prefix(words: list[str]) -> bool:
    return words[0] in SALT_WORDS and all(w in SALT_WORDS or w in SALT_QUALIFIERS for w in words)


def _acid_to_anion(text: str) -> str:
    """"acide valproique" -> "valproate", the form its salts take once the cation is removed."""
    text = re.sub(r"^([a-z]+ique) acide\b", r"acide \1", text)
    return re.sub(r"^acide ([a-z]+)ique\b", r"\1ate", text)


# --- Pseudo protagonists -------------------------------------------------------------------


def is_pseudo_protagonist(name: str) -> bool:
    """True for thesaurus headers that are not substances ("AUTRES ...", "PAMPLEMOUSSE", ...)."""
    folded = fold_name(name)
    return (
        folded in _PSEUDO_NAMES
        or folded.startswith(("autres ", "autre ", "medicaments ", "alcool", "pamplemousse"))
        or "(autres)" in folded
    )


def substance_names(non_class_protagonists: Iterable[str], class_members: Iterable[str]) -> list[str]:
    """The thesaurus names that denote substances, first spelling kept, pseudo headers dropped."""
    seen: dict[str, str] = {}
    for name in [*non_class_protagonists, *class_members]:
        if not is_pseudo_protagonist(name):
            seen.setdefault(fold_name(name), name)
    return list(seen.values())


# --- Mapping -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Index:
    """BDPM codes by folded name and by normalised key."""

    by_fold: dict[str, set[str]]
    by_key: dict[str, set[str]]


def _build_index(bdpm_substances: BdpmSubstances) -> _Index:
    index = _Index(defaultdict(set), defaultdict(set))
    for code, names in bdpm_substances.items():
        for name in (names,) if isinstance(names, str) else names:
            if "homeopathique" not in fold_name(name):
                index.by_fold[fold_name(name)].add(code)
                index.by_key[normalise_substance_name(name)].add(code)
    return index


def map_thesaurus_names(
    thesaurus_names: Iterable[str], bdpm_substances: BdpmSubstances
) -> dict[str, SubstanceMatch]:
    """Match each thesaurus name to BDPM substance codes; unmatched names are left out.

    `bdpm_substances` maps a substance code to its name; a code may also map to all the
    spellings CIS_COMPO gives it (530 codes have several, e.g. "SEVORANE"/"SÉVOFLURANE").
    """
    index = _build_index(bdpm_substances)
    synonyms = _synonym_index()
    matches: dict[str, SubstanceMatch] = {}
    unmatched: list[str] = []
    for name in thesaurus_names:
        match = _match_one(name, index, synonyms)
        if match:
            matches[name] = match
        else:
            unmatched.append(name)
    matches.update(_fuzzy_matches(unmatched, index))
    return matches


def _match_one(name: str, index: _Index, synonyms: Mapping[str, tuple[str, ...]]) -> SubstanceMatch | None:
    key = normalise_substance_name(name)
    found = {
        "exact": index.by_fold.get(fold_name(name), set()),
        "normalised": index.by_key.get(key, set()),
        "synonym": _synonym_codes(key, index, synonyms),
    }
    codes = set().union(*found.values())
    if not codes:
        return None
    method = next(m for m in METHODS if found.get(m))
    return SubstanceMatch(name, tuple(sorted(codes)), method)


def _synonym_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for source, targets in SYNONYMS.items():
        key = normalise_substance_name(source)
        index[key] = index.get(key, ()) + tuple(normalise_substance_name(t) for t in targets)
    return index


def _synonym_codes(key: str, index: _Index, synonyms: Mapping[str, tuple[str, ...]]) -> set[str]:
    codes: set[str] = set()
    for target in synonyms.get(key, ()):
        codes |= index.by_key.get(target, set())
    if key in _ELEMENT_WORDS:
        for bdpm_key in index.by_key:
            if _is_element_salt(bdpm_key, _ELEMENT_WORDS[key]):
                codes |= index.by_key[bdpm_key]
    return codes


def _is_element_salt(key: str, forms: frozenset[str]) -> bool:
    """"sulfate ferreux", "chlorure de potassium", "calcium element": a mineral form of the element."""
    words = key.replace("'", "' ").split()
    if not forms.intersection(words) or re.search(r"\d", key):
        return False
    if forms.intersection(words) & _ELEMENT_MARKERS or words[0] in forms and len(words) == 1:
        return True
    if words[0] in forms:
        return words[1] in _ELEMENT_QUALIFIERS
    return words[0] in MINERAL_ANIONS and len(words) <= 4


# --- Fuzzy last resort ---------------------------------------------------------------------


def _fuzzy_matches(names: list[str], index: _Index) -> dict[str, SubstanceMatch]:
    choices = list(index.by_key)
    matches: dict[str, SubstanceMatch] = {}
    for name in names:
        key = normalise_substance_name(name)
        if len(key) < FUZZY_MIN_LENGTH:
            continue
        candidates = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE, limit=5)
        codes = {c for choice, _, _ in candidates if is_spelling_variant(key, choice) for c in index.by_key[choice]}
        if codes:
            matches[name] = SubstanceMatch(name, tuple(sorted(codes)), "fuzzy")
    return matches


def is_spelling_variant(first: str, second: str) -> bool:
    """True when two names differ only by spelling: an "h", a final "e", y/i or c/k, at most twice."""
    if abs(len(first) - len(second)) > 2:
        return False
    ops = Levenshtein.editops(first, second)
    return 0 < len(ops) <= 2 and all(_is_spelling_op(op.tag, first, second, op.src_pos, op.dest_pos) for op in ops)


def _is_spelling_op(tag: str, first: str, second: str, src: int, dest: int) -> bool:
    if tag == "replace":
        return {first[src], second[dest]} in ({"y", "i"}, {"c", "k"})
    letter, pos, word = (second[dest], dest, second) if tag == "insert" else (first[src], src, first)
    if letter == "h":
        return pos > 0 and word[pos - 1] in "tcpr"
    return letter == "e" and pos == len(word) - 1


def coverage(thesaurus_names: Iterable[str], matches: Mapping[str, SubstanceMatch]) -> tuple[int, int]:
    """(matched, total) over the distinct folded thesaurus names."""
    total: set[str] = set()
    matched: set[str] = set()
    for name in thesaurus_names:
        total.add(fold_name(name))
        if name in matches:
            matched.add(fold_name(name))
    return len(matched), len(total)

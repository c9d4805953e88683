"""Map the substance names of the ANSM interaction thesaurus to BDPM substances.

Sources
-------
* ANSM, "Thésaurus des interactions médicamenteuses" (edition of 15 September 2023):
  protagonist headers ("ACIDE ACETYLSALICYLIQUE", upper case, accents not always printed)
  and class member lists ("sodium (bicarbonate de)", "pipéraquine", lower case, inconsistent
  accents).
* BDPM, file CIS_COMPO: substance code and substance name, upper case and accented, carrying
  the salt, ester or hydrate actually used ("CHLORHYDRATE D'HYDROXYZINE", "ESCITALOPRAM
  (OXALATE D')", "AMOXICILLINE TRIHYDRATÉE"). One code can have several spellings.

The module is pure: the caller reads the files and passes names in.

Rules
-----
A thesaurus name collects BDPM substance codes from three rules, and its method is the
strongest rule that found something:

1. ``exact``: the names are equal once folded by `fold_name` (lower case, no accents,
   ligatures, apostrophes and punctuation unified).
2. ``normalised``: the names share the key given by `normalise_substance_name`, which
   removes salts, esters, hydration and herbal preparation wording, so that every salt of a
   molecule shares one key, and turns an acid into the anion its salts are named after
   ("acide valproïque" and "VALPROATE DE SODIUM" -> "valproate").
3. ``synonym``: the curated `SYNONYMS` table, or the element rule: a bare element of the
   thesaurus ("FER", "POTASSIUM", "CALCIUM", ...) stands for its mineral salts ("SULFATE
   FERREUX", "CHLORURE DE POTASSIUM"), never for a drug sold as that salt ("LOSARTAN
   POTASSIQUE").

Only names that none of these rules matched go to the last resort, ``fuzzy``: rapidfuzz
proposes BDPM keys at a strict score, and a candidate is kept only when the difference is
orthographic (an "h" after t/c/p/r, a final "e", y/i, c/k), the names are long enough and
the candidate is not itself the key of another thesaurus name. Prednisone and prednisolone,
which differ by two real letters, are therefore never merged.

Names that match nothing are absent from the result: many thesaurus substances are not, or
no longer, marketed in France. Homeopathic stocks ("... POUR PRÉPARATIONS HOMÉOPATHIQUES")
are never matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

METHODS = ("exact", "normalised", "synonym", "fuzzy")
"""Match methods, strongest first."""

FUZZY_MIN_SCORE = 90.0
"""Minimum rapidfuzz ratio (0-100) between two keys for a fuzzy candidate."""

FUZZY_MIN_LENGTH = 7
"""Keys shorter than this are never matched fuzzily."""

BdpmSubstances = Mapping[str, str | Collection[str]]
"""BDPM substance code -> its name, or every name CIS_COMPO gives that code."""

# --- Vocabulary ----------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MINERAL_ANIONS = _words(
    """acetate amino aspartate bicarbonate bromure carbonate chlorure citrate dicitrate dichromate
    dihydrogenophosphate fluorure fumarate glubionate glucoheptonate gluconate gluconolactate
    glycerophosphate hydrogenophosphate hydroxyde iodure lactate lactogluconate monofluorophosphate
    nitrate oxalate oxyde peroxyde phosphate pidolate selenite silicate sous succinate sulfate
    sulfonate sulfure heptasulfure tartrate thiosulfate trisilicate"""
)
"""Anions kept in front of a mineral cation: "chlorure de sodium" is a substance of its own."""

SALT_WORDS = MINERAL_ANIONS | _words(
    """aceponate acetonide benzoate besilate bitartrate bromhydrate butyrate camsilate caproate
    chlorhydrate cipionate decanoate dichlorhydrate diisethionate dimesilate dipropionate edisilate
    embonate enantate enanthate estolate ethylsuccinate furoate hemifumarate hemisuccinate hemitartrate
    hydrochlorure hydrogenofumarate hydrogenomaleate hydrogenosuccinate hydrogenosulfate
    hydrogenotartrate iodhydrate isethionate lactobionate maleate mesilate mesylate metasulfobenzoate
    metilsulfate napadisilate palmitate pamoate pivalate propionate stearate tetraphosphate tosilate
    undecanoate valerate xinafoate"""
)
"""Anions and esters removed around an organic molecule: "chlorhydrate de tramadol" -> "tramadol"."""

SALT_QUALIFIERS = _words("acide neutre sodique disodique monosodique potassique")
"""Words that may follow a salt word: "phosphate sodique de", "oxalate acide de"."""

MINERAL_CATIONS = _words(
    """aluminium ammonium argent baryum bismuth calcium cuivre fer gallium lanthane lithium magnesium
    manganese potassium sodium strontium zinc"""
)
"""Metal cations: "oxyde d'aluminium" keeps its anion."""

COUNTER_CATIONS = _words(
    "sodium potassium calcium magnesium lithium zinc lysine meglumine arginine trometamol"
)
"""Counter-ions dropped after a drug anion: "valproate de sodium" -> "valproate"."""

_CATION_SUFFIX = re.compile(
    r"^(.+?) (?:(?:mono|di|tri|tetra)?(?:sodique|potassique|calcique|magnesique|magnesien)"
    r"|sodium|potassium|calcium|magnesium|trometamol|meglumine|lysine|tert butylamine|erbumine)$"
)
"""A trailing counter-ion: "pravastatine sodique", "omeprazole magnesium"."""

_FORM_WORDS = re.compile(
    r"\b(?:(?:mono|di|tri|tetra|penta|hexa|hepta|octa|sesqui|hemi)?hydrate(?:e|s|es)?"
    r"|anhydre|base|dessechee?|cristallisee?|micronisee?|lourde?|legere?|racemique|dl|sel de sodium"
    r"|forme (?:pulverulente|huileuse))\b"
)
"""Hydration, physical form and racemate words, removed wherever they appear."""

PREPARATION_WORDS = _words(
    """extrait extraits sec seche mou fluide aqueux titre raffine et quantifie hydroalcoolique lipido
    sterolique teinture poudre huile essentielle essence suc jus presse deshydrate concentrat feuille
    feuilles racine racines ecorce tige rhizome fruit fruits fleur fleurs graine graines sommite sommites
    fleurie fleuries partie parties aerienne aeriennes souterraine fraiche fraiches bulbe thalle tegument
    pericarpe pistil la le les"""
)
"""Words of a herbal preparation: "extrait sec de feuille de ginkgo" -> "ginkgo"."""

ELEMENTS: dict[str, frozenset[str]] = {
    "fer": frozenset({"ferreux", "ferrique"}),
    "fluor": frozenset({"fluorure"}),
    "calcium": frozenset({"calcique", "dicalcique", "tricalcique"}),
    "magnesium": frozenset({"magnesien", "trimagnesien", "magnesique"}),
    "potassium": frozenset({"potassique", "dipotassique", "monopotassique", "tripotassique"}),
    "zinc": frozenset(),
    "lithium": frozenset(),
    "strontium": frozenset(),
    "lanthane": frozenset(),
}
"""Bare elements of the thesaurus, with the words that name them anywhere in a mineral salt."""

_ELEMENT_QUALIFIERS = frozenset({"element", "ferrique", "colloidal", "metallique"})

_ISOTOPE = re.compile(r"\d+ ?m?[a-z]{1,2}")
"""A radionuclide in parentheses, "(18f)", "(99mtc)": kept, it tells a tracer from a drug."""

_LEADING_CHUNK = re.compile(r"^([a-z ]+?)(?: de la | des | du | de | d'| l')(.+)$")

_PSEUDO_NAMES = frozenset({"alcool", "pamplemousse", "preservatifs en latex"})
_PSEUDO_PREFIXES = ("autres ", "autre ", "medicaments ")

SYNONYMS: dict[str, tuple[str, ...]] = {
    # Common or INN spellings that differ from the BDPM one.
    "aspirine": ("ACIDE ACÉTYLSALICYLIQUE",),
    "cyclosporine": ("CICLOSPORINE",),
    "cholécalciférol": ("COLÉCALCIFÉROL", "VITAMINE D3"),
    "colécalciférol": ("CHOLÉCALCIFÉROL",),
    "acide ascorbique": ("VITAMINE C",),
    "vitamine a": ("RÉTINOL", "CONCENTRAT DE VITAMINE A SYNTHÉTIQUE"),  # retinol and its esters
    "acide valproïque": ("DIVALPROATE DE SODIUM",),  # valproic acid + sodium valproate
    "théine": ("CAFÉINE",),  # same molecule
    "norépinéphrine": ("NORADRÉNALINE",),  # INN of noradrenaline
    "thyroxines": ("LÉVOTHYROXINE", "THYROXINE SODIQUE"),
    "isosorbide": ("DINITRATE D'ISOSORBIDE", "MONONITRATE D'ISOSORBIDE"),
    "arsenieux": ("TRIOXYDE D'ARSENIC",),  # anhydride arsénieux = arsenic trioxide
    "dicitrate trimagnésien": ("CITRATE DE MAGNÉSIUM",),
    "bleu de méthylène": ("CHLORURE DE MÉTHYLTHIONINIUM",),  # INN of methylene blue
    "colistine": ("COLISTIMÉTHATE SODIQUE",),  # the injectable/inhaled prodrug of colistin
    "dabigatran": ("DABIGATRAN ÉTEXILATE",),  # prodrug ester
    "olmésartan": ("OLMÉSARTAN MÉDOXOMIL",),  # prodrug ester
    "loflazépate": ("LOFLAZÉPATE D'ÉTHYLE",),
    "calcitonine": ("CALCITONINE DE SAUMON", "CALCITONINE SALMINE SYNTHÉTIQUE"),
    "altéplase recombinante": ("ALTÉPLASE",),
    "peg-interféron alfa-2a": ("PEGINTERFÉRON ALFA-2A",),
    "benzylpénicilline": ("BENZATHINE BENZYLPÉNICILLINE",),  # benzathine is a salt
    "phénoxyméthylpénicilline": ("BENZATHINE PHÉNOXYMÉTHYLPÉNICILLINE",),
    "piroxicam-bétadex": ("PIROXICAM-BÉTACYCLODEXTRINE (COMPLEXE)", "COMPLEXE PIROXICAM-BÉTACYCLODEXTRINE"),
    # Antibody-drug conjugates and pegylated antibodies: the BDPM names the whole molecule.
    "brentuximab": ("BRENTUXIMAB VÉDOTINE",),
    "sacituzumab": ("SACITUZUMAB GOVITÉCAN",),
    "inotuzumab": ("INOTUZUMAB OZOGAMICINE",),
    "certolizumab": ("CERTOLIZUMAB PÉGOL",),
    "immunoglobulines équines antilymphocyte humain": ("IMMUNOGLOBULINE ÉQUINE ANTI-LYMPHOCYTE T HUMAIN",),
    # Families: a target ending in " *" matches every BDPM name starting with it.
    "insuline": ("INSULINE *",),
    "dextran": ("DEXTRAN *",),
    "botulique (toxine)": ("TOXINE BOTULINIQUE *", "BOTULIQUE (TOXINE) *"),
    "laxatifs (type macrogol)": ("MACROGOL 3350", "MACROGOL 4000"),
    "traitements de substitution nicotinique": (
        "NICOTINE",
        "NICOTINE POLACRILEX",
        "RÉSINATE DE NICOTINE",
        "NICOTINE (CATIORÉSINE CARBOXYLATE DE)",
        "NICOTINE-BÉTADEX (COMPLEXE)",
    ),
    # Herbal and mineral products.
    "cascara sagrada": ("CASCARA",),
    "séné de l'inde": ("SÉNÉ DE L'INDE OU DE TINNEVELLY (FRUIT DE)",),
    "menthe": ("MENTHE POIVRÉE",),  # essential oil of peppermint
    "terpinéol": ("ALPHA-TERPINÉOL",),
    "paraffine": ("PARAFFINE LIQUIDE",),
    "silicone": ("DIMÉTICONE",),  # the silicone oil used as a medicine
    "charbon végétal officinal": ("CHARBON ACTIVÉ",),  # medicinal charcoal
    # Live attenuated vaccines: the BDPM adds the strain; recombinant antigens are not live.
    "bcg": ("BCG *", "BACTÉRIE BCG *"),
    "rotavirus": ("ROTAVIRUS *",),
    "virus de la fièvre jaune": ("VIRUS DE LA FIÈVRE JAUNE *",),
    "virus de la rougeole": ("VIRUS DE LA ROUGEOLE *",),
    "virus des oreillons": ("VIRUS DES OREILLONS *",),
    "virus rubéoleux": ("VIRUS DE LA RUBÉOLE *", "VIRUS RUBÉOLEUX *"),
    "virus varicelle-zona": ("VIRUS DE LA VARICELLE *", "VIRUS VARICELLE-ZONA SOUCHE *"),
}
"""Thesaurus spelling -> BDPM spelling(s); both sides are compared after normalisation."""


@dataclass(frozen=True, slots=True)
class SubstanceMatch:
    """The BDPM substance codes found for one thesaurus name, and how they were found."""

    thesaurus_name: str
    bdpm_codes: tuple[str, ...]
    method: str


# --- Folding and normalisation ------------------------------------------------------------


def fold_name(name: str) -> str:
    """Lower case without accents; ligatures, apostrophes, brackets and punctuation unified."""
    text = name.lower().replace("œ", "oe").replace("æ", "ae")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"[’‘ʼ`´¿]", "'", text).replace("[", "(").replace("]", ")")
    text = _squash(re.sub(r"[^a-z0-9()' ]+", " ", text))
    text = re.sub(r"\(\s*", "(", re.sub(r"\s*\)", ")", text))
    return re.sub(r"\b([dl])' *", r"\1'", text)


def normalise_substance_name(name: str) -> str:
    """The molecule key of a substance name.

    "CHLORHYDRATE D'HYDROXYZINE" -> "hydroxyzine"; "ESCITALOPRAM (OXALATE D')" ->
    "escitalopram"; "AMOXICILLINE TRIHYDRATÉE" -> "amoxicilline"; "sodium (bicarbonate de)"
    -> "bicarbonate de sodium"; "MILLEPERTUIS (EXTRAIT SEC DE)" -> "millepertuis";
    "acide valproïque" and "VALPROATE DE SODIUM" -> "valproate".
    """
    text = _squash(_FORM_WORDS.sub(" ", _unwrap_parentheses(fold_name(name))))
    text = _strip_preparation(text)
    for _ in range(3):
        text = _strip_salt(text)
    return _acid_to_anion(text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _unwrap_parentheses(text: str) -> str:
    """Move a parenthesised salt in front: "escitalopram (oxalate d')" -> "oxalate d'escitalopram"."""
    base = text.split("(", 1)[0]
    if base == text:
        return text
    result = base.strip()
    for group, tail in re.findall(r"\(([^()]*)\)?([^()]*)", text[len(base) :]):
        result = _apply_group(result, group.strip())
        tail = tail.strip()
        result = _apply_group(result, tail) if tail.endswith((" de", "'")) else f"{result} {tail}"
    return _squash(result)


def _apply_group(result: str, group: str) -> str:
    """Put a parenthesised "salt de" or "acide" in front; keep an isotope; drop anything else."""
    if group.endswith(" de") or group in ("acide", "toxine"):
        return f"{group} {result}"
    if group.endswith("'"):
        return f"{group}{result}"
    if _ISOTOPE.fullmatch(group):
        return f"{result} {group.replace(' ', '')}"
    return result


def _strip_preparation(text: str) -> str:
    """Drop herbal wording: "extrait sec de feuille de ginkgo" -> "ginkgo"."""
    while (chunk := _LEADING_CHUNK.match(text)) and set(chunk.group(1).split()) <= PREPARATION_WORDS:
        text = chunk.group(2)
    return text


def _strip_salt(text: str) -> str:
    """Remove one layer of salt: "chlorhydrate de X", "X maleate", "X sodique", "X de sodium"."""
    for rule in (_salt_prefix, _salt_suffix, _cation_suffix, _counter_cation):
        stripped = rule(text)
        if stripped != text:
            return stripped
    return text


def _salt_prefix(text: str) -> str:
    match = re.match(r"^((?:[a-z]+ )+?)(?:de |d')(.+)$", text)
    if not match or match.group(2).split()[0] in MINERAL_CATIONS:
        return text
    words = match.group(1).split()
    if words[0] in SALT_WORDS and all(w in SALT_WORDS or w in SALT_QUALIFIERS for w in words):
        return match.group(2)
    return text


def _salt_suffix(text: str) -> str:
    words = text.split()
    if len(words) > 1 and words[-1] in SALT_WORDS and words[-2] not in MINERAL_CATIONS:
        return " ".join(words[:-1])
    return text


def _cation_suffix(text: str) -> str:
    match = _CATION_SUFFIX.match(text)
    if not match or match.group(1).endswith((" de", "d'")) or _is_bare_anion(match.group(1)):
        return text
    return match.group(1)


def _counter_cation(text: str) -> str:
    match = re.match(r"^(.+) (?:de |d')([a-z]+)$", text)
    if match and match.group(2) in COUNTER_CATIONS and not _is_bare_anion(match.group(1).split()[-1]):
        return match.group(1)
    return text


def _is_bare_anion(text: str) -> bool:
    return all(word in MINERAL_ANIONS or word in SALT_QUALIFIERS for word in text.split())


def _acid_to_anion(text: str) -> str:
    """Name an acid by the anion its salts keep without their cation: "acide valproique" -> "valproate"."""
    text = re.sub(r"^([a-z]+ique) acide\b", r"acide \1", text)
    return re.sub(r"^acide ([a-z]+)ique\b", r"\1ate", text)


# --- Which thesaurus names are substances --------------------------------------------------


def is_pseudo_protagonist(name: str) -> bool:
    """True for thesaurus headers that are not substances ("AUTRES ...", "PAMPLEMOUSSE", ...)."""
    folded = fold_name(name)
    head = folded.split("(", 1)[0].strip()
    return head in _PSEUDO_NAMES or folded.startswith(_PSEUDO_PREFIXES) or "(autres)" in folded


def thesaurus_substance_names(
    non_class_protagonists: Iterable[str], class_members: Iterable[str]
) -> list[str]:
    """Protagonists that are not classes plus class members, pseudo headers dropped.

    Names equal once folded are kept once, in their first spelling.
    """
    seen: dict[str, str] = {}
    for name in [*non_class_protagonists, *class_members]:
        if not is_pseudo_protagonist(name):
            seen.setdefault(fold_name(name), name)
    return list(seen.values())


# --- Mapping -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Index:
    """BDPM codes by folded name and by normalised key."""

    by_fold: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_key: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def _build_index(bdpm_substances: BdpmSubstances) -> _Index:
    index = _Index()
    for code, names in bdpm_substances.items():
        for name in (names,) if isinstance(names, str) else names:
            folded = fold_name(name)
            if "homeopathique" not in folded:
                index.by_fold[folded].add(code)
                index.by_key[normalise_substance_name(name)].add(code)
    return index


def map_thesaurus_names(
    thesaurus_names: Iterable[str], bdpm_substances: BdpmSubstances
) -> dict[str, SubstanceMatch]:
    """Match each thesaurus name to BDPM substance codes; unmatched names are left out.

    `bdpm_substances` maps a substance code to its name (SA and FT rows alike); a code may
    also map to all the spellings CIS_COMPO gives it ("SEVORANE" and "SÉVOFLURANE").
    """
    names = list(thesaurus_names)
    index = _build_index(bdpm_substances)
    synonyms = _synonym_index()
    matches: dict[str, SubstanceMatch] = {}
    for name in names:
        if match := _match_one(name, index, synonyms):
            matches[name] = match
    unmatched = [name for name in names if name not in matches]
    taken = {normalise_substance_name(name) for name in names}
    matches.update(_fuzzy_matches(unmatched, index, taken))
    return matches


def _match_one(name: str, index: _Index, synonyms: Mapping[str, tuple[str, ...]]) -> SubstanceMatch | None:
    key = normalise_substance_name(name)
    found = {
        "exact": index.by_fold.get(fold_name(name), set()),
        "normalised": index.by_key.get(key, set()),
        "synonym": _synonym_codes(key, index, synonyms) | _element_codes(key, index),
    }
    codes = set().union(*found.values())
    if not codes:
        return None
    method = next(m for m in METHODS if found.get(m))
    return SubstanceMatch(name, tuple(sorted(codes)), method)


def _synonym_index() -> dict[str, tuple[str, ...]]:
    """SYNONYMS keyed and valued by normalised names; a family target keeps its trailing "*"."""
    index: dict[str, tuple[str, ...]] = {}
    for source, targets in SYNONYMS.items():
        key = normalise_substance_name(source)
        index[key] = index.get(key, ()) + tuple(_normalise_target(t) for t in targets)
    return index


def _normalise_target(target: str) -> str:
    if target.endswith(" *"):
        return normalise_substance_name(target[:-2]) + " *"
    return normalise_substance_name(target)


def _synonym_codes(key: str, index: _Index, synonyms: Mapping[str, tuple[str, ...]]) -> set[str]:
    codes: set[str] = set()
    for target in synonyms.get(key, ()):
        if target.endswith(" *"):
            codes.update(c for k, v in index.by_key.items() if _in_family(k, target[:-2]) for c in v)
        else:
            codes |= index.by_key.get(target, set())
    return codes


def _in_family(key: str, stem: str) -> bool:
    return key == stem or key.startswith(stem + " ")


def _element_codes(key: str, index: _Index) -> set[str]:
    if key not in ELEMENTS:
        return set()
    return {c for k, v in index.by_key.items() if is_element_salt(k, key) for c in v}


def is_element_salt(bdpm_key: str, element: str) -> bool:
    """True when a normalised BDPM name is a mineral form of `element`.

    "sulfate ferreux", "chlorure de potassium", "phosphate dipotassique", "calcium element";
    not a tracer ("chlorure de strontium 82sr") nor a drug anion ("folinate" de calcium).
    """
    words = bdpm_key.replace("'", "' ").split()
    if re.search(r"\d", bdpm_key) or not words:
        return False
    if words[0] == element:
        return len(words) == 1 or (len(words) == 2 and words[1] in _ELEMENT_QUALIFIERS)
    if ELEMENTS.get(element, frozenset()).intersection(words):
        return True
    return words[0] in MINERAL_ANIONS and words[-1] == element and len(words) <= 4


# --- Fuzzy last resort ---------------------------------------------------------------------


def _fuzzy_matches(names: list[str], index: _Index, taken: set[str]) -> dict[str, SubstanceMatch]:
    """Spelling variants only; a key that is another thesaurus name's own key is never used."""
    choices = [key for key in index.by_key if key not in taken]
    matches: dict[str, SubstanceMatch] = {}
    for name in names:
        key = normalise_substance_name(name)
        if len(key) < FUZZY_MIN_LENGTH:
            continue
        found = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE, limit=5)
        variants = [choice for choice, _, _ in found if is_spelling_variant(key, choice)]
        codes = {code for choice in variants for code in index.by_key[choice]}
        if codes:
            matches[name] = SubstanceMatch(name, tuple(sorted(codes)), "fuzzy")
    return matches


def is_spelling_variant(first: str, second: str) -> bool:
    """True when two names differ only by spelling: an "h", a final "e", y/i or c/k, twice at most."""
    if len(first) < FUZZY_MIN_LENGTH or abs(len(first) - len(second)) > 2:
        return False
    ops = Levenshtein.editops(first, second)
    return 0 < len(ops) <= 2 and all(
        _is_spelling_op(o.tag, first, second, o.src_pos, o.dest_pos) for o in ops
    )


def _is_spelling_op(tag: str, first: str, second: str, src: int, dest: int) -> bool:
    if tag == "replace":
        return {first[src], second[dest]} in ({"y", "i"}, {"c", "k"})
    word, pos = (second, dest) if tag == "insert" else (first, src)
    if word[pos] == "h":
        return pos > 0 and word[pos - 1] in "tcpr"
    return word[pos] == "e" and pos == len(word) - 1


def coverage(thesaurus_names: Iterable[str], matches: Mapping[str, SubstanceMatch]) -> tuple[int, int]:
    """(matched, total) over the distinct thesaurus names, counted once folded."""
    total: set[str] = set()
    matched: set[str] = set()
    for name in thesaurus_names:
        total.add(fold_name(name))
        if name in matches:
            matched.add(fold_name(name))
    return len(matched), len(total)

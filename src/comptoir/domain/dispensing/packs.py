"""Which box to give: the BDPM presentations of a product, read as the counter needs them.

A presentation (BDPM file CIS_CIP) says what is in one box in free French ("plaquette(s) PVC
aluminium de 28 comprimé(s)", "2 plaquette(s) de 14 gélule(s)", "1 flacon(s) en verre de 100 ml",
"30 sachet(s)", "boîte de 4 stylos pré-remplis"), whether it is still marketed, whether it is approved
for hospitals ("agrément collectivités"), its reimbursement rate and its price.

Rules kept here:
- a pack approved for hospitals with no reimbursement rate and no price is a hospital pack: never
  proposed at a community pharmacy's counter (it has no public price, CSS L.162-17);
- only marketed presentations are candidates (not "abrogée", no declared stop or suspension);
- the box chosen covers posology × duration with the fewest units left over, a reimbursed one before
  an unreimbursed one, then the fewest boxes, then the cheapest (the pharmacist gives "le conditionnement
  le plus économique compatible avec les mentions figurant sur l'ordonnance", CSS R.163-2 [P]);
- with no posology or duration: the smallest reimbursed retail box, one box or the prescribed boxes.
The posology's unit must be the box's unit (or one the box counts): a posology in mg, drops or spoons
against a box of tablets or a bottle is said, never converted by guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORDS = (
    # (family, pattern of the BDPM word, singular and without "(s)")
    ("comprimé", r"comprim[ée]s?"),
    ("gélule", r"g[ée]lules?"),
    ("capsule", r"capsules?"),
    ("sachet", r"sachets?(?:[- ]doses?)?"),
    ("suppositoire", r"suppositoires?"),
    ("ovule", r"ovules?"),
    ("pastille", r"pastilles?"),
    ("lyophilisat", r"lyophilisats?"),
    ("gomme", r"gommes?"),
    ("patch", r"patch(?:s|es)?|dispositifs? transdermiques?|empl[âa]tres?"),
    ("unidose", r"r[ée]cipients? unidoses?|unidoses?"),
    ("dose", r"doses?|bouff[ée]es?"),
    ("ampoule", r"ampoules?"),
    ("seringue", r"seringues?"),
    ("stylo", r"stylos?"),
    ("cartouche", r"cartouches?"),
    ("flacon", r"flacons?"),
    ("tube", r"tubes?"),
    ("pilulier", r"piluliers?"),
    ("plaquette", r"plaquettes?"),
    ("boîte", r"bo[îi]tes?"),
    ("poche", r"poches?"),
    ("compresse", r"compresses?"),
    ("dispositif", r"dispositifs?"),
    ("film", r"films?"),
    ("ml", r"ml|millilitres?"),
    ("l", r"l|litres?"),
    ("g", r"g|grammes?"),
    ("mg", r"mg"),
    ("UI", r"ui"),
)
_FAMILY = re.compile("|".join(f"(?P<w{i}>{pattern})" for i, (_, pattern) in enumerate(_WORDS)))
_WORD = "(?:" + "|".join(pattern for _, pattern in _WORDS) + r")(?![a-zàâçéèêëîïôûù])"
_CONTENT = re.compile(rf"\b(?:de|contenant)\s+(\d+(?:[.,]\d+)?)\s*({_WORD})")
_MORE = re.compile(rf"^[^+]*?\bet de\s+(\d+(?:[.,]\d+)?)\s*({_WORD})")
_KIT = re.compile(r"\s[+-]\s")
_MEASURES = frozenset({"ml", "l", "g", "mg", "UI"})
_LEADING = re.compile(rf"^(\d+)\s+({_WORD})")

COUNT_UNITS = frozenset({"comprimé", "gélule", "capsule", "sachet", "suppositoire", "ovule", "pastille", "lyophilisat",
                         "gomme", "patch", "unidose", "dose", "ampoule", "seringue", "stylo", "cartouche",
                         "dispositif"})
"""Units a posology counts one by one."""
_SOLID_DOSES = frozenset({"comprimé", "gélule", "capsule", "sachet", "suppositoire", "ovule", "pastille",
                          "lyophilisat", "gomme", "patch"})
"""A posology with no unit ("1 matin et soir") counts these: the box's own unit is meant."""
_POSOLOGY_FAMILY = {"bouffée": "dose", "pulvérisation": "dose", "inhalation": "dose", "dosette": "unidose"}
"""Posology words the BDPM counts under another name: a metered puff or spray is a "dose" of the
device (BDPM labels "flacon pressurisé de 200 doses")."""
_LITRE_ML = 1000.0


@dataclass(frozen=True, slots=True)
class PackContents:
    """What one box holds: `containers` × `per_container` `unit` ("2 plaquettes de 14 gélules": 2 × 14
    gélule; "30 sachets": 30 sachet with nothing per container)."""

    containers: int
    container: str | None
    per_container: float | None = None
    unit: str | None = None

    def amount_in(self, posology_unit: str | None) -> float | None:
        """The box in the posology's unit, None when the two cannot be matched."""
        wanted = _posology_family(posology_unit, self)
        if wanted is None:
            return None
        if self.unit == wanted and self.per_container:
            return self.containers * self.per_container
        if self.unit == "l" and wanted == "ml" and self.per_container:
            return self.containers * self.per_container * _LITRE_ML
        if self.container == wanted:
            return float(self.containers)
        return None

    @property
    def counted(self) -> tuple[int, str] | None:
        """The box as a number of dose units: (28, "comprimé"), (10, "ampoule"); None for a volume or mass."""
        if self.unit in COUNT_UNITS and self.per_container:
            return round(self.containers * self.per_container), self.unit
        if self.container in COUNT_UNITS:
            return self.containers, self.container
        return None

    @property
    def label(self) -> str:
        """In French, for a reason or an alternative: "28 comprimé(s)", "1 flacon(s) de 100 ml"."""
        counted = self.counted
        if counted:
            return f"{counted[0]} {counted[1]}(s)"
        size = f" de {self.per_container:g} {self.unit}" if self.per_container and self.unit else ""
        return f"{self.containers} {self.container or 'unité'}(s){size}"


def _posology_family(posology_unit: str | None, contents: PackContents) -> str | None:
    if posology_unit is None:
        own = contents.counted
        return own[1] if own and own[1] in _SOLID_DOSES else None
    unit = posology_unit.strip().lower()
    return _POSOLOGY_FAMILY.get(unit, "UI" if unit == "ui" else unit)


def _family(word: str) -> str:
    found = _FAMILY.fullmatch(word)
    assert found is not None and found.lastgroup is not None
    return _WORDS[int(found.lastgroup[1:])][0]


_SPLIT_COUNT = re.compile(r"\(\s*\d+\s*x\s*\d+\s*\)")
_TIMES = re.compile(r"\b(\d+)\s*x\s*(\d+)\b")


def _normalized(label: str) -> str:
    """Lower case, no "(s)", "90 (3 x 30) comprimés" -> "90 comprimés", "30 x 1 comprimés" -> "30 comprimés"."""
    text = label.lower().replace("\u00a0", " ").replace("(s)", "").replace("(es)", "")
    text = _SPLIT_COUNT.sub(" ", text.replace("pré-rempli", "prérempli"))
    text = _TIMES.sub(lambda found: str(int(found.group(1)) * int(found.group(2))), text)
    return " ".join(text.split())


def parse_pack(label: str) -> PackContents | None:
    """A BDPM presentation label read as a box's contents; None when it names no quantity. A kit
    ("plaquette de 7 comprimés + plaquette de 21 comprimés") counts its parts when they share a unit."""
    parts = [found for part in _KIT.split(_normalized(label)) if (found := _parse_part(part))]
    if len(parts) > 1 and parts[0].counted and all(p.counted and p.counted[1] == parts[0].counted[1] for p in parts):
        unit = parts[0].counted[1]
        return PackContents(sum(p.counted[0] for p in parts if p.counted), unit)
    return parts[0] if parts else None


def _parse_part(text: str) -> PackContents | None:
    leading = _LEADING.match(text)
    content = _CONTENT.search(text)
    if content:
        per, unit = _number(content.group(1)), _family(content.group(2))
        # "de 24 comprimés blancs et de 4 comprimés jaunes placebo": one blister holds both
        more = _MORE.match(text[content.end():])
        if more and _family(more.group(2)) == unit:
            per += _number(more.group(1))
        if leading and leading.end() <= content.start():
            outer = _family(leading.group(2))
            if outer == unit:  # "16 comprimés conditionnés en 4 plaquettes de 4 comprimés": 16 in all
                return PackContents(int(leading.group(1)), unit)
            return PackContents(int(leading.group(1)), outer, per, unit)
        if unit in COUNT_UNITS and per.is_integer():
            return PackContents(round(per), unit)
        return PackContents(1, None, per, unit)
    if leading:
        return PackContents(int(leading.group(1)), _family(leading.group(2)))
    return None


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def pack_size(label: str) -> int | None:
    """Dose units in one box: "2 plaquette(s) ... de 14 comprimé(s)" -> 28, "30 sachets" -> 30; None for a
    box measured in volume or mass ("1 flacon de 100 ml", "10 ampoules de 5 ml", "1 tube de 30 g"), whose
    posology may be written in ml or in containers: `PackContents.amount_in` tells them apart."""
    contents = parse_pack(label)
    counted = contents.counted if contents and contents.unit not in _MEASURES else None
    return counted[0] if counted else None


@dataclass(frozen=True, slots=True)
class Presentation:
    """One box of the BDPM (a CIP13) with what the counter needs to choose it."""

    cip13: str
    cis: str
    label: str
    status: str = "Présentation active"
    marketing_state: str = "Déclaration de commercialisation"
    collectivities: str = ""
    reimbursement_rate: str = ""
    price_eur: float | None = None

    @property
    def contents(self) -> PackContents | None:
        return parse_pack(self.label)

    @property
    def marketed(self) -> bool:
        return self.status != "Présentation abrogée" and self.marketing_state == "Déclaration de commercialisation"

    @property
    def hospital_pack(self) -> bool:
        """Approved for hospitals, with no rate and no public price: a pack for hospitals only."""
        return self.collectivities.strip().lower() == "oui" and self.rate is None and self.price_eur is None

    @property
    def rate(self) -> int | None:
        """The reimbursement rate in percent (65 for "65 %"), None when not reimbursed."""
        digits = re.sub(r"[^\d]", "", self.reimbursement_rate)
        return int(digits) if digits else None

    @property
    def reimbursed(self) -> bool:
        return self.rate is not None and self.price_eur is not None


def retail(presentations: Iterable[Presentation]) -> list[Presentation]:
    """The boxes a community pharmacy may give: marketed, not hospital packs."""
    return [p for p in presentations if p.marketed and not p.hospital_pack]


@dataclass(frozen=True, slots=True)
class Need:
    """What the line asks: `units` for the period in `unit` (None when posology or duration is missing)."""

    units: float | None = None
    unit: str | None = None
    boxes: int | None = None
    """Boxes written by the prescriber, used when units cannot be computed."""


@dataclass(frozen=True, slots=True)
class PackChoice:
    pack: Presentation | None
    boxes: int
    units_per_box: int | None
    left_over: float | None = None
    reason: str | None = None
    """French, when the box could not be chosen as the rule says (None when it could)."""


def boxes_for(units: float, per_box: float) -> int:
    """Boxes holding `units`: 15 tablets in boxes of 8 -> 2."""
    return max(1, math.ceil(units / per_box - 1e-9))


def choose_pack(candidates: Sequence[Presentation], need: Need) -> PackChoice:
    """The retail box that covers the need with the fewest units left over (see the module's rules)."""
    shop = retail(candidates)
    if not shop:
        return PackChoice(None, 0, None, reason=_no_retail_reason(candidates))
    if need.units:
        sized = [(p, amount) for p in shop if (amount := (p.contents.amount_in(need.unit) if p.contents else None))]
        if sized:
            return _covering(sized, need.units)
        return _smallest(shop, need.boxes, reason=unit_mismatch(need.unit, shop))
    return _smallest(shop, need.boxes, reason=None)


def plan_boxes(pack: Presentation, need: Need) -> PackChoice:
    """Boxes of a box already chosen (scanned, prescribed by CIP13): the need in its units, else as written."""
    amount = pack.contents.amount_in(need.unit) if pack.contents and need.units else None
    per_box = _units_per_box(pack)
    if need.units and amount:
        boxes = boxes_for(need.units, amount)
        return PackChoice(pack, boxes, per_box, boxes * amount - need.units)
    reason = unit_mismatch(need.unit, [pack]) if need.units else None
    return PackChoice(pack, need.boxes or 1, per_box, reason=reason)


def _covering(sized: list[tuple[Presentation, float]], units: float) -> PackChoice:
    def key(item: tuple[Presentation, float]) -> tuple[bool, float, int, float]:
        pack, amount = item
        boxes = boxes_for(units, amount)
        return (not pack.reimbursed, round(boxes * amount - units, 6), boxes, _price(pack))

    pack, amount = min(sized, key=key)
    boxes = boxes_for(units, amount)
    return PackChoice(pack, boxes, _units_per_box(pack), boxes * amount - units)


def _smallest(shop: list[Presentation], boxes: int | None, *, reason: str | None) -> PackChoice:
    def key(pack: Presentation) -> tuple[bool, float, float]:
        size = _units_per_box(pack)
        return (not pack.reimbursed, size if size is not None else math.inf, _price(pack))

    pack = min(shop, key=key)
    return PackChoice(pack, boxes or 1, _units_per_box(pack), reason=reason)


def _price(pack: Presentation) -> float:
    return pack.price_eur if pack.price_eur is not None else math.inf


def _units_per_box(pack: Presentation) -> int | None:
    counted = pack.contents.counted if pack.contents else None
    return counted[0] if counted else None


def unit_mismatch(posology_unit: str | None, packs: Iterable[Presentation]) -> str:
    kinds = sorted({c.label.split(" ", 1)[1] for p in packs if (c := p.contents)})
    box = ", ".join(kinds) if kinds else "contenu illisible"
    written = f"en {posology_unit}" if posology_unit else "sans unité"
    return (f"Posologie {written}, boîtes de {box} : le nombre de boîtes ne peut pas être calculé ; "
            "vérifiez la quantité.")


def _no_retail_reason(candidates: Sequence[Presentation]) -> str:
    if any(p.marketed and p.hospital_pack for p in candidates):
        return "Seules des boîtes réservées aux collectivités (hôpitaux) sont commercialisées : rien à délivrer en " \
               "officine."
    return "Aucune boîte commercialisée pour ce produit."

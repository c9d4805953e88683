"""A vaccine as the drug reference describes it: whether a product is a vaccine (its ATC under J07, or its BDPM
name says « Vaccin »), which disease it protects against, and whether it is live.

The packaged ATC table leaves out some vaccines (the flu vaccines have no ATC in it), so the name decides when
the ATC does not: the BDPM names every vaccine « … Vaccin grippal … », « … Vaccin de l'hépatite B … ».
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class VaccineKind(StrEnum):
    """The vaccines a pharmacist prescribes and gives (SPEC §15.8), and « other » for the rest."""

    FLU = "grippe"
    COVID = "covid"
    DTCAP_POLIO = "dtcap"
    DTP = "dtp"
    HPV = "hpv"
    HEPATITIS_A = "hepatite_a"
    HEPATITIS_B = "hepatite_b"
    HEPATITIS_AB = "hepatite_ab"
    MENINGOCOCCUS_ACWY = "meningo_acwy"
    MENINGOCOCCUS_B = "meningo_b"
    PNEUMOCOCCUS = "pneumo"
    RABIES = "rage"
    OTHER = "autre"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    VaccineKind.FLU: "Grippe saisonnière",
    VaccineKind.COVID: "Covid-19",
    VaccineKind.DTCAP_POLIO: "Diphtérie, tétanos, coqueluche, poliomyélite (dTcaP)",
    VaccineKind.DTP: "Diphtérie, tétanos, poliomyélite (dTP)",
    VaccineKind.HPV: "Papillomavirus (HPV)",
    VaccineKind.HEPATITIS_A: "Hépatite A",
    VaccineKind.HEPATITIS_B: "Hépatite B",
    VaccineKind.HEPATITIS_AB: "Hépatites A et B",
    VaccineKind.MENINGOCOCCUS_ACWY: "Méningocoques A, C, W, Y",
    VaccineKind.MENINGOCOCCUS_B: "Méningocoque B",
    VaccineKind.PNEUMOCOCCUS: "Pneumocoque",
    VaccineKind.RABIES: "Rage",
    VaccineKind.OTHER: "Autre vaccin",
}

# WHO ATC, J07 subgroups (the most specific prefix wins).
_ATC_KINDS = (
    ("J07BB", VaccineKind.FLU),
    ("J07BX03", VaccineKind.COVID),
    ("J07BN", VaccineKind.COVID),
    ("J07CA02", VaccineKind.DTCAP_POLIO),
    ("J07CA01", VaccineKind.DTP),
    ("J07BM", VaccineKind.HPV),
    ("J07BC20", VaccineKind.HEPATITIS_AB),
    ("J07BC02", VaccineKind.HEPATITIS_A),
    ("J07BC01", VaccineKind.HEPATITIS_B),
    ("J07AH08", VaccineKind.MENINGOCOCCUS_ACWY),
    ("J07AH09", VaccineKind.MENINGOCOCCUS_B),
    ("J07AL", VaccineKind.PNEUMOCOCCUS),
    ("J07BG", VaccineKind.RABIES),
)
# Live attenuated vaccines by ATC: measles-mumps-rubella, varicella and zoster (live), yellow fever, rotavirus, BCG.
_LIVE_ATC = ("J07BD", "J07BK", "J07BL", "J07BH", "J07AN")
_VACCINE_WORD = re.compile(r"\bvaccin\b")
_LIVE_WORDS = re.compile(r"\bvivant")


@dataclass(frozen=True, slots=True)
class Vaccine:
    """A product of the reference that is a vaccine."""

    cip13: str
    name: str
    kind: VaccineKind
    live: bool
    subcutaneous_allowed: bool
    """The BDPM lists the subcutaneous route for it (the route to prefer for a patient who bleeds easily)."""
    cis: str = ""
    atc: str = ""


def plain(text: str) -> str:
    """Lower case without accents, so that « Hépatite » and « HEPATITE » read alike."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_vaccine(atc: str | None, name: str) -> bool:
    # « VACCINOTOXINUM » (a homeopathic dilution) is no vaccine: the word must stand alone.
    return bool(atc and atc.startswith("J07")) or bool(_VACCINE_WORD.search(plain(name)))


def identify(*, cip13: str, name: str, atc: str | None, routes: str = "", cis: str = "") -> Vaccine | None:
    """The vaccine this product is, or None when it is not a vaccine."""
    if not is_vaccine(atc, name):
        return None
    live = bool(atc and atc.startswith(_LIVE_ATC)) or bool(_LIVE_WORDS.search(plain(name)))
    return Vaccine(cip13=cip13, name=name, kind=kind_of(atc, name), live=live,
                   subcutaneous_allowed="sous-cutanee" in plain(routes), cis=cis, atc=atc or "")


def kind_of(atc: str | None, name: str) -> VaccineKind:
    for prefix, kind in _ATC_KINDS:
        if atc and atc.startswith(prefix):
            return kind
    return _kind_by_name(plain(name))


def _kind_by_name(name: str) -> VaccineKind:
    # Infant combinations (hexavalent, pentavalent: with Haemophilus) are none of the pharmacist's vaccines.
    if "haemophilus" in name:
        return VaccineKind.OTHER
    for words, kind in _NAME_KINDS:
        if all(word in name for word in words):
            return kind
    return VaccineKind.OTHER


_NAME_KINDS: tuple[tuple[tuple[str, ...], VaccineKind], ...] = (
    (("grippal",), VaccineKind.FLU),
    (("covid",), VaccineKind.COVID),
    (("diphterique", "coquelucheux", "poliomyelitique"), VaccineKind.DTCAP_POLIO),
    (("diphterique", "tetanique", "poliomyelitique"), VaccineKind.DTP),
    (("papillomavirus",), VaccineKind.HPV),
    (("hepatite a", "hepatite b"), VaccineKind.HEPATITIS_AB),
    (("hepatite a",), VaccineKind.HEPATITIS_A),
    (("hepatite b",), VaccineKind.HEPATITIS_B),
    (("meningococcique", "groupe b"), VaccineKind.MENINGOCOCCUS_B),
    (("meningococcique", "a, c, w"), VaccineKind.MENINGOCOCCUS_ACWY),
    (("meningococcique", "a,c,w"), VaccineKind.MENINGOCOCCUS_ACWY),
    (("pneumococcique",), VaccineKind.PNEUMOCOCCUS),
    (("rabique",), VaccineKind.RABIES),
)

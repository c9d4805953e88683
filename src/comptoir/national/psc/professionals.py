"""The professionals the emulated Pro Santé Connect knows, and the userinfo claims it answers for them (SPEC §8).

Seeded with the demo pharmacy's team (devtools/demo.py: FINESS 750000001, titulaire RPPS 10003456789, adjoint
10004567891), a préparateur registered in the RPPS (possible since 17 July 2023, SPEC §15.5), the demo
prescriber MED1 (RPPS 99900038441, national/credentials.py), a pharmacist of another pharmacy and a nurse.
Every card's PIN is `1234` (a test card, [U]: real CPS PINs are 4 digits, SPEC §3.2).

[U] The G15 code of the préparateur en pharmacie is not in SPEC §8; `30` is taken here (the RPPS has listed
préparateurs since 2023, their code is not quoted in our sources). `codeSectionPharmacien` values are [U]: `A`
(titulaires d'officine) and `D` (adjoints) are used as the Ordre's sections are named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from comptoir.national.psc.wire import PALIER_OID, PROFESSION_OID, SECTOR_OID

PHARMACIEN, MEDECIN, PREPARATEUR, INFIRMIER = "21", "10", "30", "60"
DEMO_PIN = "1234"


@dataclass(frozen=True, slots=True)
class Professional:
    rpps: str
    civility: str
    given_name: str
    family_name: str
    profession: str
    section: str
    mode: str
    """`L` libéral, `S` salarié."""
    finess: str
    structure: str
    card: str = "CPS"

    @property
    def id_nat(self) -> str:
        return "8" + self.rpps


DEMO_PHARMACY = "Pharmacie du Comptoir (démo)"
PROFESSIONALS = (
    Professional("10003456789", "MME", "Claire", "MARTIN", PHARMACIEN, "A", "L", "750000001", DEMO_PHARMACY),
    Professional("10004567891", "M", "Karim", "BENALI", PHARMACIEN, "D", "S", "750000001", DEMO_PHARMACY),
    Professional("10007771230", "MME", "Julie", "ROBERT", PREPARATEUR, "", "S", "750000001", DEMO_PHARMACY),
    Professional("99900038441", "M", "Ademis", "TRAL", MEDECIN, "", "L", "", "Cabinet du Dr TRAL"),
    Professional("10005551238", "M", "Thomas", "FAURE", PHARMACIEN, "A", "L", "690004569",
                 "Pharmacie de la Croix-Rousse"),
    Professional("10008884560", "MME", "Inès", "GARNIER", INFIRMIER, "", "L", "", "Cabinet infirmier Garnier"),
)


def userinfo_claims(p: Professional, *, subject: str) -> dict[str, Any]:
    """The userinfo of SPEC §8 for one professional (one exercice, one activity)."""
    return {
        "sub": subject, "SubjectNameID": p.id_nat, "preferred_username": p.id_nat,
        "given_name": p.given_name, "family_name": p.family_name, "codeCivilite": p.civility,
        "email": f"{p.given_name.lower()}.{p.family_name.lower()}@test.mssante.fr",
        "SubjectRefPro": {"codeCivilite": p.civility, "exercices": [_exercice(p)]},
        "SubjectOrganization": p.structure, "SubjectOrganizationID": "1" + p.finess if p.finess else "",
        "SubjectRole": [f"{p.profession}^{PROFESSION_OID}"],
        "Secteur_Activite": f"SA33^{SECTOR_OID}" if p.finess else f"SA07^{SECTOR_OID}",
        "Palier_Authentification": f"APPPRIP3^{PALIER_OID}",
        "otherIds": [{"identifiant": p.rpps, "origine": "RPPS", "qualite": 1}],
    }


def _exercice(p: Professional) -> dict[str, Any]:
    return {"codeProfession": p.profession, "codeCategorieProfessionnelle": "C", "nomDexercice": p.family_name,
            "prenomDexercice": p.given_name, "codeCiviliteDexercice": p.civility, "codeTypeSavoirFaire": "",
            "codeSavoirFaire": "", "activities": [_activity(p)]}


def _activity(p: Professional) -> dict[str, Any]:
    # SA33 is the officine sector (SPEC §8); a practice without FINESS is a cabinet (SA07 [U]).
    return {"codeModeExercice": p.mode, "codeSecteurDactivite": "SA33" if p.finess else "SA07",
            "codeSectionPharmacien": p.section, "codeRole": "", "codeGenreActivite": "GENR01",
            "numeroFinessSite": p.finess, "numeroFinessetablissementJuridique": "",
            "identifiantTechniqueDeLaStructure": ("1" + p.finess) if p.finess else "4" + p.rpps + "01",
            "raisonSocialeSite": p.structure, "enseigneCommercialeSite": p.structure,
            "autoriteDenregistrement": "CNOP" if p.profession == PHARMACIEN else "ARS"}

"""The DMP's rules, apart from its storage and its HTTP: who may feed, who may read what (SPEC §5.3, §5.4).

The emulator applies them, and so does the in-memory fake of the tests (tests/fakes/dmp.py), so that both refuse
with the same French sentences.

**Feeding** (SPEC §1.3, §5.4 INS rule): the document must be a CDA whose header carries the patient's INS; that INS
must be an INS-NIR (production, test or demonstration OID, SPEC §0.1) — an INS-NIA, or no INS, is not a qualified
identity, and only a qualified identity may be shared; it must be known to the national referential, and the
traits of the header (birth name, birth first names, birth date, sex) must match it. [U] The real DMP's exact
checks are not public; the INSi's comparison (birth name and date, sex, each first name among the birth first
names) is the most plausible one.

**Reading** (SPEC §5.3): `MASQUE_PS` hides a document from every professional but its author (same RPPS);
`INVISIBLE_PATIENT` hides it from the patient; `INVISIBLE_REPRESENTANTS_LEGAUX` from the legal representatives.

**Deleting, replacing.** A document may be deleted or replaced by its author (same RPPS) or by a caller of the
author's structure (the FINESS, SIRET… of the CDA's representedOrganization); any other structure is refused.
[U] The DMP's exact rule is not public; a pharmacy acts as a structure for its pharmacists — its DMP credential
is the pharmacy's, bound to one pharmacist (the titulaire), while an adjoint may have validated the dispensation
and be named its author — so the structure, not only the person, must be able to withdraw what it shared.

**What a pharmacist may read.** SPEC §5.1 says only that the DMP restricts access by profession and document type
(a matrix, not read) [V reference only]. [U] The matrix kept here is the most plausible rule: a pharmacist reads what
serves the dispensing and the pharmaceutical follow-up — dispensations, prescriptions, vaccinations, the pharmacy's
own reports (entretiens, bilans de médication, interventions, consultations, renewals, TROD, conciliation),
biology results and discharge or transfer letters; not consultation notes, psychiatric or psychological reports,
imaging, operative reports, and the like. A physician reads every type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from comptoir.cda.metadata import INS_NIR_OIDS, EntryFacts
from comptoir.domain.identity.ins import ins_text
from comptoir.national.credentials import Profession
from comptoir.national.dmp.port import Reader, Visibility

REFERENTIAL = Path(__file__).with_name("identites.json")

PHARMACIST_READABLE = frozenset({
    "60593-1", "DISP_AUT",                      # dispensations
    "57833-6", "57828-6", "57832-8", "75468-9",  # prescriptions, renewal by the pharmacist
    "87273-9", "11369-6", "96874-3",            # vaccinations
    "78601-2", "56445-0", "61357-0", "93024-8", "96173-0", "80820-4", "80565-5",  # pharmacy reports, TROD
    "11502-2", "PRESC-BIO",                     # biology
    "11490-0", "18761-7", "34133-9", "60591-5",  # discharge, transfer letters, syntheses
})

NOT_QUALIFIED = "Seule une INS qualifiée peut alimenter le DMP : l'INS du document n'est pas un INS-NIR ({oid})."
UNKNOWN_INS = "INS inconnue du référentiel national : {ins}. Vérifiez l'identité du patient (téléservice INSi)."
TRAITS_MISMATCH = ("Les traits d'identité du document ne correspondent pas à l'INS {ins} ({what}) : l'identité doit "
                   "être qualifiée avant d'alimenter le DMP.")
CLOSED = "Le patient a fermé son DMP (Mon espace santé) : ni consultation ni alimentation."
NO_DMP = "Aucun DMP pour l'INS {ins}."
BLOCKED = "Le patient s'est opposé à l'accès de ce professionnel ou de cette structure à son DMP."
NOT_READABLE = "Ce type de document ({label}) n'est pas accessible à un pharmacien."
NOT_AUTHOR = ("Seul l'auteur du document ou un professionnel de sa structure peut le supprimer ou le "
              "remplacer.")


@dataclass(frozen=True, slots=True)
class Identity:
    """An INS of the national referential and its traits."""

    matricule: str
    oid: str
    birth_name: str
    given_names: str
    sex: str
    birth_date: date


@cache
def referential() -> dict[str, Identity]:
    data = json.loads(REFERENTIAL.read_text(encoding="utf-8"))
    return {item["matriculeIns"]: Identity(item["matriculeIns"], item["oid"], item["nomNaissance"], item["prenoms"],
                                           item["sexe"], date.fromisoformat(item["dateNaissance"]))
            for item in data["identites"]}


def feed_refusal(facts: EntryFacts, known: Identity | None) -> str | None:
    """Why the DMP refuses to index this document for its patient, or None."""
    if facts.patient_ins_oid not in INS_NIR_OIDS:
        return NOT_QUALIFIED.format(oid=facts.patient_ins_oid)
    if known is None:
        return UNKNOWN_INS.format(ins=facts.patient_ins)
    differences = _differences(facts, known)
    return TRAITS_MISMATCH.format(ins=facts.patient_ins, what=", ".join(differences)) if differences else None


def _differences(facts: EntryFacts, known: Identity) -> list[str]:
    given = ins_text(facts.patient_given_names).split()
    checks = {"nom de naissance": ins_text(facts.patient_birth_name) == ins_text(known.birth_name),
              "prénoms de naissance": bool(given) and all(n in ins_text(known.given_names).split() for n in given),
              "date de naissance": facts.patient_birth_date == known.birth_date,
              "sexe": facts.patient_sex.upper() == known.sex}
    return [what for what, same in checks.items() if not same]


def requested_confidentiality(header: tuple[str, ...], visibility: tuple[Visibility, ...]) -> tuple[str, ...]:
    """The HL7 level of the header (N when it has none) first, then every mask asked for, once each."""
    levels = [c for c in header if c in {"N", "R", "V"}] or ["N"]
    masks = [c for c in (*header, *(v.value for v in visibility)) if c in {v.value for v in Visibility}]
    return tuple(dict.fromkeys([levels[0], *masks]))


def visible(confidentiality: tuple[str, ...], reader: Reader, *, author_rpps: str = "", rpps: str = "") -> bool:
    if reader is Reader.PROFESSIONAL:
        return Visibility.MASKED_FROM_PROFESSIONALS.value not in confidentiality or (bool(rpps) and rpps == author_rpps)
    hidden = (Visibility.INVISIBLE_TO_PATIENT if reader is Reader.PATIENT
              else Visibility.INVISIBLE_TO_LEGAL_REPRESENTATIVES)
    return hidden.value not in confidentiality


def readable_type(profession: Profession, type_code: str) -> bool:
    return profession is not Profession.PHARMACIEN or type_code in PHARMACIST_READABLE


def same_structure(written: str, structure: str) -> bool:
    """The idNat_Struct of a CDA (`1` + FINESS, `3` + SIRET…, SPEC §0.1) against the caller's bare number."""
    return written == structure or (len(written) == len(structure) + 1 and written[1:] == structure)


def may_withdraw(author_rpps: str, author_structure: str, *, rpps: str, structure: str) -> bool:
    """Whether the caller may delete or replace a document: its author, or anyone of the author's structure."""
    return author_rpps == rpps or same_structure(author_structure, structure)

"""`INPUT.json` of `comptoir dmp document KIND INPUT.json` (DESIGN.md) read into `cda.model` values.

Every kind has `patient`, `author`, `pharmacy`, `date`; then `prescription` (optional) and `lines` for a
dispensation, `vaccination`, or `report`. Unknown fields are ignored; `birth_name` defaults to `last_name`;
`ins_oid` to the production INS-NIR OID. Optional fields of ours beside DESIGN's: `confidentiality` (DMP
masks, SPEC §5.3), `document_id`, `set_id`, `version`; a line's `prescription_line` (by default its rank when
there is a prescription), `note`, `lot`, `expiry`; the report's `type_code` (by default read from its title:
entretien 78601-2, intervention 61357-0, else bilan 56445-0).

Anything missing or wrong is a `RuleViolation` with one French sentence naming the field. Products come
from `lookup` (CIP13 -> Product, the drug reference), so this module stays pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from comptoir.cda.ids import is_oid, new_document_id
from comptoir.cda.model import (
    INS_NIR_OID,
    Address,
    Confidentiality,
    Dispensation,
    DispensedLine,
    Header,
    Patient,
    Pharmacy,
    Prescription,
    Product,
    Professional,
    Report,
    Vaccination,
)
from comptoir.cda.vaccination import route_of
from comptoir.domain.identity.nir import check_nir
from comptoir.errors import RuleViolation

ProductLookup = Callable[[str], Product | None]
PARIS = ZoneInfo("Europe/Paris")
"""A date without offset is French local time: the pharmacy's."""
_RPPS = re.compile(r"^\d{11}$")
_FINESS = re.compile(r"^\d[0-9AB]\d{7}$")
_CIP13 = re.compile(r"^\d{13}$")


def dispensation_of(data: Any, *, lookup: ProductLookup) -> Dispensation:
    document = _object(data, "INPUT.json")
    header = header_of(document, title="Dispensation médicamenteuse")
    lines = document.get("lines")
    if not isinstance(lines, list) or not lines:
        raise RuleViolation("lines manquant : une dispensation a au moins une ligne (cip13, boxes, posology).")
    prescription = _prescription(document["prescription"]) if document.get("prescription") else None
    dispensed = tuple(_line(line, rank, lookup, prescribed=prescription is not None)
                      for rank, line in enumerate(lines, start=1))
    return Dispensation(header=header, lines=dispensed, prescription=prescription,
                        dispensation_id=_text(document, "dispensation_id", "INPUT.json"))


def vaccination_of(data: Any, *, lookup: ProductLookup) -> Vaccination:
    document = _object(data, "INPUT.json")
    header = header_of(document, title="Note de vaccination")
    if not isinstance(document.get("vaccination"), Mapping):
        raise RuleViolation("vaccination manquante : cip13, lot, expiry, dose, route, site du vaccin.")
    part = document["vaccination"]
    route = _text(part, "route", "vaccination") or "IM"
    if route_of(route) is None:
        raise RuleViolation(f"vaccination.route « {route} » inconnue : IM, SC, ID, PO ou INH.")
    lot = _required(part, "lot", "vaccination")
    prescriber = part.get("prescriber")
    return Vaccination(header=header, product=_product(part, "vaccination", lookup), lot=lot,
                       expiry=_date(part.get("expiry"), "vaccination.expiry"),
                       dose=str(part.get("dose") or "1").strip(), route=route, site=_text(part, "site", "vaccination"),
                       prescriber=_professional(prescriber, "vaccination.prescriber", role="medecin")
                       if prescriber else None)


def report_of(data: Any, *, read_pdf: Callable[[str], bytes]) -> Report:
    """The report; its `pdf`, a path, is read by `read_pdf` (which refuses what it cannot read)."""
    document = _object(data, "INPUT.json")
    header = header_of(document, title="")
    if not isinstance(document.get("report"), Mapping):
        raise RuleViolation("report manquant : title, text et, si besoin, pdf (chemin du fichier).")
    part = document["report"]
    title = _required(part, "title", "report")
    text = _text(part, "text", "report")
    path = _text(part, "pdf", "report")
    pdf = read_pdf(path) if path else None
    if not text and pdf is None:
        raise RuleViolation("report.text manquant : le texte du compte rendu ou son pdf est nécessaire.")
    type_code = _text(part, "type_code", "report") or report_type(title)
    return Report(header=replace(header, title=title), type_code=type_code, text=text, pdf=pdf)


def report_type(title: str) -> str:
    lowered = title.lower()
    if "entretien" in lowered:
        return "78601-2"
    if "intervention" in lowered:
        return "61357-0"
    return "56445-0"


def header_of(document: Mapping[str, Any], *, title: str) -> Header:
    document_id = _text(document, "document_id", "INPUT.json") or new_document_id()
    set_id = _text(document, "set_id", "INPUT.json") or document_id
    for name, value in (("document_id", document_id), ("set_id", set_id)):
        if not is_oid(value):
            raise RuleViolation(f"{name} « {value} » n'est pas un OID (chiffres séparés par des points).")
    at = _instant(document.get("date"), "date")
    return Header(document_id=document_id, set_id=set_id, version=_version(document.get("version")),
                  patient=_patient(_object(document.get("patient"), "patient"), today=at.date()),
                  author=_professional(document.get("author"), "author", role="pharmacien"),
                  pharmacy=_pharmacy(_object(document.get("pharmacy"), "pharmacy")), at=at, title=title,
                  confidentiality=_masks(document.get("confidentiality")))


def _patient(part: Mapping[str, Any], *, today: date) -> Patient:
    ins = str(part.get("ins") or "").replace(" ", "")
    if not ins:
        raise RuleViolation("patient.ins manquant : seul un patient à l'identité qualifiée (INS) va au DMP.")
    check = check_nir(ins, today=today)
    if not check.valid or len(ins) != 15:
        raise RuleViolation(f"patient.ins invalide : {check.reason or 'le matricule INS compte 15 caractères.'}")
    oid = _text(part, "ins_oid", "patient") or INS_NIR_OID
    if not is_oid(oid):
        raise RuleViolation(f"patient.ins_oid « {oid} » n'est pas un OID.")
    last_name = _required(part, "last_name", "patient")
    sex = (_text(part, "sex", "patient") or "U").upper()
    if sex not in ("M", "F", "U"):
        raise RuleViolation(f"patient.sex « {sex} » invalide : M, F ou U.")
    return Patient(ins=ins, ins_oid=oid, last_name=last_name, birth_name=_text(part, "birth_name", "patient")
                   or last_name, first_names=_first_names(part.get("first_names")),
                   birth_date=_date(part.get("birth_date"), "patient.birth_date"), sex=sex)


def _first_names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list) and all(isinstance(name, str) for name in value):
        return tuple(name.strip() for name in value if name.strip())
    if value is None:
        return ()
    raise RuleViolation("patient.first_names doit être une liste de prénoms.")


def _professional(value: Any, where: str, *, role: str) -> Professional:
    part = _object(value, where)
    rpps = str(part.get("rpps") or "").strip()
    if not rpps:
        raise RuleViolation(f"{where}.rpps manquant : le numéro RPPS du professionnel est obligatoire.")
    if not _RPPS.match(rpps):
        raise RuleViolation(f"{where}.rpps « {rpps} » invalide : un RPPS compte 11 chiffres.")
    return Professional(rpps=rpps, last_name=_required(part, "last_name", where),
                        first_name=_text(part, "first_name", where), role=_text(part, "role", where) or role)


def _pharmacy(part: Mapping[str, Any]) -> Pharmacy:
    finess = str(part.get("finess") or "").strip().upper()
    if not _FINESS.match(finess):
        raise RuleViolation(f"pharmacy.finess « {finess} » invalide : un FINESS compte 9 caractères.")
    given = part.get("address")
    address: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    return Pharmacy(finess=finess, name=_required(part, "name", "pharmacy"),
                    address=Address(street=_text(address, "street", "pharmacy.address"),
                                    postal_code=_text(address, "postal_code", "pharmacy.address"),
                                    city=_text(address, "city", "pharmacy.address")),
                    telephone=_text(part, "telephone", "pharmacy"))


def _prescription(value: Any) -> Prescription:
    part = _object(value, "prescription")
    return Prescription(id=_required(part, "id", "prescription"),
                        issued_on=_date(part.get("date"), "prescription.date"),
                        prescriber=_professional(part.get("prescriber"), "prescription.prescriber", role="medecin"))


def _line(value: Any, rank: int, lookup: ProductLookup, *, prescribed: bool) -> DispensedLine:
    where = f"lines[{rank}]"
    part = _object(value, where)
    boxes = part.get("boxes", 1)
    if not isinstance(boxes, int) or isinstance(boxes, bool) or boxes < 1:
        raise RuleViolation(f"{where}.boxes « {boxes} » invalide : un nombre entier de boîtes, au moins 1.")
    line_number = part.get("prescription_line", rank if prescribed else None)
    if line_number is not None and (not isinstance(line_number, int) or line_number < 1):
        raise RuleViolation(f"{where}.prescription_line « {line_number} » invalide : un numéro de ligne.")
    expiry = part.get("expiry")
    return DispensedLine(product=_product(part, where, lookup), boxes=boxes, posology=_text(part, "posology", where),
                         substituted=part.get("substituted") is True, prescription_line=line_number,
                         note=_text(part, "note", where), lot=_text(part, "lot", where),
                         expiry=_date(expiry, f"{where}.expiry") if expiry else None)


def _product(part: Mapping[str, Any], where: str, lookup: ProductLookup) -> Product:
    cip13 = str(part.get("cip13") or "").replace(" ", "")
    if not _CIP13.match(cip13):
        raise RuleViolation(f"{where}.cip13 « {cip13} » invalide : un code CIP13 compte 13 chiffres.")
    product = lookup(cip13)
    if product is None:
        raise RuleViolation(f"{where}.cip13 {cip13} inconnu du référentiel des médicaments.")
    return product


def _masks(value: Any) -> tuple[Confidentiality, ...]:
    codes = [value] if isinstance(value, str) else value or []
    known = {mask.value: mask for mask in Confidentiality}
    if not isinstance(codes, list) or any(code not in known for code in codes):
        raise RuleViolation(f"confidentiality invalide : parmi {', '.join(known)}.")
    return tuple(known[code] for code in codes)


def _version(value: Any) -> int:
    if value is None:
        return 1
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise RuleViolation(f"version « {value} » invalide : un entier à partir de 1.")
    return value


def _instant(value: Any, where: str) -> datetime:
    try:
        at = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        at = None
    if at is None:
        raise RuleViolation(f"{where} « {value or ''} » n'est pas une date (AAAA-MM-JJ ou AAAA-MM-JJTHH:MM:SS+01:00).")
    return at.replace(tzinfo=PARIS) if at.tzinfo is None else at


def _date(value: Any, where: str) -> date:
    """A day, written alone or as the start of a date and time."""
    for read in (date.fromisoformat, lambda text: datetime.fromisoformat(text).date()):
        try:
            return read(str(value)) if isinstance(value, str) else _not_a_date(value, where)
        except ValueError:
            continue
    return _not_a_date(value, where)


def _not_a_date(value: Any, where: str) -> date:
    raise RuleViolation(f"{where} « {value or ''} » n'est pas une date (AAAA-MM-JJ).")


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise RuleViolation(f"{where} manquant ou invalide : un objet JSON est attendu.")
    return value


def _text(part: Mapping[str, Any], name: str, where: str) -> str:
    value = part.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise RuleViolation(f"{where}.{name} invalide : un texte est attendu.")
    return str(value).strip()


def _required(part: Mapping[str, Any], name: str, where: str) -> str:
    value = _text(part, name, where)
    if not value:
        raise RuleViolation(f"{where}.{name} manquant.")
    return value

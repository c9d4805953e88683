"""The QR code of an ordonnance numérique (SPEC §4.3, CNAM webinar Sept 2025): compact JSON

    {"S": {"V": 2}, "D": {"ID": "…", "P": {"N": nom, "P": prénom, "D": "AAAA-MM-JJ"},
                          "M": {"RPPS": "…", "AM": "…"}}}

A bare 18-character identifier typed by hand when the code is unreadable is accepted too. The key of
a replacing prescriber's RPPS is not on the CNAM slide [U]: we read and write it as `D.M.RPPSR`
(`REPLACED_KEY`), kept in one place so it can change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from comptoir.domain.eprescription.identifiers import is_prescription_id
from comptoir.errors import RuleViolation

VERSION = 2
REPLACED_KEY = "RPPSR"

# A version-40 QR code holds at most 2,953 bytes (ISO/IEC 18004, byte mode, level L): anything longer
# was not read from one.
MAX_QR_CHARS = 2953


class UnreadableQr(RuleViolation):
    pass


@dataclass(frozen=True, slots=True)
class QrContent:
    prescription_id: str
    version: int | None = None
    last_name: str | None = None
    first_name: str | None = None
    birth_date: date | None = None
    rpps: str | None = None
    am: str | None = None
    replaced_rpps: str | None = None

    @property
    def typed_by_hand(self) -> bool:
        return self.version is None

    def contract(self) -> dict[str, object]:
        """DESIGN.md: {version, prescription_id, patient{last_name, first_name, birth_date}, prescriber{rpps, am}}."""
        return {"version": self.version, "prescription_id": self.prescription_id,
                "patient": {"last_name": self.last_name, "first_name": self.first_name,
                            "birth_date": self.birth_date.isoformat() if self.birth_date else None},
                "prescriber": {"rpps": self.rpps, "am": self.am}}


def read_qr(text: str) -> QrContent:
    """The QR's text (or a typed identifier) as its content; `UnreadableQr` says in French what is wrong."""
    stripped = (text or "").strip()
    if len(stripped) > MAX_QR_CHARS:
        raise UnreadableQr(f"Code trop long pour un QR code d'ordonnance numérique ({MAX_QR_CHARS} caractères "
                           "au plus).")
    if is_prescription_id(stripped.upper()) and not stripped.startswith("{"):
        return QrContent(prescription_id=stripped.upper())
    try:
        data = json.loads(stripped)
    except (ValueError, RecursionError) as exc:
        raise UnreadableQr("Ce code n'est pas celui d'une ordonnance numérique (ni JSON, ni identifiant de "
                           "18 caractères).") from exc
    return _content(data)


def _content(data: Any) -> QrContent:
    body = _object(data, "D") if isinstance(data, dict) else None
    if body is None:
        raise UnreadableQr("QR code d'ordonnance numérique mal formé : objet « D » absent.")
    patient, prescriber = _object(body, "P"), _object(body, "M")
    ident = str(body.get("ID") or "").strip().upper()
    if not is_prescription_id(ident):
        raise UnreadableQr(f"Identifiant d'ordonnance invalide : « {ident} » (18 caractères 0-9 A-Z attendus).")
    if patient is None or prescriber is None:
        raise UnreadableQr("QR code d'ordonnance numérique incomplet : patient (P) ou prescripteur (M) absent.")
    return QrContent(prescription_id=ident, version=_version(data), last_name=_text(patient, "N"),
                     first_name=_text(patient, "P"), birth_date=_birth_date(patient), rpps=_text(prescriber, "RPPS"),
                     am=_text(prescriber, "AM"), replaced_rpps=_text(prescriber, REPLACED_KEY))


def _object(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = data.get(key)
    return value if isinstance(value, dict) else None


def _version(data: dict[str, Any]) -> int:
    structure = _object(data, "S") or {}
    version = structure.get("V")
    if not isinstance(version, int):
        raise UnreadableQr("QR code d'ordonnance numérique sans version de structure (S.V).")
    return version


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return str(value).strip() if value not in (None, "") else None


def _birth_date(patient: dict[str, Any]) -> date:
    try:
        return date.fromisoformat(str(patient.get("D")))
    except ValueError as exc:
        raise UnreadableQr(f"Date de naissance illisible dans le QR code : « {patient.get('D')} ».") from exc


def qr_payload(prescription_id: str, *, last_name: str, first_name: str, birth_date: date, rpps: str, am: str,
               replaced_rpps: str | None = None) -> str:
    """The text to print as a QR code: compact JSON, keys in the CNAM's order."""
    prescriber = {"RPPS": rpps, "AM": am} | ({REPLACED_KEY: replaced_rpps} if replaced_rpps else {})
    data = {"S": {"V": VERSION}, "D": {"ID": prescription_id,
                                       "P": {"N": last_name, "P": first_name, "D": birth_date.isoformat()},
                                       "M": prescriber}}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

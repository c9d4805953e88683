"""What Pro Santé Connect says about a professional, in its own claim names (SPEC §8), read into our words.

The national identifier `SubjectNameID` is an idNat_PS (SPEC §3.1): `8` + RPPS for the professionals of the
RPPS (pharmaciens, médecins, and since 17 July 2023 the préparateurs, SPEC §15.5), `0` + ADELI for the others.
Only the RPPS form can be bound to a comptoir account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RPPS_PREFIX = "8"
PROFESSION_OID = "1.2.250.1.213.1.1.5.5"
SECTOR_OID = "1.2.250.1.71.4.2.4"
PALIER_OID = "1.2.250.1.213.1.5.1.1.1"
SCOPE = "openid scope_all"
ACR_EIDAS1 = "eidas1"


@dataclass(frozen=True, slots=True)
class PscIdentity:
    """A professional authenticated by Pro Santé Connect."""

    id_nat: str
    given_name: str
    family_name: str
    professions: tuple[str, ...]
    """G15 codes of their exercices (`21` pharmacien, `10` médecin…)."""
    structure_finess: str
    structure_name: str

    @property
    def rpps(self) -> str | None:
        return rpps_of(self.id_nat)

    @property
    def profession(self) -> str:
        return self.professions[0] if self.professions else ""


def rpps_of(id_nat: str) -> str | None:
    """The RPPS inside an idNat_PS (`8` + 11 digits), or None for any other form (ADELI, malformed)."""
    value = id_nat.strip()
    number = value[len(RPPS_PREFIX):]
    return number if value.startswith(RPPS_PREFIX) and len(number) == 11 and number.isdigit() else None


def identity_from_userinfo(claims: dict[str, Any]) -> PscIdentity:
    """Read the userinfo (or id_token) claims; a missing `SubjectNameID` raises ValueError."""
    id_nat = str(claims.get("SubjectNameID") or claims.get("preferred_username") or "")
    if not id_nat:
        raise ValueError("SubjectNameID absent")
    exercices = _list((claims.get("SubjectRefPro") or {}).get("exercices"))
    activity = next((a for e in exercices for a in _list(e.get("activities"))), {})
    return PscIdentity(id_nat=id_nat, given_name=str(claims.get("given_name", "")),
                       family_name=str(claims.get("family_name", "")),
                       professions=tuple(str(e.get("codeProfession", "")) for e in exercices),
                       structure_finess=str(activity.get("numeroFinessSite", "")),
                       structure_name=str(activity.get("raisonSocialeSite", "")))


def _list(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

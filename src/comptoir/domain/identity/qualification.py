"""The RNIV state machine (SPEC §1.3) and the rule that only a qualified INS is shared.

The status follows from two independent facts: the traits came from the INSi téléservice
(and matched the person), and a high-trust document was checked. Only both give "qualifiée".

Choices marked unverified in SPEC, taken here as the most plausible:
- a change of a trait, or an INSi answer that does not match, sends the identity back to
  provisional (RNIV principle, [U]);
- a document that differs from the INS data makes the identity doubtful: attribute DOUT,
  status provisional ([U]: the LGO training says "identité non fiable");
- a doubtful, fictitious or usurped identity stays provisional ([U]).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from comptoir.domain.identity.status import (
    BLOCKING_ATTRIBUTES,
    DocumentOutcome,
    IdentityAttribute,
    IdentityStatus,
)

_P, _R, _V, _Q = (IdentityStatus.PROVISIONAL, IdentityStatus.RETRIEVED, IdentityStatus.VALIDATED,
                  IdentityStatus.QUALIFIED)


@dataclass(frozen=True, slots=True)
class Trust:
    """The two criteria of the RNIV status."""

    from_insi: bool
    document_checked: bool

    @property
    def status(self) -> IdentityStatus:
        return {(False, False): _P, (True, False): _R, (False, True): _V, (True, True): _Q}[
            (self.from_insi, self.document_checked)]


def trust_of(status: IdentityStatus) -> Trust:
    return Trust(status in (_R, _Q), status in (_V, _Q))


def blocking(attributes: Iterable[str]) -> list[IdentityAttribute]:
    return [IdentityAttribute(a) for a in attributes if a in BLOCKING_ATTRIBUTES]


def after_insi_match(status: IdentityStatus, attributes: Iterable[str]) -> IdentityStatus:
    """The INSi returned the person's identity and the operator confirmed it: PROV→RECUP, VALI→QUAL."""
    if blocking(attributes):
        return _P
    return Trust(True, trust_of(status).document_checked).status


def after_document(status: IdentityStatus, attributes: Iterable[str], outcome: DocumentOutcome) -> IdentityStatus:
    """A document check: a verified document adds the second criterion; "different" drops both."""
    if outcome is DocumentOutcome.DIFFERS or blocking(attributes):
        return _P
    if outcome is DocumentOutcome.CHECKED:
        return Trust(trust_of(status).from_insi, True).status
    return status


def after_vitale_app() -> IdentityStatus:
    """The appli carte Vitale brings an identity already qualified (SPEC §1.3, [V])."""
    return _Q


def sharing_refusal(status: IdentityStatus, matricule: str | None, attributes: Iterable[str]) -> str:
    """Why this identity's INS may not feed the DMP nor go in an MSSanté message; empty when it may.

    The matricule INS may only be transmitted when the identity is qualified (RNIV; required to
    feed the DMP / Mon espace santé and to write to the patient's MSSanté since 2023).
    """
    if not matricule:
        return "Ce patient n'a pas de matricule INS : interrogez le téléservice INSi puis qualifiez l'identité."
    if found := blocking(attributes):
        return f"L'identité porte l'attribut « {found[0].label} » : l'INS ne peut pas être utilisé."
    if status is not _Q:
        return (f"L'INS n'est pas qualifié ({status.label.lower()}) : il ne peut alimenter le DMP ni servir "
                "dans une messagerie MSSanté. Qualifiez l'identité (INSi et pièce d'identité à haut niveau de "
                "confiance).")
    return ""

"""RNIV statuses, attributes, collection methods and high-trust documents (SPEC §1.3, §1.4).

The codes are those of the FR Core code systems, so a record can be exported as is.
"""

from __future__ import annotations

from enum import StrEnum


class IdentityStatus(StrEnum):
    """RNIV EXI SI 07: every identity holds exactly one of these four statuses."""

    PROVISIONAL = "PROV"
    RETRIEVED = "RECUP"
    VALIDATED = "VALI"
    QUALIFIED = "QUAL"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    IdentityStatus.PROVISIONAL: "Identité provisoire",
    IdentityStatus.RETRIEVED: "Identité récupérée",
    IdentityStatus.VALIDATED: "Identité validée",
    IdentityStatus.QUALIFIED: "Identité qualifiée",
}


class IdentityAttribute(StrEnum):
    """RNIV attributes and identitovigilance comments (FR Core `identity-status-comment`)."""

    DOUBTFUL = "DOUT"
    FICTITIOUS = "FICT"
    HOMONYM = "HOMA"
    HOMONYM_DETECTED = "HOMD"
    POTENTIAL_DUPLICATE = "DPOT"
    DUPLICATE = "DOUA"
    POTENTIAL_COLLISION = "COLP"
    COLLISION = "COLV"
    DEACTIVATED = "DESA"
    USURPED = "USUR"

    @property
    def label(self) -> str:
        return ATTRIBUTE_LABELS[self]


ATTRIBUTE_LABELS = {
    IdentityAttribute.DOUBTFUL: "Identité douteuse",
    IdentityAttribute.FICTITIOUS: "Identité fictive",
    IdentityAttribute.HOMONYM: "Homonyme avéré",
    IdentityAttribute.HOMONYM_DETECTED: "Homonyme détecté",
    IdentityAttribute.POTENTIAL_DUPLICATE: "Doublon potentiel",
    IdentityAttribute.DUPLICATE: "Doublon avéré",
    IdentityAttribute.POTENTIAL_COLLISION: "Collision potentielle",
    IdentityAttribute.COLLISION: "Collision avérée",
    IdentityAttribute.DEACTIVATED: "Identité désactivée",
    IdentityAttribute.USURPED: "Identité usurpée",
}

# RNIV: a doubtful or fictitious identity stays provisional (SPEC §1.3, [U]); so does one that was
# used by someone else.
BLOCKING_ATTRIBUTES = frozenset({IdentityAttribute.DOUBTFUL, IdentityAttribute.FICTITIOUS, IdentityAttribute.USURPED})


class CollectionMethod(StrEnum):
    """How the identity was collected (FR Core `method-collection`)."""

    MANUAL = "SM"
    VITALE_CARD = "CV"
    INSI_TRAITS = "INSI"
    DATAMATRIX = "CB"
    VITALE_APP = "AV"

    @property
    def label(self) -> str:
        return COLLECTION_LABELS[self]


COLLECTION_LABELS = {
    CollectionMethod.MANUAL: "Saisie manuelle",
    CollectionMethod.VITALE_CARD: "Lecture de la carte Vitale",
    CollectionMethod.INSI_TRAITS: "Téléservice INSi (traits saisis)",
    CollectionMethod.DATAMATRIX: "DataMatrix INS d'un document",
    CollectionMethod.VITALE_APP: "Application carte Vitale",
}


class TrustDocument(StrEnum):
    """High-trust identification devices (FR Core `mode-validation-identity`, SPEC §1.4)."""

    PASSPORT = "PA"
    ID_CARD = "CN"
    E_ID_CARD = "eCN"
    RESIDENCE_PERMIT = "CS"
    LA_POSTE_ID = "IN"
    VITALE_APP = "AV"
    FAMILY_BOOK_VITALE = "LECV"
    BIRTH_CERTIFICATE = "AN"
    BIRTH_CERTIFICATE_VITALE = "ANCV"
    PARENTS_FAMILY_BOOK = "LEP"
    MINOR_TRAVEL_DOCUMENT = "CC"

    @property
    def label(self) -> str:
        return DOCUMENT_LABELS[self]


DOCUMENT_LABELS = {
    TrustDocument.PASSPORT: "Passeport",
    TrustDocument.ID_CARD: "Carte nationale d'identité",
    TrustDocument.E_ID_CARD: "Carte d'identité électronique (France Identité)",
    TrustDocument.RESIDENCE_PERMIT: "Titre de séjour",
    TrustDocument.LA_POSTE_ID: "Identité Numérique La Poste",
    TrustDocument.VITALE_APP: "Application carte Vitale",
    TrustDocument.FAMILY_BOOK_VITALE: "Livret de famille et carte Vitale avec photo",
    TrustDocument.BIRTH_CERTIFICATE: "Extrait d'acte de naissance",
    TrustDocument.BIRTH_CERTIFICATE_VITALE: "Acte de naissance et carte Vitale avec photo",
    TrustDocument.PARENTS_FAMILY_BOOK: "Livret de famille des parents",
    TrustDocument.MINOR_TRAVEL_DOCUMENT: "Document de circulation pour étranger mineur",
}


class DocumentOutcome(StrEnum):
    """What happened when the operator asked for a document (SPEC §15.1)."""

    CHECKED = "presentee"
    DIFFERS = "differente"
    NONE_PRESENTED = "aucune"
    REFUSED = "refus"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    DocumentOutcome.CHECKED: "Pièce à haut niveau de confiance vérifiée",
    DocumentOutcome.DIFFERS: "Différent du document",
    DocumentOutcome.NONE_PRESENTED: "Aucune pièce présentée",
    DocumentOutcome.REFUSED: "Refuse de présenter une pièce",
}

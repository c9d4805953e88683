"""What a CDA document says, in our words: the values a builder needs, already resolved (product names and forms
from the drug reference, the pharmacy and its pharmacist from the settings). Shaped after DESIGN.md's INPUT.json
of `comptoir dmp document`; the services fill them from a dispensation, a vaccination or a report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

INS_NIR_OID = "1.2.250.1.213.1.4.8"
INS_NIR_TEST_OID = "1.2.250.1.213.1.4.10"


@dataclass(frozen=True, slots=True)
class Patient:
    ins: str
    """The matricule INS (15 characters with its key); only a qualified identity has one to share (SPEC §5.4)."""
    ins_oid: str
    last_name: str
    """Used last name."""
    birth_name: str
    first_names: tuple[str, ...]
    birth_date: date
    sex: str
    """M or F (U when unknown)."""


@dataclass(frozen=True, slots=True)
class Address:
    street: str = ""
    postal_code: str = ""
    city: str = ""


@dataclass(frozen=True, slots=True)
class Professional:
    rpps: str
    last_name: str
    first_name: str
    role: str = "pharmacien"
    """pharmacien, medecin, infirmier… (a G15 profession)."""


@dataclass(frozen=True, slots=True)
class Pharmacy:
    finess: str
    name: str
    address: Address = field(default_factory=Address)
    telephone: str = ""


class Confidentiality(StrEnum):
    """What the patient asked about a document's visibility (SPEC §5.3), beside the HL7 level N."""

    MASKED_FROM_PROFESSIONALS = "MASQUE_PS"
    INVISIBLE_TO_PATIENT = "INVISIBLE_PATIENT"
    INVISIBLE_TO_LEGAL_REPRESENTATIVES = "INVISIBLE_REPRESENTANTS_LEGAUX"


@dataclass(frozen=True, slots=True)
class Header:
    """What every document has: ids, patient, author, custodian, date; a new version keeps `set_id`."""

    document_id: str
    """The CDA `id/@root` (an OID or UUID), also the DMP's uniqueId."""
    set_id: str
    version: int
    patient: Patient
    author: Professional
    pharmacy: Pharmacy
    at: datetime
    """When the act was done (aware datetime)."""
    title: str = ""
    confidentiality: tuple[Confidentiality, ...] = ()


@dataclass(frozen=True, slots=True)
class Product:
    """A pack as the drug reference names it."""

    cip13: str
    name: str
    cis: str = ""
    form: str = ""
    """The BDPM's pharmaceutical form, e.g. « comprimé pelliculé »."""
    units_per_box: int | None = None
    unit: str = ""
    """The unit counted in the box (comprimé, gélule, ml…)."""
    atc: str = ""
    """The ATC class of the specialty, when the reference knows it (a vaccine's is required by VAC-NOTE)."""
    atc_label: str = ""
    """The ATC class's name, written beside its code (VAC-NOTE requires it)."""


@dataclass(frozen=True, slots=True)
class Prescription:
    id: str
    issued_on: date
    prescriber: Professional


@dataclass(frozen=True, slots=True)
class DispensedLine:
    product: Product
    boxes: int
    posology: str = ""
    substituted: bool = False
    prescription_line: int | None = None
    """The line's number on the prescription, when it was prescribed."""
    note: str = ""
    """The pharmacist's note on the line (notes du dispensateur)."""
    expiry: date | None = None
    lot: str = ""


@dataclass(frozen=True, slots=True)
class Dispensation:
    """eDISP-MED_2024.01: one dispensation and its lines."""

    header: Header
    lines: tuple[DispensedLine, ...]
    prescription: Prescription | None = None
    dispensation_id: str = ""
    """The pharmacy's own id of the act (serviceEvent/id)."""


@dataclass(frozen=True, slots=True)
class Vaccination:
    """VAC-NOTE_2023.01: one vaccine given."""

    header: Header
    product: Product
    lot: str
    expiry: date
    dose: str = "1"
    """Rank of the dose in its schedule, or « rappel »."""
    route: str = "IM"
    """IM, SC, ID… (EDQM route)."""
    site: str = ""
    """Where it was injected, e.g. « deltoïde droit »."""
    prescriber: Professional | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """A CDA R2 niveau 1 whose body is a PDF: medication review (BPM), interview report…"""

    header: Header
    type_code: str
    """LOINC typeCode of SPEC §5.1, e.g. 56445-0 bilan médicamenteux, 78601-2 CR d'entretien pharmaceutique."""
    text: str
    pdf: bytes | None = None
    """The report itself; None: a PDF is made from `text`."""

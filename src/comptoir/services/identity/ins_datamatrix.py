"""The INS DataMatrix of a document (SPEC §2) at the counter: read it (scanner text or image), have
the INSi verify it (SPEC §15.1), and feed the same confirmation step as a search (method CB)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain.identity.ins import InsIdentity
from comptoir.domain.identity.status import CollectionMethod
from comptoir.domain.identity.vitale import VitaleBeneficiary
from comptoir.domain.operators import Permission
from comptoir.errors import RuleViolation
from comptoir.national.ins.port import InsTeleservice, SearchAnswer, SearchOutcome, VerificationOutcome
from comptoir.reading.barcode_image import decode_barcodes
from comptoir.reading.ins_datamatrix import looks_like_ins_datamatrix, parse_ins_datamatrix
from comptoir.services.identity.patient_identity import load_for_change, register_visit
from comptoir.services.identity.patients import NewPatient, add_patient
from comptoir.services.identity.qualify_identity import InsiProposal, check_matricule, keep_answer
from comptoir.services.identity.vitale_reading import Identified, find_beneficiary
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


def datamatrix_text_of_image(image: bytes) -> str:
    """The INS DataMatrix payload found in a photo or scan of a document."""
    texts = [t for t in decode_barcodes(image) if looks_like_ins_datamatrix(t)]
    if not texts:
        raise RuleViolation("Aucun DataMatrix INS trouvé dans l'image : cadrez le code de plus près.")
    return texts[0]


def verified_identity(text: str, *, insi: InsTeleservice, now: datetime) -> InsIdentity:
    """Parse, check the key, and have the INSi confirm; refuses in French otherwise."""
    identity = parse_ins_datamatrix(text)
    check_matricule(identity, now=now)
    answer = insi.verify(identity)
    if answer.outcome is VerificationOutcome.UNKNOWN:
        raise RuleViolation("Le téléservice INSi ne connaît pas le matricule de ce DataMatrix : identité non reprise.")
    if answer.outcome is VerificationOutcome.NOT_CONFORMING:
        raise RuleViolation("Le téléservice INSi ne confirme pas les traits de ce DataMatrix (document périmé ou "
                            "altéré ?) : interrogez l'INSi par les traits.")
    return identity


def check_datamatrix(patient_id: int, text: str, *, uow: UnitOfWork, operator: CurrentOperator,
                     insi: InsTeleservice, now: datetime) -> InsiProposal:
    """For an open record: the verified DataMatrix identity, to confirm like an INSi answer."""
    operator.require(Permission.QUALIFY_IDENTITY)
    with uow:
        load_for_change(uow, patient_id)  # an unknown or merged record is said before the INSi is asked
    identity = verified_identity(text, insi=insi, now=now)
    with uow:
        proposal = keep_answer(uow, operator, load_for_change(uow, patient_id), SearchAnswer(SearchOutcome.ONE,
                               identity), method=CollectionMethod.DATAMATRIX, now=now)
        uow.commit()
    return proposal


def identify_from_datamatrix(text: str, *, uow: UnitOfWork, operator: CurrentOperator, insi: InsTeleservice,
                             now: datetime) -> Identified:
    """At the counter with no record open: find or create the record, then propose the verified identity."""
    operator.require(Permission.QUALIFY_IDENTITY)
    identity = verified_identity(text, insi=insi, now=now)
    with uow:
        patient, created = _found_or_created(uow, operator, identity, now)
        proposal = keep_answer(uow, operator, patient, SearchAnswer(SearchOutcome.ONE, identity),
                               method=CollectionMethod.DATAMATRIX, now=now)
        found = Identified(patient, created, register_visit(patient, today=now.date()), proposal)
        uow.commit()
    return found


def _found_or_created(uow: UnitOfWork, operator: CurrentOperator, identity: InsIdentity,
                      now: datetime) -> tuple[m.Patient, bool]:
    t = identity.traits
    person = VitaleBeneficiary(t.birth_name, t.birth_name, t.first_birth_given_name, t.birth_date, ins=identity)
    patient = find_beneficiary(uow, person)
    if patient is not None:
        return patient, False
    new = NewPatient(t.birth_name, t.first_birth_given_name.capitalize(), t.birth_date, t.sex,
                     birth_name=t.birth_name, birth_given_names=t.birth_given_names, birth_place=t.birth_place)
    return add_patient(uow, operator, new, now=now, method=CollectionMethod.DATAMATRIX), True

"""The INS DataMatrix of a document (SPEC §2) at the counter: read it (scanner text or image), have
the INSi verify it (SPEC §15.1), and feed the same confirmation step as a search (method CB)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from comptoir.domain.identity.ins import InsIdentity
from comptoir.domain.identity.status import CollectionMethod
from comptoir.domain.identity.vitale import VitaleBeneficiary
from comptoir.domain.operators import Permission
from comptoir.errors import RuleViolation
from comptoir.national.ins.port import InsTeleservice, SearchAnswer, SearchOutcome, VerificationOutcome
from comptoir.reading.barcode_image import decode_barcodes
from comptoir.reading.ins_datamatrix import looks_like_ins_datamatrix, parse_ins_datamatrix
from comptoir.services.identity.patient_identity import load_for_change, register_visit
from comptoir.services.identity.patients import NewPatient, create_patient
from comptoir.services.identity.qualify_identity import InsiProposal, check_matricule, keep_answer
from comptoir.services.identity.vitale_reading import Identified, find_beneficiary
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m


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


def check_datamatrix(session: Session, operator: CurrentOperator, patient_id: int, text: str, *,
                     insi: InsTeleservice, now: datetime) -> InsiProposal:
    """For an open record: the verified DataMatrix identity, to confirm like an INSi answer."""
    operator.require(Permission.QUALIFY_IDENTITY)
    patient = load_for_change(session, patient_id)
    identity = verified_identity(text, insi=insi, now=now)
    return keep_answer(session, operator, patient, SearchAnswer(SearchOutcome.ONE, identity),
                       method=CollectionMethod.DATAMATRIX, now=now)


def identify_from_datamatrix(session: Session, operator: CurrentOperator, text: str, *, insi: InsTeleservice,
                             now: datetime) -> Identified:
    """At the counter with no record open: find or create the record, then propose the verified identity."""
    operator.require(Permission.QUALIFY_IDENTITY)
    identity = verified_identity(text, insi=insi, now=now)
    t = identity.traits
    person = VitaleBeneficiary(t.birth_name, t.birth_name, t.first_birth_given_name, t.birth_date, ins=identity)
    patient: m.Patient | None = find_beneficiary(session, person)
    created = patient is None
    if patient is None:
        new = NewPatient(t.birth_name, t.first_birth_given_name.capitalize(), t.birth_date, t.sex,
                         birth_name=t.birth_name, birth_given_names=t.birth_given_names, birth_place=t.birth_place)
        patient = create_patient(session, operator, new, now=now, method=CollectionMethod.DATAMATRIX)
    proposal = keep_answer(session, operator, patient, SearchAnswer(SearchOutcome.ONE, identity),
                           method=CollectionMethod.DATAMATRIX, now=now)
    return Identified(patient, created, register_visit(patient, today=now.date()), proposal)

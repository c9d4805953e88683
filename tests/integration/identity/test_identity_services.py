"""Identity use cases on SQLite and PostgreSQL, against the INSi emulator over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import date

import pytest
from sqlalchemy import func, select

from comptoir.devices.vitale.reader import EmulatedVitaleReader
from comptoir.domain.identity.status import DocumentOutcome, IdentityAttribute, TrustDocument
from comptoir.domain.identity.vitale import VitaleMedium
from comptoir.domain.operators import Role
from comptoir.errors import Conflict, ExternalServiceError, PermissionDenied, RuleViolation
from comptoir.national.ins.client import InsiClient
from comptoir.national.ins.port import SearchOutcome
from comptoir.reading.ins_datamatrix import UnreadableDataMatrix
from comptoir.services.identity import identitovigilance, ins_datamatrix, patient_identity, patients, qualify_identity
from comptoir.services.identity.vitale_reading import identify_from_app, identify_from_card
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.store.unit_of_work import SqlUnitOfWork
from tests.conftest import Clock
from tests.emulators import insi_client, insi_emulator

PREPARATEUR = CurrentOperator(id=1, code="PR01", display_name="Julie", role=Role.PREPARATEUR, workstation="poste-1")
PHARMACIEN = CurrentOperator(id=2, code="PH01", display_name="Claire", role=Role.TITULAIRE, workstation="poste-1")
READER = EmulatedVitaleReader()
DARK_DM = ("IS010000000000000000000000S1239088815400243S21.2.250.1.213.1.4.8\x1dS3JEANNE MARIE\x1dS4DARK\x1d"
           "S5FS613-08-1939S788154")


@pytest.fixture(scope="module")
def insi_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with insi_emulator(tmp_path_factory.mktemp("insi")) as url:
        yield url


@pytest.fixture
def insi(insi_url: str) -> Iterator[InsiClient]:
    client = insi_client(insi_url)
    yield client
    client.close()


def work(runtime: Runtime) -> closing[SqlUnitOfWork]:
    """A unit of work as a request has one: closed at the end of the block."""
    return closing(runtime.unit_of_work())


def count(runtime: Runtime, table: type[m.Base]) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def patient(runtime: Runtime, patient_id: int) -> m.Patient:
    with runtime.session_factory() as session:
        found = session.get(m.Patient, patient_id)
        assert found is not None
        return found


def from_card(runtime: Runtime, insi: InsiClient, card: str, index: int = 0):  # type: ignore[no-untyped-def]
    with work(runtime) as uow:
        found = identify_from_card(READER.read(card, VitaleMedium.CARD), index, insi=insi,
                                   uow=uow, operator=PREPARATEUR, now=runtime.clock())
        return found.patient.id, found.proposal


def accept(runtime: Runtime, patient_id: int, answer_id: int) -> None:
    with work(runtime) as uow:
        qualify_identity.accept_insi_identity(patient_id, answer_id, uow=uow, operator=PREPARATEUR, now=runtime.clock())


def document(runtime: Runtime, patient_id: int, outcome: DocumentOutcome,
             doc: TrustDocument | None = TrustDocument.ID_CARD) -> None:
    with work(runtime) as uow:
        qualify_identity.record_document(patient_id, outcome, document=doc, prompts=3,
                                         uow=uow, operator=PREPARATEUR, now=runtime.clock())


def create(runtime: Runtime, new: patients.NewPatient) -> int:
    with work(runtime) as uow:
        return patients.create_patient(new, uow=uow, operator=PREPARATEUR, now=runtime.clock()).id


def test_a_vitale_read_then_a_document_qualifies_the_identity(runtime: Runtime, insi: InsiClient) -> None:
    patient_id, proposal = from_card(runtime, insi, "dark")
    assert proposal.outcome is SearchOutcome.ONE
    assert [d.field for d in proposal.differences] == ["birth_given_names", "birth_place"]  # the card has less

    accept(runtime, patient_id, proposal.answer_id)
    assert patient(runtime, patient_id).identity_status == "RECUP"
    document(runtime, patient_id, DocumentOutcome.CHECKED)

    done = patient(runtime, patient_id)
    assert (done.identity_status, done.nir, done.trust_document, done.collection_method) == (
        "QUAL", "239088815400243", "CN", "CV")
    assert (done.birth_given_names, done.birth_place) == ("JEANNE MARIE", "88154")
    with runtime.session_factory() as session:
        kinds = [e.kind for e in session.scalars(select(m.IdentityEvent).order_by(m.IdentityEvent.id))]
        assert patient_identity.require_qualified_ins(done).matricule == "239088815400243"
    assert kinds == ["creation", "insi", "piece"]


def test_a_changed_birth_name_is_shown_and_taken_from_the_insi(runtime: Runtime, insi: InsiClient) -> None:
    patient_id, proposal = from_card(runtime, insi, "dubois")

    assert ("DUBOIS", "LEFEBVRE") in [(d.ours, d.theirs) for d in proposal.differences]
    accept(runtime, patient_id, proposal.answer_id)
    assert (patient(runtime, patient_id).birth_name, patient(runtime, patient_id).last_name) == ("LEFEBVRE", "DUBOIS")


def test_a_twin_on_a_parent_s_card_gets_her_own_ins(runtime: Runtime, insi: InsiClient) -> None:
    _, proposal = from_card(runtime, insi, "leroy", index=1)

    assert proposal.identity is not None and proposal.identity.matricule == "215037511501132"


@pytest.mark.parametrize(("card", "words"), [("test-panne", "indisponible"), ("test-lenteur", "délai")])
def test_insi_down_or_slow_changes_nothing(runtime: Runtime, insi: InsiClient, card: str, words: str) -> None:
    with pytest.raises(ExternalServiceError, match=words):
        from_card(runtime, insi, card)

    assert (count(runtime, m.Patient), count(runtime, m.InsiAnswer), count(runtime, m.IdentityEvent)) == (0, 0, 0)


def test_several_identities_cannot_be_accepted_and_change_nothing(runtime: Runtime, insi: InsiClient) -> None:
    patient_id, proposal = from_card(runtime, insi, "test-plusieurs")

    with pytest.raises(RuleViolation, match="Plusieurs identités"):
        accept(runtime, patient_id, proposal.answer_id)

    assert patient(runtime, patient_id).identity_status == "PROV"
    assert count(runtime, m.IdentityEvent) == 1


def test_homonyms_by_traits_ask_for_more_traits(runtime: Runtime, insi: InsiClient) -> None:
    patient_id = create(runtime, patients.NewPatient("MARTIN", "Pierre", date(1975, 6, 12), "M"))

    with work(runtime) as uow:
        proposal = qualify_identity.ask_insi(patient_id, insi=insi, uow=uow, operator=PREPARATEUR, now=runtime.clock())

    assert proposal.outcome is SearchOutcome.SEVERAL
    assert "complétez les traits" in proposal.message


def test_the_vitale_app_qualifies_at_once_without_a_document(runtime: Runtime) -> None:
    with work(runtime) as uow:
        found = identify_from_app(READER.read("loiseau", VitaleMedium.APP), 0,
                                  uow=uow, operator=PREPARATEUR, now=runtime.clock())
        patient_id = found.patient.id

    done = patient(runtime, patient_id)
    assert (done.identity_status, done.collection_method, done.trust_document) == ("QUAL", "AV", "AV")


def test_a_card_not_enrolled_in_the_app_is_refused() -> None:
    with pytest.raises(RuleViolation, match="pas enrôlée"):
        READER.read("dark", VitaleMedium.APP)


def test_no_document_presented_asks_again_at_the_next_visits(runtime: Runtime, insi: InsiClient,
                                                             clock: Clock) -> None:
    patient_id, proposal = from_card(runtime, insi, "dark")
    accept(runtime, patient_id, proposal.answer_id)
    document(runtime, patient_id, DocumentOutcome.NONE_PRESENTED, None)

    asked = []
    for _ in range(4):
        clock.advance(days=1)
        with work(runtime) as uow:
            asked.append(identify_from_card(READER.read("dark", VitaleMedium.CARD), 0,
                                            insi=insi, uow=uow, operator=PREPARATEUR, now=clock()).ask_for_document)

    assert asked == [True, True, True, False]
    assert patient(runtime, patient_id).identity_status == "RECUP"


def test_a_document_that_differs_makes_the_identity_doubtful(runtime: Runtime, insi: InsiClient) -> None:
    patient_id, proposal = from_card(runtime, insi, "dark")
    accept(runtime, patient_id, proposal.answer_id)

    document(runtime, patient_id, DocumentOutcome.DIFFERS, None)

    done = patient(runtime, patient_id)
    assert (done.identity_status, done.identity_attributes) == ("PROV", ["DOUT"])
    with pytest.raises(RuleViolation, match="Identité douteuse"):
        patient_identity.require_qualified_ins(done)


def test_a_refusal_is_recorded_and_changes_no_status(runtime: Runtime, insi: InsiClient) -> None:
    patient_id, proposal = from_card(runtime, insi, "dark")
    accept(runtime, patient_id, proposal.answer_id)

    document(runtime, patient_id, DocumentOutcome.REFUSED, None)

    with runtime.session_factory() as session:
        last = session.scalars(select(m.IdentityEvent).order_by(m.IdentityEvent.id.desc())).first()
    assert last is not None and last.reason == "Refuse de présenter une pièce"
    assert patient(runtime, patient_id).identity_status == "RECUP"


def test_a_recovered_identity_may_not_feed_the_dmp(runtime: Runtime, insi: InsiClient) -> None:
    patient_id, proposal = from_card(runtime, insi, "dark")
    accept(runtime, patient_id, proposal.answer_id)

    with pytest.raises(RuleViolation, match="ne peut alimenter le DMP ni servir dans une messagerie MSSanté"):
        patient_identity.require_qualified_ins(patient(runtime, patient_id))


@pytest.mark.parametrize(("new", "words"), [
    (patients.NewPatient("LOISEAU", "Marina", date(1980, 1, 21), "F", nir="280017505601618"), "clé attendue est 35"),
    (patients.NewPatient("DARK", "Jeanne", date(1939, 8, 13), "M", nir="239088815400243"), "sexe déclaré est M"),
    (patients.NewPatient("DARK", "Jeanne", date(1940, 8, 13), "F", nir="239088815400243"), "naissance en 39"),
    (patients.NewPatient("DARK", "Jeanne", date(2031, 8, 13), "F"), "dans le futur"),
    (patients.NewPatient("DARK", "Jeanne", date(1839, 8, 13), "F"), "impossible"),
    (patients.NewPatient("DARK", "Jeanne", date(1939, 8, 13), "F", birth_place="8815"), "code INSEE"),
])
def test_bad_input_at_creation_writes_nothing(runtime: Runtime, new: patients.NewPatient, words: str) -> None:
    with pytest.raises(RuleViolation, match=words):
        create(runtime, new)

    assert count(runtime, m.Patient) == 0


def test_a_datamatrix_feeds_the_same_confirmation(runtime: Runtime, insi: InsiClient) -> None:
    patient_id = create(runtime, patients.NewPatient("DARK", "Jeanne", date(1939, 8, 13), "F"))

    with work(runtime) as uow:
        proposal = ins_datamatrix.check_datamatrix(patient_id, DARK_DM, insi=insi,
                                                   uow=uow, operator=PREPARATEUR, now=runtime.clock())
    accept(runtime, patient_id, proposal.answer_id)

    assert (patient(runtime, patient_id).collection_method, patient(runtime, patient_id).identity_status) == (
        "CB", "RECUP")


@pytest.mark.parametrize(("payload", "error", "words"), [
    ("IS01garbage", UnreadableDataMatrix, "n'est pas un DataMatrix INS"),
    (DARK_DM.replace("239088815400243", "239088815400244"), RuleViolation, "clé attendue est 43"),
    (DARK_DM.replace("S3JEANNE MARIE", "S3JEANNE"), RuleViolation, "ne confirme pas"),
    (DARK_DM.replace("239088815400243", "170017599900439"), RuleViolation, "ne connaît pas"),
])
def test_a_bad_datamatrix_changes_nothing(runtime: Runtime, insi: InsiClient, payload: str,
                                          error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words), work(runtime) as uow:
        ins_datamatrix.identify_from_datamatrix(payload, insi=insi, uow=uow, operator=PREPARATEUR, now=runtime.clock())

    assert count(runtime, m.Patient) == count(runtime, m.InsiAnswer) == 0


def test_one_ins_on_a_second_record_is_refused_as_a_collision(runtime: Runtime, insi: InsiClient) -> None:
    first_id, first = from_card(runtime, insi, "dark")
    accept(runtime, first_id, first.answer_id)
    other = create(runtime, patients.NewPatient("DARC", "Jeanne", date(1939, 8, 13), "F"))

    with work(runtime) as uow:
        proposal = ins_datamatrix.check_datamatrix(other, DARK_DM, insi=insi,
                                                   uow=uow, operator=PREPARATEUR, now=runtime.clock())
    with pytest.raises(Conflict, match="déjà celui du dossier"):
        accept(runtime, other, proposal.answer_id)


def test_an_old_insi_answer_cannot_be_accepted(runtime: Runtime, insi: InsiClient, clock: Clock) -> None:
    patient_id, proposal = from_card(runtime, insi, "dark")
    clock.advance(hours=3)

    with pytest.raises(RuleViolation, match="trop ancienne"):
        accept(runtime, patient_id, proposal.answer_id)


def test_duplicates_are_found_reviewed_and_merged_keeping_history(runtime: Runtime, insi: InsiClient) -> None:
    kept_id, proposal = from_card(runtime, insi, "dark")
    accept(runtime, kept_id, proposal.answer_id)
    typo = create(runtime, patients.NewPatient("DARC", "Jeanne", date(1939, 8, 13), "F", allergies=("pénicilline",)))

    with work(runtime) as uow:
        assert identitovigilance.detect(uow=uow, operator=PREPARATEUR, now=runtime.clock()) == 1
        assert identitovigilance.detect(uow=uow, operator=PREPARATEUR, now=runtime.clock()) == 0
        item = identitovigilance.pending(uow=uow, operator=PREPARATEUR, now=runtime.clock())[0]
    with pytest.raises(PermissionDenied), work(runtime) as uow:
        identitovigilance.merge(keep_id=kept_id, merge_id=typo, reason="faute",
                                uow=uow, operator=PREPARATEUR, now=runtime.clock())
    with work(runtime) as uow:
        identitovigilance.merge(keep_id=kept_id, merge_id=typo, reason="faute de frappe",
                                uow=uow, operator=PHARMACIEN, now=runtime.clock())
        found = patients.find_patients("jeanne", uow=uow, operator=PREPARATEUR, now=runtime.clock())
        summary = identitovigilance.report(uow=uow, operator=PREPARATEUR, now=runtime.clock())

    assert (item.first.id, item.second.id) == (kept_id, typo)
    assert [p.id for p in found] == [kept_id]
    assert patient(runtime, kept_id).allergies == ["pénicilline"]
    assert patient(runtime, typo).merged_into_id == kept_id
    assert (summary.patients, summary.merges, summary.pending_reviews) == (1, 1, 0)
    with runtime.session_factory() as session:
        assert [e.kind for e in session.scalars(select(m.IdentityEvent).where(m.IdentityEvent.patient_id == typo))
                ] == ["creation", "fusion"]


def test_homonyms_are_dismissed_and_marked(runtime: Runtime, insi: InsiClient) -> None:
    ids = []
    for place in ("69123", "13055"):
        patient_id = create(runtime, patients.NewPatient("MARTIN", "Pierre", date(1975, 6, 12), "M", birth_place=place))
        with work(runtime) as uow:
            proposal = qualify_identity.ask_insi(patient_id, insi=insi, uow=uow, operator=PREPARATEUR,
                                                 now=runtime.clock())
        accept(runtime, patient_id, proposal.answer_id)
        ids.append(patient_id)

    with work(runtime) as uow:
        identitovigilance.detect(uow=uow, operator=PREPARATEUR, now=runtime.clock())
        item = identitovigilance.pending(uow=uow, operator=PREPARATEUR, now=runtime.clock())[0]
        identitovigilance.dismiss(item.review.id, note="nés à Lyon et à Marseille",
                                  uow=uow, operator=PREPARATEUR, now=runtime.clock())

    assert item.finding.value == "homonyme"
    assert all(patient(runtime, i).identity_attributes == [IdentityAttribute.HOMONYM.value] for i in ids)
    with pytest.raises(Conflict, match="matricules INS différents"), work(runtime) as uow:
        identitovigilance.merge(keep_id=ids[0], merge_id=ids[1], reason="x", uow=uow, operator=PHARMACIEN,
                                now=runtime.clock())


def test_every_read_of_a_record_is_audited(runtime: Runtime, insi: InsiClient) -> None:
    patient_id, _ = from_card(runtime, insi, "dark")
    before = count(runtime, m.AuditEntry)

    from_card(runtime, insi, "dark")

    with runtime.session_factory() as session:
        last = session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.seq.desc())).first()
    assert count(runtime, m.AuditEntry) == before + 1
    assert last is not None and (last.object_type, last.object_id, last.action) == ("patient", str(patient_id), "read")


"""The Annuaire's seed, FHIR mapping and the counter's cache, without a server."""

from __future__ import annotations

from fhir.resources.R4B.practitioner import Practitioner as FhirPractitioner
from stdnum import luhn

from comptoir.errors import ExternalServiceError
from comptoir.national.annuaire import wire
from comptoir.national.annuaire.port import Organization, Practitioner, Role, SearchPage
from comptoir.national.annuaire.seed import DEMO_PRACTITIONERS, STRUCK_OFF_RPPS, generated
from comptoir.services.annuaire.check import KIND_UNVERIFIED, prescriber_findings
from comptoir.services.annuaire.directory import CachedDirectory, install

PLACE = Organization("1750000001", "Pharmacie", finess="750000001", sector="SA33", address_lines=("1 rue A",),
                     postal_code="75011", city="Paris", mailboxes=("pharmacie.a@pharmacien.mssante.fr",))
DOCTOR = Practitioner("10002223336", "BLANC", "Julie", "10", specialty="SM26", mailboxes=("julie.blanc@x.mssante.fr",),
                      roles=(Role(PLACE, ("julie.blanc@x.mssante.fr", "j.blanc@y.mssante.fr")),))


class Annuaire:
    """Answers what the test holds; counts the questions; fails when told."""

    def __init__(self, *known: Practitioner) -> None:
        self.known, self.asked, self.down = {p.rpps: p for p in known}, 0, False

    def practitioner(self, rpps: str) -> Practitioner | None:
        self.asked += 1
        if self.down:
            raise ExternalServiceError("Le service Annuaire Santé est injoignable (réseau).", permanent=False)
        return self.known.get(rpps)

    def search(self, *, name: str = "", city: str = "", count: int = 20) -> SearchPage:
        return SearchPage((), 0)

    def organization(self, finess: str) -> Organization | None:
        return None


def test_the_seed_has_the_demo_ones_and_about_500_luhn_valid_generated_professionals() -> None:
    people, places = generated()
    generated_ones = people[len(DEMO_PRACTITIONERS):]
    assert len(generated_ones) == 500 and all(luhn.is_valid(p.rpps) and p.rpps.startswith("10")
                                                 for p in generated_ones)
    assert len({p.rpps for p in people}) == len(people)
    boxes = [box for p in people for box in p.mailboxes]
    assert len(boxes) == len(set(boxes)) and all(box.split("@")[1].endswith(".mssante.fr") for box in boxes)
    assert 5 <= sum(not p.active for p in generated_ones) <= 20
    assert {p.profession for p in generated_ones} >= {"10", "21", "60"}
    assert len({o.id for o in places}) == len(places)


def test_a_practitioner_and_its_roles_read_back_as_they_were_written() -> None:
    resource = wire.practitioner_resource(DOCTOR)
    roles = [wire.role_resource(DOCTOR, 1, DOCTOR.roles[0])]
    read = wire.read_practitioner(resource, roles, {f"Organization/{PLACE.id}": PLACE})
    assert read.rpps == DOCTOR.rpps and read.specialty_label == "Médecine générale"
    assert read.roles[0].organization == PLACE
    assert read.all_mailboxes == ("julie.blanc@x.mssante.fr", "j.blanc@y.mssante.fr")
    assert wire.read_organization(wire.organization_resource(PLACE)) == PLACE


def test_an_email_without_the_mssante_extension_is_not_a_mailbox() -> None:
    written = wire.practitioner_resource(DOCTOR).model_dump(mode="json", exclude_none=True)
    resource = FhirPractitioner.model_validate(written | {"telecom": [{"system": "email", "value": "a@gmail.com"}]})
    assert wire.read_practitioner(resource).mailboxes == ()


def test_an_answer_is_kept_and_a_failure_kept_a_tenth_as_long() -> None:
    now = [0.0]
    annuaire = Annuaire(DOCTOR)
    directory = CachedDirectory(annuaire, keep_s=300, clock=lambda: now[0])
    install(directory)
    try:
        assert prescriber_findings(DOCTOR.rpps) == [] and prescriber_findings(DOCTOR.rpps) == []
        assert annuaire.asked == 1
        annuaire.down, now[0] = True, 301.0
        assert [f.kind for f in prescriber_findings(DOCTOR.rpps)] == [KIND_UNVERIFIED]
        annuaire.down, now[0] = False, 320.0
        assert [f.kind for f in prescriber_findings(DOCTOR.rpps)] == [KIND_UNVERIFIED] and annuaire.asked == 2
        now[0] = 332.0
        assert prescriber_findings(DOCTOR.rpps) == [] and annuaire.asked == 3
    finally:
        install(None)


def test_no_annuaire_in_this_process_no_finding() -> None:
    install(None)
    assert prescriber_findings(STRUCK_OFF_RPPS) == []

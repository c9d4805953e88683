"""An in-memory DMP (implements `comptoir.national.dmp.port.Dmp`) for the unit tests of the services, with the
emulator's rules and French refusals (national/dmp/rules.py); and the kit's example documents, rewritten for a
test patient, an author or an id.

    dmp = FakeDmp()                       # the demo pharmacy's titulaire calling
    dmp.submit(kit_document("eDISP-MED_2024.01.xml", patient=GENE))
    dmp.close_dmp(GENE.matricule)         # the patient closed his DMP: feeding refused from now on
    dmp.down = True                       # the DMP is unreachable: a non-permanent error (the outbox retries)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from lxml import etree

from comptoir.cda.metadata import NS, EntryFacts, entry_facts
from comptoir.errors import ExternalServiceError
from comptoir.national.credentials import DEMO_PHARMACIST_RPPS, DEMO_PHARMACY_FINESS, Profession
from comptoir.national.dmp import rules
from comptoir.national.dmp.port import DmpStatus, DocumentEntry, Reader, Receipt, Retrieved, Visibility

KIT = next((p for p in (Path(__file__).resolve().parents[2].parent / "shared" / "cda-kit",
                        Path("/work/shared/cda-kit")) if p.is_dir()), Path("../shared/cda-kit"))
GENE = rules.referential()["166023155504769"]
"""A demo patient (devtools/demo.py) known to the DMP's referential."""
MINOR = rules.referential()["215037511501132"]
"""A child (born 2015): her legal representatives read her DMP too."""
NIA_PATIENT = rules.referential()["188059935001290"]
"""Born abroad, a NIA only: not a qualified INS."""


def kit_document(name: str, *, patient: rules.Identity | None = None, document_id: str | None = None,
                 set_id: str | None = None, version: int | None = None, rpps: str | None = None,
                 structure: str | None = None) -> bytes:
    """One of the kit's examples, its patient, ids (`root` or `root^extension`) or author changed when asked (the
    rest as the ANS wrote it)."""
    root = etree.fromstring((KIT / "examples" / name).read_bytes())
    if patient is not None:
        _set_patient(root, patient)
    for path, value in (("h:id", document_id), ("h:setId", set_id)):
        if value is not None:
            _set_identifier(_one(root, path), value)
    if version is not None:
        _one(root, "h:versionNumber").set("value", str(version))
    _set_author(root, rpps, structure)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _set_identifier(element: etree._Element, value: str) -> None:
    """`root` or `root^extension`, as cda/metadata.py reads them back."""
    element.attrib.clear()
    oid, _, extension = value.partition("^")
    element.set("root", oid)
    if extension:
        element.set("extension", extension)


def _set_patient(root: etree._Element, patient: rules.Identity) -> None:
    role = _one(root, "h:recordTarget/h:patientRole")
    ins = next(i for i in role.findall("h:id", NS) if i.get("root", "").startswith("1.2.250.1.213.1.4."))
    ins.set("root", patient.oid)
    ins.set("extension", patient.matricule)
    person = _one(role, "h:patient")
    name = _one(person, "h:name")
    for child in list(name):
        name.remove(child)
    for tag, text, qualifier in (("family", patient.birth_name, "BR"), ("given", patient.given_names, None),
                                 ("given", patient.given_names.split()[0], "BR")):
        element = etree.SubElement(name, f"{{{NS['h']}}}{tag}", **({"qualifier": qualifier} if qualifier else {}))
        element.text = text
    _one(person, "h:administrativeGenderCode").set("code", patient.sex)
    _one(person, "h:birthTime").set("value", patient.birth_date.strftime("%Y%m%d"))


def _set_author(root: etree._Element, rpps: str | None, structure: str | None) -> None:
    for author in root.findall("h:author/h:assignedAuthor", NS):
        if author.find("h:assignedPerson", NS) is None:
            continue
        if rpps is not None:
            _one(author, "h:id").set("extension", "8" + rpps)
        if structure is not None:
            _one(author, "h:representedOrganization/h:id").set("extension", "1" + structure)


def _one(element: etree._Element, path: str) -> etree._Element:
    found = element.find(path, NS)
    assert found is not None, path
    return found


@dataclass
class _Stored:
    entry: DocumentEntry
    content: bytes


@dataclass
class FakeDmp:
    """The DMP as one professional sees it (by default the demo pharmacy's titulaire); `as_professional` gives
    another professional's view of the same DMP. Refusals say the HTTP status the emulator would answer."""

    rpps: str = DEMO_PHARMACIST_RPPS
    structure: str = DEMO_PHARMACY_FINESS
    profession: Profession = Profession.PHARMACIEN
    documents: dict[str, _Stored] = field(default_factory=dict)
    closed: set[str] = field(default_factory=set)
    blocked: dict[str, set[str]] = field(default_factory=dict)
    """INS -> the RPPS and structures the patient blocked."""
    down: bool = False
    submitted: list[bytes] = field(default_factory=list)

    def as_professional(self, rpps: str, structure: str, profession: Profession) -> FakeDmp:
        return replace(self, rpps=rpps, structure=structure, profession=profession)

    def close_dmp(self, ins: str) -> None:
        self.closed.add(ins)

    def block(self, ins: str, who: str) -> None:
        self.blocked.setdefault(ins, set()).add(who)

    def status(self, ins: str) -> DmpStatus:
        self._reachable()
        if ins not in rules.referential():
            return DmpStatus(exists=False, opposed=False, reason=rules.NO_DMP.format(ins=ins))
        if ins in self.closed:
            return DmpStatus(exists=False, opposed=False, reason=rules.CLOSED)
        opposed = self._blocked(ins)
        return DmpStatus(exists=True, opposed=opposed, reason=rules.BLOCKED if opposed else "")

    def submit(self, document: bytes, visibility: tuple[Visibility, ...] = (), *,
               replaces: str | None = None) -> Receipt:
        self._reachable()
        self.submitted.append(document)
        try:
            facts = entry_facts(document)
        except ValueError as exc:
            raise _refused(422, str(exc)) from exc
        reason = rules.feed_refusal(facts, rules.referential().get(facts.patient_ins))
        if reason:
            raise _refused(422, reason)
        if facts.patient_ins in self.closed:
            raise _refused(403, rules.CLOSED)
        if facts.unique_id in self.documents:
            return self._duplicate(self.documents[facts.unique_id], document)
        entry = _entry(facts, document, visibility)
        if replaces is not None:
            entry = self._replace(replaces, entry)
        self.documents[entry.unique_id] = _Stored(entry, document)
        return Receipt(entry.unique_id, entry.set_id, entry.version, duplicate=False)

    def search(self, ins: str, *, type_codes: tuple[str, ...] = (),
               since: datetime | None = None) -> list[DocumentEntry]:
        self._may_read(ins)
        found = [s.entry for s in self.documents.values() if s.entry.patient_ins == ins
                 and s.entry.status == "approved" and self._sees(s.entry)
                 and rules.readable_type(self.profession, s.entry.type_code)
                 and (not type_codes or s.entry.type_code in type_codes)
                 and (since is None or s.entry.creation_time >= since)]
        return sorted(found, key=lambda e: e.creation_time, reverse=True)

    def retrieve(self, unique_id: str) -> Retrieved:
        self._reachable()
        stored = self.documents.get(unique_id)
        if stored is None or not self._sees(stored.entry):
            raise _refused(404, f"Document introuvable dans le DMP : {unique_id}.")
        self._may_read(stored.entry.patient_ins)
        if not rules.readable_type(self.profession, stored.entry.type_code):
            raise _refused(403, rules.NOT_READABLE.format(label=stored.entry.type_label))
        return Retrieved(stored.entry, stored.content)

    def delete(self, unique_id: str) -> None:
        self._reachable()
        stored = self.documents.get(unique_id)
        if stored is None:
            raise _refused(404, f"Document introuvable dans le DMP : {unique_id}.")
        self._authored(stored.entry)
        del self.documents[unique_id]

    def _duplicate(self, known: _Stored, document: bytes) -> Receipt:
        if known.content != document:
            raise _refused(409, f"Un autre document porte déjà l'identifiant {known.entry.unique_id} dans le DMP.")
        return Receipt(known.entry.unique_id, known.entry.set_id, known.entry.version, duplicate=True)

    def _replace(self, replaces: str, entry: DocumentEntry) -> DocumentEntry:
        old = self.documents.get(replaces)
        if old is None:
            raise _refused(404, f"Document à remplacer introuvable dans le DMP : {replaces}.")
        self._authored(old.entry)
        if old.entry.status != "approved":
            raise _refused(409, "Ce document a déjà été remplacé par une version plus récente.")
        if old.entry.set_id != entry.set_id or old.entry.patient_ins != entry.patient_ins:
            raise _refused(422, "Une nouvelle version garde le setId et le patient du document qu'elle remplace.")
        old.entry = replace(old.entry, status="deprecated")
        return replace(entry, version=old.entry.version + 1)

    def _authored(self, entry: DocumentEntry) -> None:
        if not rules.may_withdraw(entry.author_rpps, entry.author_structure, rpps=self.rpps, structure=self.structure):
            raise _refused(403, rules.NOT_AUTHOR)

    def _sees(self, entry: DocumentEntry) -> bool:
        return rules.visible(entry.confidentiality, Reader.PROFESSIONAL, author_rpps=entry.author_rpps, rpps=self.rpps)

    def _may_read(self, ins: str) -> None:
        self._reachable()
        if ins not in rules.referential():
            raise _refused(404, rules.NO_DMP.format(ins=ins))
        if ins in self.closed:
            raise _refused(403, rules.CLOSED)
        if self._blocked(ins):
            raise _refused(403, rules.BLOCKED)

    def _blocked(self, ins: str) -> bool:
        return bool(self.blocked.get(ins, set()) & {self.rpps, self.structure})

    def _reachable(self) -> None:
        if self.down:
            raise ExternalServiceError("Le service DMP est injoignable (réseau).", permanent=False)


def _entry(f: EntryFacts, document: bytes, visibility: tuple[Visibility, ...]) -> DocumentEntry:
    return DocumentEntry(
        unique_id=f.unique_id, set_id=f.set_id, version=f.version, patient_ins=f.patient_ins,
        patient_ins_oid=f.patient_ins_oid, class_code=f.class_code, type_code=f.type_code, type_label=f.type_label,
        format_code=f.format_code, confidentiality=rules.requested_confidentiality(f.confidentiality, visibility),
        author_rpps=f.author_rpps, author_name=f.author_name, author_structure=f.author_structure,
        healthcare_facility_type=f.healthcare_facility_type, creation_time=f.creation_time,
        service_start=f.service_start, title=f.title, mime_type="text/xml", size=len(document),
        hash=hashlib.sha1(document, usedforsecurity=False).hexdigest(), status="approved")


def _refused(status: int, reason: str) -> ExternalServiceError:
    return ExternalServiceError(f"Le service DMP a refusé la demande (HTTP {status}) : {reason}", permanent=True)

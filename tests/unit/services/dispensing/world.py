"""A small pharmacy on the in-memory unit of work for the counter's basket: a few products with their boxes,
one contraindicated pair in the thesaurus, a listed product, a patient allergic to amoxicillin."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from comptoir.analysis.reference import AnalysisReference, Component, Product, ThesaurusIndex
from comptoir.domain.operators import Role
from comptoir.refdata.search import DrugIndex, DrugRecord, fold
from comptoir.refdata.thesaurus import InteractionEntry
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store import models as m
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 2, 19, 10, 0, tzinfo=UTC)
PHARMACIST = CurrentOperator(1, "PH01", "Claire", Role.TITULAIRE, "poste-1")
PREPARER = CurrentOperator(3, "PR01", "Paul", Role.PREPARATEUR, "poste-2")
PATIENT = 1
ALLERGIC = 2

DOLIPRANE = ("60000001", "DOLIPRANE 1000 mg, comprimé", "paracétamol", "N02BE01", ())
SIMVASTATINE = ("60000003", "SIMVASTATINE ARROW 20 mg, comprimé", "simvastatine", "C10AA01", ("liste I",))
CLARITHROMYCINE = ("60000004", "CLARITHROMYCINE MYLAN 500 mg, comprimé", "clarithromycine", "J01FA09", ("liste I",))
AMOXICILLINE = ("60000002", "AMOXICILLINE BIOGARAN 1 g, comprimé", "amoxicilline", "J01CA04", ("liste I",))
DOLIPRANE_GELULE = ("60000005", "DOLIPRANE 1000 mg, gélule", "paracétamol", "N02BE01", ())
PRODUCTS = (DOLIPRANE, SIMVASTATINE, CLARITHROMYCINE, AMOXICILLINE, DOLIPRANE_GELULE)
_OVERLAP = "chevauchement interdit sauf mention expresse du prescripteur portée sur l'ordonnance"
STILNOX = ("60000006", "STILNOX 10 mg, comprimé pelliculé sécable", "zolpidem", "N05CF02",
           ("prescription limitée à 4 semaines", "liste I", _OVERLAP))
ZOLPIDEM = ("60000007", "ZOLPIDEM BIOGARAN 10 mg, comprimé pelliculé sécable", "zolpidem", "N05CF02",
            ("prescription limitée à 4 semaines", "liste I", _OVERLAP))
MORPHINE = ("60000008", "SKENAN LP 30 mg, microgranules à libération prolongée en gélule", "morphine", "N02AA01",
            ("stupéfiants", "prescription limitée à 28 jours"))
SLEEP_AND_PAIN = (*PRODUCTS, STILNOX, ZOLPIDEM, MORPHINE)
"""The small pharmacy with two zolpidems (overlap forbidden by their conditions) and a stupéfiant."""
BOXES = {"60000001": ("3400933516390", "3351639"), "60000002": ("3400930000028", "3000002"),
         "60000003": ("3400930000035", "3000003"), "60000004": ("3400930000042", "3000004"),
         "60000005": ("3400930000059", "3000005"), "60000006": ("3400930000066", "3000006"),
         "60000007": ("3400930000073", "3000007"), "60000008": ("3400930000080", "3000008")}
"""CIS -> (CIP13, CIP7); DOLIPRANE's is the SPEC's GS1 example (a valid check digit)."""
LABELS = {"60000006": "plaquette(s) de 14 comprimé(s)", "60000007": "plaquette(s) de 14 comprimé(s)",
          "60000008": "plaquette(s) de 14 gélule(s)"}
"""The box's label where it is not "plaquette(s) de 8 comprimé(s)"."""
Drug = tuple[str, str, str, str, tuple[str, ...]]
DOLIPRANE_PACK = "010340093351639017" + "271231" + "10LOT42\x1d21SERIE0001"


class References:
    """The analysis reference cache, with the small reference in it."""

    def __init__(self, products: tuple[Drug, ...] = PRODUCTS) -> None:
        self.reference = reference(products)

    def get(self, source: object) -> AnalysisReference:
        return self.reference


STRENGTH_MG = {"simvastatine": 20.0}
"""The strength the products' names say, where it is not 500 mg (the dose checks read it)."""


def _product(cis: str, name: str, substance: str, atc: str, conditions: tuple[str, ...]) -> Product:
    component = Component(f"S{cis}", substance, STRENGTH_MG.get(substance, 500.0), frozenset({fold(substance)}))
    return Product(cis=cis, name=name, form="comprimé", routes=("orale",), atc=atc, components=(component,),
                   conditions=conditions, min_box_price=2.5, pack_sizes=(8,))


def reference(products: tuple[Drug, ...] = PRODUCTS) -> AnalysisReference:
    records = [DrugRecord(cis=cis, name=name, substances=(substance,), cip13=(BOXES[cis][0],), cip7=(BOXES[cis][1],),
                          marketed=True, strengths_mg=(STRENGTH_MG.get(substance, 500.0),))
               for cis, name, substance, _, _ in products]
    # The thesaurus prints each pair under both of its protagonists.
    entries = [InteractionEntry(a, b, "CI", ("CI",), "Risque majoré de rhabdomyolyse.", "Contre-indication.", 42)
               for a, b in (("CLARITHROMYCINE", "SIMVASTATINE"), ("SIMVASTATINE", "CLARITHROMYCINE"))]
    thesaurus = ThesaurusIndex.build("2023-09-15", entries, {})
    return AnalysisReference(index=DrugIndex(records), products={p[0]: _product(*p) for p in products},
                             thesaurus=thesaurus, cip13_to_cis={BOXES[p[0]][0]: p[0] for p in products},
                             bdpm_date="2026-05-01")


def pharmacy(products: tuple[Drug, ...] = PRODUCTS) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.eprescriptions.pharmacies.append(m.Pharmacy(id=1, name="Pharmacie du test", finess="750000001"))
    uow.eprescriptions.rpps[PHARMACIST.id] = "10000001916"
    for cis, name, _, _, _ in products:
        uow.eprescriptions.specialties[cis] = m.Specialty(cis=cis, name=name, marketing_status="Commercialisée")
        cip13 = BOXES[cis][0]
        uow.eprescriptions.presentations[cip13] = m.Presentation(
            cip13=cip13, cip7=BOXES[cis][1], cis=cis, label=LABELS.get(cis, "plaquette(s) de 8 comprimé(s)"),
            status="Présentation active", marketing_state="Déclaration de commercialisation", collectivities="oui",
            reimbursement_rate="65%", price_eur=Decimal("2.50"))
    for patient in (m.Patient(id=PATIENT, last_name="GENE", first_name="Alain", birth_date=date(1966, 2, 23),
                              sex="M", allergies=[]),
                    m.Patient(id=ALLERGIC, last_name="DUBOIS", first_name="Marie", birth_date=date(1980, 5, 2),
                              sex="F", allergies=["amoxicilline"])):
        uow.dispensations.patients[patient.id] = patient
        uow.eprescriptions.patients[patient.id] = patient
    return uow

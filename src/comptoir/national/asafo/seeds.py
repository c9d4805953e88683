"""The emulator's first alerts: confirmed fake prescriptions of made-up people, in the proportions of the first
year of ASAFO (SPEC §11.2, §15.6): about 30 % diabetes products (insulins, GLP-1 analogues, sensors, strips), then
analgesics (tramadol, codeine syrups, buprenorphine), pregabalin, fertility drugs, and a few expensive medicines
trafficked abroad (anti-TNF, oncology: SPEC §11.1). Prescribers are fictitious, with RPPS numbers whose Luhn key
is right (SPEC §3.1); the patients' NIR are well-formed and fictitious.

`DEMO_PRESCRIBER_RPPS` is the forger whose prescription the demo (devtools/demo_asafo.py) brings to the counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from stdnum import luhn


def rpps(first_ten: str) -> str:
    """An RPPS number from its first ten digits and its Luhn key (SPEC §3.1)."""
    return first_ten + luhn.calc_check_digit(first_ten)


DEMO_PRESCRIBER_RPPS = rpps("1000213457")
DEMO_PRESCRIBER_NAME = "Dr VERNIER Marc"
DEMO_PATIENT_NIR = "184127511800262"
FIRST_DAY = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)

HUMIRA = ("HUMIRA 40 mg stylo", "3400930042687", ("adalimumab",))
TOPALGIC = ("TOPALGIC 50 mg", "3400930002278", ("tramadol",))
PRODUCTS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "lantus": ("LANTUS 100 U/ml cartouche", "3400935463203", ("insuline glargine",)),
    "ozempic": ("OZEMPIC 0,25 mg", "3400930151075", ("semaglutide",)),
    "ozempic1": ("OZEMPIC 1 mg", None, ("semaglutide",)),
    "trulicity": ("TRULICITY 1,5 mg", None, ("dulaglutide",)),
    "novorapid": ("NOVORAPID FLEXPEN", None, ("insuline asparte",)),
    "libre": ("FREESTYLE LIBRE 2 capteur", None, ()),
    "bandelettes": ("Bandelettes glycémie (x100)", None, ()),
    "tramadol": ("TRAMADOL ARROW 50 mg", "3400930268032", ("tramadol",)),
    "topalgic": TOPALGIC,
    "neocodion": ("NEO-CODION ADULTES sirop", "3400930710067", ("codeine",)),
    "subutex": ("SUBUTEX 2 mg", "3400933951405", ("buprenorphine",)),
    "lyrica": ("LYRICA 100 mg", "3400936513013", ("pregabaline",)),
    "gonal": ("GONAL-F 300 UI", "3400936347977", ("follitropine alfa",)),
    "menopur": ("MENOPUR 75 UI", None, ("menotropine",)),
    "humira": HUMIRA,
    "enbrel": ("ENBREL 25 mg", "3400936064997", ("etanercept",)),
    "ibrance": ("IBRANCE 125 mg", "3400930075302", ("palbociclib",)),
    "ritaline": ("RITALINE LP 20 mg", None, ("methylphenidate",)),
    "stilnox": ("STILNOX 10 mg", None, ("zolpidem",)),
}
CLASSES = {"lantus": "Antidiabétiques (insulines)", "ozempic": "Antidiabétiques (analogues du GLP-1)",
           "ozempic1": "Antidiabétiques (analogues du GLP-1)", "trulicity": "Antidiabétiques (analogues du GLP-1)",
           "novorapid": "Antidiabétiques (insulines)", "libre": "Dispositifs du diabète (capteurs)",
           "bandelettes": "Dispositifs du diabète (bandelettes)", "tramadol": "Antalgiques opioïdes",
           "topalgic": "Antalgiques opioïdes", "neocodion": "Antitussifs opioïdes (codéine)",
           "subutex": "Médicaments de substitution aux opiacés", "lyrica": "Antiépileptiques (prégabaline)",
           "gonal": "Traitements de l'infertilité", "menopur": "Traitements de l'infertilité",
           "humira": "Immunosuppresseurs (anti-TNF)", "enbrel": "Immunosuppresseurs (anti-TNF)",
           "ibrance": "Anticancéreux (inhibiteurs de kinases)", "ritaline": "Psychostimulants",
           "stilnox": "Hypnotiques"}
REGIONS = ("Île-de-France", "Auvergne-Rhône-Alpes", "Provence-Alpes-Côte d'Azur", "Occitanie", "Hauts-de-France",
           "Grand Est", "Nouvelle-Aquitaine")
PRESCRIBERS = (
    (DEMO_PRESCRIBER_RPPS, "751234561", DEMO_PRESCRIBER_NAME),
    (rpps("1000348812"), "131234568", "Dr ROCHER Hélène"),
    (rpps("1000455620"), "691234564", "Dr MARCHAND Paul"),
    (rpps("1000561239"), "750712184", "Hôpital Saint-Aubin, service de rhumatologie"),
    (rpps("1000672314"), "591234569", "Dr LECLERC Sophie"),
    (rpps("1000789021"), "331234563", "Dr GIRAUD Alain"),
    (rpps("1000890135"), "671234566", "Dr PERRIN Claire"),
    (rpps("1000912347"), "341234560", "Dr BARRE Julien"),
)
ANOMALIES = ("falsifiee", "falsifiee", "volee", "modifiee", "inventee", "scannee")
# 40 alerts: 12 diabetes (30 %), 10 analgesics, 5 pregabalin, 4 fertility, 5 expensive, 4 others.
PLAN = (["lantus", "ozempic", "libre", "ozempic1", "bandelettes", "trulicity", "novorapid", "ozempic", "libre",
         "lantus", "ozempic1", "bandelettes"]
        + ["tramadol", "neocodion", "subutex", "topalgic", "neocodion", "tramadol", "subutex", "neocodion",
           "tramadol", "subutex"]
        + ["lyrica"] * 5 + ["gonal", "menopur", "gonal", "menopur"]
        + ["humira", "ibrance", "enbrel", "humira", "ibrance"] + ["ritaline", "stilnox", "ritaline", "stilnox"])
NAMES = ("DUPONT Kevin", "MARTIN Sabrina", "BERNARD Yanis", "PETIT Laura", "ROBERT Dylan", "RICHARD Inès",
         "DURAND Mehdi", "LEROY Chloé", "MOREAU Enzo", "SIMON Julie")


@dataclass(frozen=True, slots=True)
class SeedAlert:
    alert_id: str
    anomaly: str
    review_ended_on: date
    prescribed_on: date
    prescriber: tuple[str, str, str]
    patient_nir: str
    patient_name: str
    drug_class: str
    products: tuple[tuple[str, str | None, tuple[str, ...]], ...]
    region: str
    created_at: datetime


def nir(index: int) -> str:
    """A well-formed fictitious NIR: sex, year, month, département 75…, commune, order, key (97 - n mod 97)."""
    body = f"{1 + index % 2}{80 + index % 20:02d}{1 + index % 12:02d}{(75, 93, 13, 69, 59)[index % 5]:02d}" \
           f"{100 + index:03d}{200 + index:03d}"
    return body + f"{97 - int(body) % 97:02d}"


def seed_alerts() -> list[SeedAlert]:
    found = [_seed(n, what) for n, what in enumerate(PLAN)]
    return [*found, demo_alert()]


def _seed(n: int, what: str) -> SeedAlert:
    created = FIRST_DAY + timedelta(days=n * 2, hours=n % 7)
    prescriber = PRESCRIBERS[1 + n % (len(PRESCRIBERS) - 1)]
    return SeedAlert(alert_id=f"ASAFO-2025-{1000 + n}", anomaly=ANOMALIES[n % len(ANOMALIES)],
                     review_ended_on=(created - timedelta(days=2)).date(),
                     prescribed_on=(created - timedelta(days=20 + n % 9)).date(), prescriber=prescriber,
                     patient_nir=nir(n), patient_name=NAMES[n % len(NAMES)], drug_class=CLASSES[what],
                     products=(PRODUCTS[what],), region=REGIONS[n % len(REGIONS)], created_at=created)


def demo_alert() -> SeedAlert:
    """The demo's forger: an anti-TNF and tramadol on one falsified prescription, in Île-de-France."""
    created = datetime(2026, 2, 10, 14, 0, tzinfo=UTC)
    return SeedAlert(alert_id="ASAFO-2026-0042", anomaly="falsifiee", review_ended_on=date(2026, 2, 9),
                     prescribed_on=date(2026, 1, 28), prescriber=PRESCRIBERS[0], patient_nir=DEMO_PATIENT_NIR,
                     patient_name="GARNIER Thomas", drug_class="Immunosuppresseurs (anti-TNF), antalgiques opioïdes",
                     products=(HUMIRA, TOPALGIC), region=REGIONS[0], created_at=created)

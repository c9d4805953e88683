"""Made-up paper prescriptions with their ground truth, to measure the reader.

What is written on a page: a prescriber (RPPS with its Luhn key, AM number), a patient, a date,
one to eight lines drawn from the drug reference — the brand as the BDPM spells it, or the DCI with
the strength, as prescribers do — each with a posology taken from the annotated posology corpus,
and now and then advice lines that are not prescriptions. `drawing` draws and soils it.
Everything follows from the seed: the same seed gives the same pages.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from stdnum import luhn

from comptoir.devtools.paper_prescriptions import drawing
from comptoir.devtools.paper_prescriptions.truth import PageTruth, Patient, PosologySample, Prescriber, TruthLine
from comptoir.refdata.search import DrugRecord, fold

LAST_NAMES = ("MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU",
              "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX", "VINCENT", "FOURNIER",
              "MOREL", "GIRARD", "ANDRÉ", "MERCIER", "DUPONT", "LAMBERT", "BONNET", "FRANÇOIS", "LEGRAND", "GARNIER",
              "FAURE", "ROUSSEAU", "BLANC", "GUÉRIN", "MULLER", "HENRY", "PERRIN", "MORIN", "MATHIEU", "CLÉMENT",
              "GAUTHIER", "FONTAINE", "CHEVALIER", "ROBIN", "LE GALL", "N'DIAYE", "NGUYEN", "BENALI", "KOWALSKI")
FIRST_NAMES = ("Jean", "Marie", "Pierre", "Nathalie", "Philippe", "Isabelle", "Michel", "Sylvie", "Alain", "Catherine",
               "Nicolas", "Sophie", "Christophe", "Hélène", "Stéphane", "Céline", "Laurent", "Émilie", "Julien",
               "Camille", "Léa", "Hugo", "Chloé", "Louis", "Manon", "Gabriel", "Inès", "Jeanne", "Théo", "Zoé")
SPECIALTIES = ("Médecine générale", "Médecin généraliste", "Pédiatrie", "Cardiologie", "Rhumatologie",
               "Dermatologie", "Gynécologie médicale", "Psychiatrie", "Pneumologie", "Gastro-entérologie",
               "Ophtalmologie", "ORL", "Endocrinologie")
CITIES = (("75011", "Paris"), ("69003", "Lyon"), ("13005", "Marseille"), ("31000", "Toulouse"), ("33000", "Bordeaux"),
          ("59000", "Lille"), ("44000", "Nantes"), ("67000", "Strasbourg"), ("35000", "Rennes"), ("88000", "Épinal"))
STREETS = ("rue de la République", "avenue Jean Jaurès", "boulevard Victor Hugo", "place de la Mairie",
           "rue Pasteur", "allée des Tilleuls", "rue du Général Leclerc", "chemin des Vignes")
ADVICE = ("Conseils : boire au moins 1,5 L d'eau par jour", "Conseil : éviter l'exposition au soleil",
          "Repos à domicile", "Consulter si la fièvre persiste au-delà de 3 jours", "Conseils hygiéno-diététiques",
          "Hors ordonnance numérique : bas de contention", "Conseil : surveiller la tension artérielle",
          "Régime pauvre en sel", "Éviter l'alcool pendant le traitement")
# The first words of a BDPM form, how prescribers shorten it, and the posology units that fit it.
FORMS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("comprimé", ("cp", "cpr", "comprimé", "comp."), ("comprimé",)),
    ("gélule", ("gél", "gélule", "gél."), ("gélule",)),
    ("capsule", ("caps", "capsule"), ("capsule", "gélule")),
    ("granulés", ("sachet", "granulés"), ("sachet",)),
    ("poudre pour solution buvable en sachet", ("sachet", "sach"), ("sachet",)),
    ("poudre pour suspension buvable", ("susp buv", "pdre susp buv"), ("ml", "dose-poids", "cuillère-mesure")),
    ("solution buvable en gouttes", ("gttes", "sol buv", "gouttes"), ("goutte",)),
    ("solution buvable", ("sol buv", "solution buvable"), ("ml", "goutte", "cuillère à café", "ampoule")),
    ("suspension buvable", ("susp buv", "suspension buvable"), ("ml", "cuillère à café", "sachet")),
    ("sirop", ("sirop",), ("ml", "cuillère à café", "cuillère à soupe")),
    ("collyre", ("collyre", "coll."), ("goutte",)),
    ("crème", ("crème",), ("application",)),
    ("pommade", ("pommade", "pom."), ("application",)),
    ("gel", ("gel",), ("application",)),
    ("suppositoire", ("suppo", "suppositoire"), ("suppositoire",)),
    ("dispositif transdermique", ("patch", "dispositif transdermique"), ("patch", "dispositif")),
    ("suspension pour inhalation", ("aérosol", "susp inhal"), ("bouffée", "inhalation")),
    ("poudre pour inhalation", ("inhal", "poudre pour inhalation"), ("inhalation", "bouffée")),
)
COUNT_UNITS = ("comprimé", "gélule", "capsule", "sachet")
_NAME_AND_FORM = re.compile(r",\s+(?=[^\d\s])")
_STRENGTH_START = re.compile(r"\s(?=\d)")


@dataclass(frozen=True, slots=True)
class Prescribable:
    """A reference product fit for a made-up prescription, cut into the parts a prescriber writes."""

    record: DrugRecord
    brand: str
    strength: str
    form: str
    abbreviations: tuple[str, ...]
    units: tuple[str, ...]


def prescribable(records: Sequence[DrugRecord]) -> list[Prescribable]:
    """The marketed town-pharmacy products (a known oral, cutaneous, eye or inhaled form, a strength)."""
    found = (_cut(record) for record in sorted(records, key=lambda r: r.cis) if record.marketed and record.cip13)
    return [item for item in found if item is not None]


def _cut(record: DrugRecord) -> Prescribable | None:
    parts = _NAME_AND_FORM.split(record.name, maxsplit=1)
    if len(parts) != 2:
        return None
    head = _STRENGTH_START.split(parts[0], maxsplit=1)
    form = next((f for f in FORMS if fold(parts[1]).startswith(fold(f[0]))), None)
    if len(head) != 2 or form is None or len(parts[0]) > 48 or not record.substances:
        return None
    return Prescribable(record, head[0].strip(), head[1].strip(), parts[1], form[1], form[2])


def rpps_number(rng: random.Random) -> str:
    body = "10" + "".join(rng.choice("0123456789") for _ in range(8))
    return body + luhn.calc_check_digit(body)


def am_number(rng: random.Random) -> str:
    body = f"{rng.choice(CITIES)[0][:2]}1{rng.randrange(10000, 99999)}"
    return body + luhn.calc_check_digit(body)


def make_prescriber(rng: random.Random) -> Prescriber:
    postcode, city = rng.choice(CITIES)
    phone = f"0{rng.randrange(1, 6)} " + " ".join(f"{rng.randrange(100):02d}" for _ in range(4))
    return Prescriber(name=f"Dr {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", specialty=rng.choice(SPECIALTIES),
                      rpps=rpps_number(rng), am=am_number(rng),
                      address=f"{rng.randrange(1, 120)} {rng.choice(STREETS)} {postcode} {city}", phone=phone)


def make_patient(rng: random.Random, today: date) -> Patient:
    birth = date(rng.randrange(1930, 2022), rng.randrange(1, 13), rng.randrange(1, 29))
    age = (today - birth).days // 365
    weight = rng.randrange(8, 45) if age < 15 else rng.randrange(45, 110) if rng.random() < 0.3 else None
    return Patient(title=rng.choice(("M.", "Mme", "Mme", "M.")) if age >= 15 else "Enfant",
                   last_name=rng.choice(LAST_NAMES), first_name=rng.choice(FIRST_NAMES),
                   birth_date=birth.isoformat(), weight_kg=weight)


def make_line(rng: random.Random, product: Prescribable, samples: Sequence[PosologySample]) -> TruthLine:
    fitting = [s for s in samples if s.expected.get("unit") in product.units
               or (s.expected.get("unit") is None and product.units[0] in COUNT_UNITS)] or list(samples)
    sample = rng.choice(fitting)
    dci = _dci_words(product.record)
    written_as = "dci" if dci and (rng.random() < 0.5 or _looks_generic(product, dci)) else "brand"
    name = dci + (" LP" if " LP" in f" {product.brand}" else "") if written_as == "dci" else product.brand
    name = _spelling(rng, name)
    form = rng.choice((*product.abbreviations, "")) if rng.random() < 0.85 or "(" in product.form else product.form
    drug = " ".join(part for part in (name, product.strength, form) if part)
    record = product.record
    return TruthLine(drug=drug, posology=sample.text, cis=record.cis, name=record.name, substances=record.substances,
                     strength=product.strength, written_as=written_as, expected_posology=sample.expected)


def _dci_words(record: DrugRecord) -> str:
    if len(record.substances) > 2 or any(len(s.split()) > 2 for s in record.substances):
        return ""
    return " / ".join(record.substances)


def _looks_generic(product: Prescribable, dci: str) -> bool:
    """A generic is named after its DCI and its lab: prescribers write the DCI alone."""
    return fold(product.brand).startswith(fold(dci.split(" / ")[0]))


def _spelling(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.55:
        return name.upper() if rng.random() < 0.5 else fold(name).upper()
    return name.capitalize() if roll < 0.85 else name.lower()


def make_page(rng: random.Random, products: Sequence[Prescribable], samples: Sequence[PosologySample]) -> PageTruth:
    today = date(2025, 1, 1) + timedelta(days=rng.randrange(540))
    count = min(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 8)), len(products))
    chosen = rng.sample(list(products), count)
    advice = tuple(rng.sample(ADVICE, rng.choice((0, 0, 1, 1, 2))))
    prescriber, patient = make_prescriber(rng), make_patient(rng, today)
    lines = tuple(make_line(rng, p, samples) for p in chosen)
    bizone = count >= 2 and rng.random() < 0.25
    if bizone:  # the split drawn from the page's own content: the rng sequence of every other page is unchanged
        in_ald = 1 + sum(map(ord, lines[0].cis)) % (count - 1)
        lines = tuple(replace(line, ald=i < in_ald) for i, line in enumerate(lines))
    return PageTruth(prescriber=prescriber, patient=patient, date=today.isoformat(), lines=lines, advice=advice,
                     chronic_zones=bizone)


def load_posology_samples(path: Path) -> list[PosologySample]:
    """The annotated posology corpus: one JSON object a line with the text and the expected fields."""
    samples = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            item = json.loads(raw)
            expected = item.get("expected", item)
            samples.append(PosologySample(str(item["text"]), {k: v for k, v in expected.items() if k != "text"}))
    # A text naming its drug ("Kardegic 75 mg : 1 sachet") or advice ("conseil : ...") is a whole line, not a posology.
    return [s for s in samples if ":" not in s.text and s.expected.get("daily_quantity") is not None
            and len(s.text) <= 90]


def generate_pages(directory: Path, *, records: Sequence[DrugRecord], samples: Sequence[PosologySample],
                   count: int, seed: int, noise: str = "mild") -> list[Path]:
    """Writes `count` pages (PNG or JPEG) and, beside each, its ground truth (`.json`)."""
    products = prescribable(records)
    if not products or not samples:
        raise ValueError("Il faut des médicaments et des posologies pour fabriquer des ordonnances.")
    directory.mkdir(parents=True, exist_ok=True)
    return [write_page(directory, number, products=products, samples=samples, seed=seed, noise=noise)
            for number in range(1, count + 1)]


def write_page(directory: Path, number: int, *, products: Sequence[Prescribable],
               samples: Sequence[PosologySample], seed: int, noise: str) -> Path:
    rng = random.Random(seed * 1_000_003 + number)
    truth = make_page(rng, products, samples)
    style = drawing.pick_style(rng)
    image = drawing.soil(drawing.draw_page(truth, style, rng), rng, noise, style.dpi)
    data, extension = drawing.encode(image, rng, noise)
    path = directory / f"ordonnance-{number:04d}.{extension}"
    path.write_bytes(data)
    record = {**truth.as_json(), "image": path.name, "seed": seed, "noise": noise, "style": style.as_json()}
    path.with_suffix(".json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return path

"""The professionals and structures the emulated Annuaire Santé knows: the demo ones, then ~500 generated.

Demo ones (devtools/demo.py, national/credentials.py, the CNAM's QR example of SPEC §4.3, the tests' values):
the demo pharmacy (FINESS 750000001) and its pharmacists, the prescriber MED1 (Dr Ademis TRAL, RPPS 99900038441),
the prescribers of the counter's examples and bench (Dr Julie BLANC, Dr Jean MARTIN), the RPPS of the ANS FHIR
documentation (10000001916, 10000005479). Then three with a story: a struck-off physician, a physician no longer
practising anywhere, an orthophoniste (a profession that writes no prescription of medicines).

Generated ones are fictitious and deterministic (one seed): Luhn-valid RPPS starting with `10` (SPEC §3.1),
French names, professions in a plausible mix, specialties for physicians, places of practice in a dozen towns
(a cabinet with its SIRET, a pharmacy or a hospital with its FINESS), personal MSSanté addresses
`prenom.nom@<profession>.mssante.fr` (or the hospital's domain) and organisational ones; one in fifty struck off.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from stdnum import luhn

from comptoir.national.annuaire.port import Organization, Practitioner, Role

GENERATED = 500


def _local(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


def _with_key(digits: str) -> str:
    return digits + luhn.calc_check_digit(digits)


DEMO_PHARMACY = Organization(
    id="1750000001", name="Pharmacie du Comptoir (démo)", finess="750000001", siret="75000000100019", sector="SA33",
    address_lines=("1 place de la République",), postal_code="75011", city="Paris", phone="01 43 00 00 01",
    mailboxes=("pharmacie.comptoir@pharmacien.mssante.fr",))
TRAL_PRACTICE = Organization(
    id="3" + "80000000100007", name="Cabinet du Dr Ademis TRAL", siret="80000000100007", sector="SA07",
    address_lines=("12 rue du Faubourg Saint-Antoine",), postal_code="75011", city="Paris", phone="01 43 00 00 00",
    mailboxes=("secretariat.tral@medecin.mssante.fr",))
LYON_HOSPITAL = Organization(
    id="1690781810", name="Hospices Civils de Lyon — Hôpital Édouard Herriot", finess="690781810", sector="SA01",
    address_lines=("5 place d'Arsonval",), postal_code="69003", city="Lyon", phone="04 72 11 73 11",
    mailboxes=("pharmacie.ehe@chu-lyon.mssante.fr",))
OTHER_PHARMACY = Organization(
    id="1750000002", name="Pharmacie de la Bastille", finess="750000002", sector="SA33",
    address_lines=("4 rue de la Roquette",), postal_code="75011", city="Paris",
    mailboxes=("pharmacie.bastille@pharmacien.mssante.fr",))
AP_HP = Organization(
    id="1750712184", name="AP-HP — Hôpital Saint-Antoine", finess="750712184", sector="SA01",
    address_lines=("184 rue du Faubourg Saint-Antoine",), postal_code="75012", city="Paris",
    mailboxes=("pharmacie.sat@aphp.mssante.fr",))


def _doctor(rpps: str, family: str, given: str, specialty: str, place: Organization | None, *,
            active: bool = True, profession: str = "10", domain: str = "medecin.mssante.fr") -> Practitioner:
    box = f"{_local(given)}.{_local(family)}@{domain}"
    roles = (Role(place, (box,)),) if place else ()
    return Practitioner(rpps, family, given, profession, specialty=specialty, active=active, mailboxes=(box,),
                        roles=roles)


STRUCK_OFF_RPPS = _with_key("1000999999")
RETIRED_RPPS = _with_key("1000999998")
NON_PRESCRIBER_RPPS = _with_key("1000999997")
DEMO_PRACTITIONERS = (
    _doctor("99900038441", "TRAL", "Ademis", "SM26", TRAL_PRACTICE),
    _doctor("10003456789", "MARTIN", "Claire", "", DEMO_PHARMACY, profession="21", domain="pharmacien.mssante.fr"),
    _doctor("10004567891", "BENALI", "Karim", "", DEMO_PHARMACY, profession="21", domain="pharmacien.mssante.fr"),
    _doctor("10005551238", "FAURE", "Thomas", "", OTHER_PHARMACY, profession="21", domain="pharmacien.mssante.fr"),
    _doctor("10000000009", "NGUYEN", "Linh", "", OTHER_PHARMACY, profession="21", domain="pharmacien.mssante.fr"),
    _doctor("10002223336", "BLANC", "Julie", "SM26", AP_HP, domain="aphp.mssante.fr"),
    _doctor("10001234565", "MARTIN", "Jean", "SM26", TRAL_PRACTICE),
    _doctor("10000001916", "GIRARD", "Sophie", "SM54", LYON_HOSPITAL, domain="chu-lyon.mssante.fr"),
    _doctor("10000005479", "ROUSSEAU", "Antoine", "SM04", LYON_HOSPITAL, domain="chu-lyon.mssante.fr"),
    _doctor(STRUCK_OFF_RPPS, "RADIER", "Paul", "SM26", None, active=False),
    _doctor(RETIRED_RPPS, "ANCIEN", "Michel", "SM26", None, active=False),
    _doctor(NON_PRESCRIBER_RPPS, "PAROLE", "Inès", "", TRAL_PRACTICE, profession="81",
            domain="orthophoniste.mssante.fr"),
)
DEMO_ORGANIZATIONS = (DEMO_PHARMACY, TRAL_PRACTICE, LYON_HOSPITAL, OTHER_PHARMACY, AP_HP)

FAMILY = ("BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT", "SIMON",
          "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRAUD", "BONNET",
          "DUPONT", "LAMBERT", "FONTAINE", "MERCIER", "BLANCHARD", "GUERIN", "BOYER", "GARNIER", "CHEVALIER",
          "FRANCOIS", "LEGRAND", "GAUTHIER", "GARCIA", "PERRIN", "ROBIN", "CLEMENT", "MORIN", "NICOLAS", "HENRY",
          "ROUSSEL", "MATHIEU", "GAUTIER", "MASSON", "MARCHAND", "DUVAL", "DENIS", "DUMONT", "MARIE", "LEMAIRE",
          "NOEL", "MEYER", "DUFOUR", "MEUNIER", "BRUN", "BLANC", "GIRAUD", "JOLY", "RIVIERE", "LUCAS", "BRUNET",
          "GAILLARD", "BARBIER", "ARNAUD", "MARTINEZ", "GERARD", "ROCHE", "RENARD", "SCHMITT", "ROY", "LEROUX",
          "COLIN", "VIDAL", "CARON", "PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE", "RENAUD", "DUMAS", "LACROIX",
          "OLIVIER", "PHILIPPE", "BOURGEOIS", "PIERRE", "BENOIT", "REY", "LECLERC", "PAYET", "ROLLAND", "LECLERCQ",
          "GUILLAUME", "LECOMTE", "LOPEZ", "JEAN", "DUPUY", "GUILLOT", "HUBERT", "BERGER", "CARPENTIER", "SANCHEZ",
          "HADDAD", "BENSAID", "TRAORE", "DIALLO", "NGUYEN", "PHAM", "KOWALSKI", "MULLER", "LE GALL", "LE BRIS")
GIVEN = ("Marie", "Jean", "Pierre", "Michel", "Philippe", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise",
         "Alain", "Nicolas", "Christophe", "Stéphane", "Sandrine", "Céline", "Julien", "Camille", "Léa", "Manon",
         "Thomas", "Hugo", "Lucas", "Chloé", "Emma", "Inès", "Sarah", "Mathieu", "Antoine", "Élodie", "Hélène",
         "Aurélie", "Laurent", "Frédéric", "Valérie", "Anne", "Sophie", "Julie", "Karim", "Yasmine", "Mehdi",
         "Fatou", "Amadou", "Thi Lan", "Jérôme", "Benoît", "Gaëlle", "Maëlle", "Loïc", "Anaïs", "Noémie", "Raphaël")
TOWNS = (("75015", "Paris"), ("75018", "Paris"), ("69007", "Lyon"), ("13005", "Marseille"), ("31000", "Toulouse"),
         ("33000", "Bordeaux"), ("59000", "Lille"), ("44000", "Nantes"), ("67000", "Strasbourg"),
         ("35000", "Rennes"), ("34000", "Montpellier"), ("06000", "Nice"), ("21000", "Dijon"), ("29200", "Brest"),
         ("63000", "Clermont-Ferrand"), ("97400", "Saint-Denis"), ("20000", "Ajaccio"), ("87000", "Limoges"))
STREETS = ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta", "rue Pasteur",
           "place de la Mairie", "rue des Écoles", "avenue de la Gare", "rue du Général de Gaulle", "rue Nationale",
           "rue de la Paix", "boulevard Voltaire", "rue Émile Zola", "rue des Lilas", "chemin des Vignes")
PHARMACY_NAMES = ("du Centre", "de la Gare", "des Halles", "du Marché", "Principale", "de l'Église")
PROFESSION_MIX = (("10", 60), ("21", 10), ("60", 9), ("40", 6), ("50", 5), ("70", 5), ("91", 3), ("81", 2))
DOMAINS = {"10": "medecin.mssante.fr", "21": "pharmacien.mssante.fr", "60": "infirmier.mssante.fr",
           "40": "chirurgien-dentiste.mssante.fr", "50": "sage-femme.mssante.fr",
           "70": "masseur-kinesitherapeute.mssante.fr", "91": "pedicure-podologue.mssante.fr",
           "81": "orthophoniste.mssante.fr"}
SPECIALTY_MIX = (("SM26", 50), ("SM54", 6), ("SM04", 6), ("SM15", 5), ("SM53", 6), ("SM20", 4), ("SM42", 5),
                 ("SM03", 4), ("SM35", 3), ("SM19", 3), ("SM39", 2), ("SM50", 2), ("SM47", 2), ("SM24", 2))


def _department(postal_code: str) -> str:
    # [U] SPEC §3.1: the key of a Corsican FINESS (2A, 2B) is unverified; computed here over "20".
    return "2A" if postal_code.startswith("20") else postal_code[:2]


@dataclass
class _Generator:
    rng: random.Random
    used_rpps: set[str]
    used_boxes: set[str]
    organizations: list[Organization]

    def rpps(self) -> str:
        while True:
            found = _with_key("10" + f"{self.rng.randrange(10**8):08d}")
            if found not in self.used_rpps:
                self.used_rpps.add(found)
                return found

    def box(self, local: str, domain: str) -> str:
        candidate, n = f"{local}@{domain}", 1
        while candidate in self.used_boxes:
            n += 1
            candidate = f"{local}{n}@{domain}"
        self.used_boxes.add(candidate)
        return candidate

    def street(self) -> str:
        return f"{self.rng.randrange(1, 120)} {self.rng.choice(STREETS)}"

    def place(self, profession: str, family: str) -> Organization:
        postal, city = self.rng.choice(TOWNS)
        n = len(self.organizations) + 1
        if profession == "21":
            finess = _finess(_department(postal), n)
            found = Organization(f"1{finess}", f"Pharmacie {self.rng.choice(PHARMACY_NAMES)} ({city})",
                                 finess=finess, sector="SA33", address_lines=(self.street(),), postal_code=postal,
                                 city=city, mailboxes=(self.box(f"pharmacie.{n}", "pharmacien.mssante.fr"),))
        elif self.rng.random() < 0.2 and profession == "10":
            return self.hospital(postal, city)
        else:
            siret = _with_key(f"8{n:012d}")
            found = Organization(f"3{siret}", f"Cabinet {family.title()}", siret=siret, sector="SA07",
                                 address_lines=(self.street(),), postal_code=postal, city=city,
                                 phone=f"0{self.rng.randrange(1, 6)} {self.rng.randrange(10, 99)} "
                                       f"{self.rng.randrange(10, 99)} {self.rng.randrange(10, 99)} "
                                       f"{self.rng.randrange(10, 99)}")
        self.organizations.append(found)
        return found

    def hospital(self, postal: str, city: str) -> Organization:
        existing = next((o for o in self.organizations if o.sector == "SA01" and o.city == city), None)
        if existing:
            return existing
        finess = _finess(_department(postal), 900 + len(self.organizations))
        domain = f"ch-{_local(city)}.mssante.fr"
        found = Organization(f"1{finess}", f"Centre hospitalier de {city}", finess=finess, sector="SA01",
                             address_lines=(self.street(),), postal_code=postal, city=city,
                             mailboxes=(self.box("pharmacie", domain),))
        self.organizations.append(found)
        return found

    def practitioner(self, index: int) -> Practitioner:
        profession = _weighted(self.rng, PROFESSION_MIX)
        family, given = self.rng.choice(FAMILY), self.rng.choice(GIVEN)
        specialty = _weighted(self.rng, SPECIALTY_MIX) if profession == "10" else ""
        place = self.place(profession, family)
        hospital = place.sector == "SA01"
        domain = place.mailboxes[0].split("@")[1] if hospital else DOMAINS[profession]
        box = self.box(f"{_local(given)}.{_local(family)}", domain)
        struck_off = index % 50 == 49
        return Practitioner(self.rpps(), family, given, profession, specialty=specialty, active=not struck_off,
                            mailboxes=(box,), roles=(Role(place, (box,), active=not struck_off),))


def _finess(department: str, n: int) -> str:
    digits = department.replace("2A", "20") + f"{n:06d}"[-6:]
    return department + f"{n:06d}"[-6:] + luhn.calc_check_digit(digits)


def _weighted(rng: random.Random, mix: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([code for code, _ in mix], weights=[w for _, w in mix])[0]


def generated(count: int = GENERATED, seed: int = 14) -> tuple[list[Practitioner], list[Organization]]:
    """The demo professionals and structures, then `count` generated professionals and their structures."""
    demo = list(DEMO_PRACTITIONERS)
    maker = _Generator(random.Random(seed), {p.rpps for p in demo},
                       {box for p in demo for box in p.all_mailboxes}, list(DEMO_ORGANIZATIONS))
    people = demo + [maker.practitioner(i) for i in range(count)]
    return people, maker.organizations

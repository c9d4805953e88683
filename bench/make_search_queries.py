"""Write bench/search_queries.tsv: drug searches as prescribers and counters type them.

The names below are written by hand from common French prescriptions (the drugs a community
pharmacy dispenses every day), not taken from the reference's index. Rules then make them look
typed: lower case, accents dropped, units stuck to the number ("1g", "10mg"), shorthand ("cp",
"gél", "amox"), and for the misspelt kind, hand-made spelling mistakes plus one slip of the finger
(a letter dropped, doubled or swapped) on DCI names. Codes (CIP13, CIP7) are drawn from the reference
by the bench itself. Deterministic: run it again and the file is the same.

    ./.venv/bin/python bench/make_search_queries.py
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

OUT = Path(__file__).with_name("search_queries.tsv")

BRANDS = (
    "Doliprane 1000", "doliprane 500", "Doliprane 1000 cp", "dafalgan 1g", "Efferalgan 500", "Kardégic 75",
    "kardegic 160", "Levothyrox 50", "levothyrox 75 µg", "Levothyrox 100", "levothyrox 25", "Seroplex 10mg",
    "seroplex 20", "Deroxat 20", "Prozac 20", "Xanax 0,25", "xanax 0.5", "Lexomil 6", "Stilnox 10",
    "Imovane 7,5", "Augmentin 1g", "augmentin 500", "Clamoxyl 1g", "Orelox 100", "Zithromax 250", "Tahor 20",
    "tahor 10", "Crestor 5", "crestor 10mg", "Inexium 20", "inexium 40", "Mopral 20", "Lanzor 30",
    "Eupantol 40", "Inipomp 20", "Spasfon lyoc 80", "spasfon", "Smecta", "Gaviscon", "Ventoline",
    "Seretide 250", "Symbicort 200", "Singulair 10", "Aerius 5", "Kestin 10", "Zyrtec 10", "Xyzall 5",
    "Celestene 2mg", "Solupred 20", "Cortancyl 20", "Medrol 16", "Voltarene 50", "voltarene 75 LP",
    "Profenid 100", "Bi-profenid 150", "Advil 400", "Nurofen 400", "Antadys 100", "Topalgic 50",
    "Contramal 100", "Ixprim", "Lamaline", "Dafalgan codeine", "Efferalgan codeine", "Izalgi",
    "Acupan 20", "Lyrica 75", "Neurontin 300", "Laroxyl 25", "Tercian 25", "Risperdal 1", "Zyprexa 5",
    "Abilify 10", "Depakine 500", "Depakote 500", "Lamictal 100", "Keppra 500", "Tegretol 200",
    "Sintrom 4", "Previscan 20", "Coumadine 5", "Eliquis 5", "eliquis 2,5", "Xarelto 20", "xarelto 15",
    "Pradaxa 150", "Lovenox 4000", "Plavix 75", "Brilique 90", "Amlor 5", "amlor 10", "Coversyl 5",
    "coversyl 10", "Triatec 5", "Aprovel 150", "Cozaar 50", "Atacand 8", "Micardis 40", "Temerit 5",
    "Cardensiel 2,5", "Lasilix 40", "lasilix 20", "Esidrex 25", "Aldactone 25", "Tenormine 50",
    "Avlocardyl 40", "Isoptine 120", "Tildiem 60", "Lercan 10", "Loxen 20", "Glucophage 1000",
    "glucophage 850", "Stagid 700", "Diamicron 60", "Amarel 2", "Januvia 100", "Forxiga 10",
    "Jardiance 10", "Trulicity 1,5", "Ozempic 0,5", "Lantus", "Novorapid", "Zyloric 100", "zyloric 300",
    "Colchimax", "Fosamax 70", "Uvedose 100000", "Zymad 50000", "Tardyferon 80", "Speciafoldine 5",
    "Forlax 10g", "Movicol", "Duphalac", "Imodium 2mg", "Motilium 10", "Primperan 10", "Debridat 100",
    "Dexeryl", "Diprosone", "Fucidine", "Daktarin", "Pevaryl", "Tobradex", "Xalatan", "Pyostacine 500",
    "Oflocet 200", "Ciflox 500", "Monuril 3g", "Furadantine 50", "Bactrim forte", "Flagyl 500",
    "Tetralysal 300", "Josacine 500", "Selexid 200", "Teralithe 400", "Atarax 25", "Atarax 25 cp",
)
DCIS = (
    "paracétamol 1g", "paracetamol 500", "ibuprofène 400", "ibuprofene 200", "amoxicilline 1g",
    "amox 1g", "amox 500", "amoxicilline acide clavulanique 1g", "metformine 1000", "metformine 850",
    "atorvastatine 20", "rosuvastatine 10", "simvastatine 20", "pravastatine 40", "amlodipine 5",
    "ramipril 5", "périndopril 5", "bisoprolol 2,5", "bisoprolol 5", "nébivolol 5", "losartan 50",
    "valsartan 80", "irbésartan 150", "candesartan 8", "furosémide 40", "hydrochlorothiazide 25",
    "spironolactone 25", "lévothyroxine 50", "escitalopram 10", "sertraline 50", "paroxétine 20",
    "fluoxétine 20", "venlafaxine 75", "duloxétine 60", "mirtazapine 15", "alprazolam 0,25",
    "bromazépam 6", "lorazépam 1", "oxazépam 10", "zolpidem 10", "zopiclone 7,5", "hydroxyzine 25",
    "cétirizine 10", "desloratadine 5", "lévocétirizine 5", "prednisolone 20", "prednisone 20",
    "méthylprednisolone 16", "oméprazole 20", "ésoméprazole 20", "pantoprazole 40", "lansoprazole 30",
    "tramadol 50", "tramadol paracétamol", "codéine paracétamol", "morphine 10", "oxycodone 5",
    "prégabaline 75", "gabapentine 300", "amitriptyline 25", "clopidogrel 75", "apixaban 5",
    "rivaroxaban 20", "dabigatran 150", "acénocoumarol 4", "fluindione 20", "warfarine 5",
    "énoxaparine 4000", "allopurinol 100", "colchicine 1mg", "alendronate 70", "cholécalciférol 100000",
    "macrogol 10g", "lopéramide 2", "dompéridone 10", "métoclopramide 10", "phloroglucinol 80",
    "trimébutine 100", "azithromycine 250", "clarithromycine 500", "doxycycline 100",
    "ciprofloxacine 500", "ofloxacine 200", "lévofloxacine 500", "fosfomycine 3g", "nitrofurantoïne 50",
    "cefpodoxime 100", "céfuroxime 250", "pristinamycine 500", "métronidazole 500",
    "sulfaméthoxazole triméthoprime", "fluconazole 150", "valaciclovir 500", "aciclovir 200",
    "salbutamol", "budésonide", "montélukast 10", "insuline glargine", "sitagliptine 100",
    "gliclazide 60", "glimépiride 2", "dapagliflozine 10", "empagliflozine 10", "diclofénac 50",
    "kétoprofène 100", "naproxène 500", "célécoxib 200", "acide acétylsalicylique 75", "aspirine 100",
    "valproate de sodium 500", "lamotrigine 100", "lévétiracétam 500", "carbamazépine 200",
    "rispéridone 1", "olanzapine 5", "aripiprazole 10", "quétiapine 50", "cyamémazine 25",
    "diazépam 5", "propranolol 40", "aténolol 50", "vérapamil 120", "diltiazem 60", "lercanidipine 10",
    "ézétimibe 10", "fénofibrate 145", "tamsulosine 0,4", "finastéride 5", "solifénacine 5",
    "sildénafil 50", "tadalafil 5", "progestérone 100", "désogestrel 75 µg", "méthotrexate 2,5",
    "hydroxychloroquine 200", "acide folique 5mg", "sulfate ferreux 80", "chlorure de potassium 600",
)
MISSPELT = (
    "amoxicilin", "amoxiciline 1g", "paracetamole", "ibuprofen 400", "ibuprophene", "doliprance",
    "levotyrox 75", "kardegique", "seroplexe 10", "escitalopran", "metformin 850", "atorvastatin 40",
    "amlodipin 5", "ramipryl", "bisoprolole", "furosemid", "lazilix 40", "prednisolon", "omeprazol 20",
    "esomeprazol", "inexum 20", "tramadole", "pregabalin 75", "gabapentin", "clopidogrelle",
    "apixabane", "xareltho", "eliquiss", "alprazolame", "bromazepame", "zoplicone", "hydroxizine",
    "atarrax", "cetirizin", "desloratadin", "azythromycine", "claritromycine", "doxicycline",
    "ciprofloxacin", "levofloxacin", "fosfomicine", "metronidazol", "flucanazole", "valaciclovire",
    "salbutamole", "ventolin", "montelukaste", "sitagliptin", "gliclazid", "dapagliflozin",
    "diclofenak", "ketoprofen", "naproxen", "celecoxibe", "spasfone", "smekta", "gavisqon",
    "dolipran 1000", "dafalgant", "efferalgant", "augmantin", "clamoxil", "zitromax", "tahore 20",
    "crestore", "moprale", "eupantole", "lyricca", "neurontine", "laroxil", "deroxate", "prosac",
    "xanaxe", "lexomyl", "stilnoxe", "imovanne", "previscane", "plavixe", "coversil", "triatek",
    "aprovelle", "lasilixe", "glucofage", "diamicrone", "zyloricc", "colchicin", "forlaxe",
    "movicole", "imodum", "motilum", "primperam", "debridate", "dexeril", "fucidin", "levothyroxin",
    "escitalopramme", "seroplex 10 mg", "amoxicilinne",
)
FORM_SHORTHAND = (" cp", " gél", " cpr", "")


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def as_typed(text: str, rng: random.Random) -> str:
    """Lower case most of the time, accents dropped half of the time, now and then a form shorthand."""
    typed = text.lower() if rng.random() < 0.8 else text.upper()
    if rng.random() < 0.5:
        typed = fold(typed)
    if typed[-1].isdigit() and rng.random() < 0.2:
        typed += rng.choice(FORM_SHORTHAND)
    return typed


def slip(text: str, rng: random.Random) -> str:
    """One slip of the finger in the first word: a letter dropped, doubled or two letters swapped."""
    word, _, rest = fold(text.lower()).partition(" ")
    at = rng.randrange(2, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        word = word[:at] + word[at + 1:]
    elif kind == 1:
        word = word[:at] + word[at] + word[at:]
    else:
        word = word[:at - 1] + word[at] + word[at - 1] + word[at + 1:]
    return f"{word} {rest}".strip()


def rows() -> list[tuple[str, str]]:
    rng = random.Random(20260519)
    found = [("brand_strength", as_typed(b, rng)) for b in BRANDS]
    found += [("dci", as_typed(d, rng)) for d in DCIS]
    found += [("misspelt", m) for m in MISSPELT]
    found += [("misspelt", slip(d, rng)) for d in rng.sample(DCIS, 40) if len(d.split()[0]) >= 6]
    return found


def main() -> None:
    lines = ["kind\tquery", *(f"{kind}\t{query}" for kind, query in rows())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} requêtes écrites dans {OUT}")


if __name__ == "__main__":
    main()

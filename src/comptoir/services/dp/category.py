"""The category a dispensed line has in the DP, computed by the pharmacy from its drug reference (the ATC code):
it rules how long the DP shows the line (SPEC §6: vaccines 21 years, biological medicines 3 years).

Vaccines: ATC J07 (WHO ATC index, "vaccines"). Biological medicines: [U] the decree (n° 2015-208) names the
"médicaments biologiques" of CSP L.5121-1 14°, not a list of ATC classes, and the BDPM does not flag them; the
classes below are those whose members are all (or, for the heparins, nearly all) of biological origin in the
WHO ATC index: insulins A10A, heparins B01AB, erythropoiesis stimulants B03XA, blood products B05AA and B02BD,
somatropin H01AC, gonadotropins G03GA, immune sera and immunoglobulins J06, monoclonal antibodies L01FA-L01FZ,
interferons L03AB, colony stimulating factors L03AA, TNF-alpha and interleukin inhibitors L04AB, L04AC,
denosumab M05BX04, teriparatide H05AA02. Anything else is an ordinary medicine (4 to 12 months).
"""

from __future__ import annotations

from comptoir.national.dp.port import Category

VACCINE_ATC = ("J07",)
BIOLOGICAL_ATC = ("A10A", "B01AB", "B03XA", "B05AA", "B02BD", "H01AC", "G03GA", "J06", "L01F", "L03AB", "L03AA",
                  "L04AB", "L04AC", "M05BX04", "H05AA02")


def category_of(atc: str | None) -> Category:
    code = (atc or "").upper()
    if code.startswith(VACCINE_ATC):
        return Category.VACCINE
    if code.startswith(BIOLOGICAL_ATC):
        return Category.BIOLOGICAL
    return Category.ORDINARY

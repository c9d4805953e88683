"""Every main page on a 1280×1024 counter screen: no horizontal scroll (tables wrap or scroll inside their
own box, long codes break), and the menu bar on one row. Screenshots of each page in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, log_in, new_page
from tests.e2e.test_eprescription_browser import choose, the_doctor_prescribes

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 1280, 1024
PHARMACIST_PAGES = ["/", "/medicaments?q=paracetamol", "/medicaments/60234100", "/patients?q=a",
                    "/ordonnance-numerique", "/ordonnances-numeriques", "/envois", "/ordonnances/lecture",
                    "/controle", "/identitovigilance", "/vitale?carte=dark", "/analyse"]


def measure(page: Any, name: str) -> tuple[str, int, float, float]:
    """(page, document width, menu height, height of one menu entry), after a screenshot. A menu whose
    entries overflow it (over the operator's name) counts as two rows."""
    page.screenshot(path=str(ARTIFACTS / f"1280-{name}.png"), full_page=True)
    width, menu, entry = page.evaluate("""() => {
        const nav = document.querySelector("header.bar nav"), first = nav && nav.querySelector("a");
        const spills = nav && nav.scrollWidth > nav.clientWidth;
        return [document.documentElement.scrollWidth, nav ? nav.getBoundingClientRect().height * (spills ? 2 : 1) : 0,
                first ? first.getBoundingClientRect().height : 0];
    }""")
    return name, width, menu, entry


def visit(page: Any, url: str, name: str) -> tuple[str, int, float, float]:
    page.goto(url)
    return measure(page, name)


def the_counter_page_of_an_ordonnance_numerique(browser: Any, server: str) -> Any:
    from playwright.sync_api import expect

    ident = the_doctor_prescribes(new_page(browser, WIDTH, HEIGHT), server)
    page = new_page(browser, WIDTH, HEIGHT)
    page.goto(f"{server}/ordonnance-numerique")
    log_in(page, "PH01")
    choose(page.get_by_label("Patient au comptoir"), "GENE Alain")
    page.locator("#scan").fill(ident)
    page.locator("#scan").press("Enter")
    expect(page.get_by_text("c'est bien le patient de l'ordonnance")).to_be_visible(timeout=60_000)
    return page


def the_plus_menu_opens_and_closes_from_the_keyboard(page: Any) -> None:
    from playwright.sync_api import expect

    more, entry = page.locator("details.more summary"), page.get_by_role("link", name="Contrôle différé")
    more.focus()
    page.keyboard.press("Enter")
    expect(entry).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Ordonnances numériques reçues")).to_be_focused()
    page.screenshot(path=str(ARTIFACTS / "1280-menu-plus.png"))
    page.keyboard.press("Escape")
    expect(entry).to_be_hidden()
    expect(more).to_be_focused()


def test_every_main_page_fits_a_1280_screen_with_the_menu_on_one_row(server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = the_counter_page_of_an_ordonnance_numerique(browser, server)
    seen = [measure(page, "ordonnance-numerique-delivrance")]
    page.get_by_role("button", name="Contrôler la délivrance").click()
    expect(page.locator("#control")).to_be_visible(timeout=30_000)
    seen.append(measure(page, "ordonnance-numerique-controle"))
    page.get_by_role("button", name="Valider la délivrance").click()
    expect(page.get_by_role("status")).to_contain_text("enregistrée", timeout=30_000)
    seen.append(measure(page, "ordonnance-numerique-enregistree"))
    seen += [visit(page, server + path, path.strip("/").replace("/", "-").split("?")[0] or "accueil")
             for path in PHARMACIST_PAGES]
    page.get_by_label("Médicament 1", exact=True).fill("ATARAX 25 mg")
    page.get_by_label("Médicament 2", exact=True).fill("ESCITALOPRAM 20 mg")
    page.get_by_role("button", name="Analyser").click()
    expect(page.get_by_role("complementary", name="Alertes")).to_be_visible(timeout=60_000)
    seen.append(measure(page, "analyse-resultat"))
    page.goto(f"{server}/patients?q=gene")
    page.locator("table.results a").first.click()
    seen.append(measure(page, "patient"))
    for code, paths in (("MED1", ["/prescripteur", "/prescripteur/nouvelle"]), ("ADM", ["/journal"])):
        other = new_page(browser, WIDTH, HEIGHT)
        other.goto(server + paths[0])
        log_in(other, code)
        seen += [visit(other, server + path, path.strip("/").replace("/", "-")) for path in paths]

    the_plus_menu_opens_and_closes_from_the_keyboard(page)
    too_wide = [(name, width) for name, width, _, _ in seen if width > WIDTH]
    two_rows = [(name, menu) for name, _, menu, entry in seen if menu > 1.5 * entry]
    assert not too_wide and not two_rows, (too_wide, two_rows)

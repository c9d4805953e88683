"""The F6 review of a paper prescription read by OCR: what is unsure is highlighted, ALD lines badged."""

from __future__ import annotations

from comptoir.web.dispensing.screen import paper_table_read
from comptoir.web.rendering import templates

UNSURE = "lecture incertaine, à vérifier"


def reading(*, rpps_unsure: bool, date_unsure: bool) -> dict[str, object]:
    line = {"text": "KARDEGIC 75 mg sachet", "drug": "KARDEGIC 75 mg sachet", "name": None, "uncertain": True,
            "ald": True, "posology": {"text": "1 sachet par jour"}}
    sure = {**line, "text": "DOLIPRANE 1000 mg cp", "name": "DOLIPRANE 1000 mg, comprimé", "uncertain": False,
            "ald": False}
    return {"lines": [line, sure], "prescriber": {"name": "Dr Jean MARTIN", "rpps": "10001234565",
                                                  "uncertain": ["rpps"] if rpps_unsure else []},
            "date": "2026-02-12", "date_uncertain": date_unsure, "seconds": 1.2, "warning": None}


def rendered(paper: object) -> str:
    return templates.env.get_template("_counter_paper_lines.html").render(paper=paper, reading_error=None)


def test_an_unsure_line_and_an_unsure_rpps_are_highlighted_with_their_french_hint() -> None:
    html = rendered(paper_table_read(reading(rpps_unsure=True, date_unsure=False)))

    assert html.count(f'title="{UNSURE}"') == 2  # the KARDEGIC row and the RPPS field, not the date
    assert 'class="w-rpps uncertain"' in html and 'class="w-date"' in html
    assert 'class="alert alert-pe uncertain"' in html


def test_a_line_of_the_ald_zone_carries_its_badge() -> None:
    html = rendered(paper_table_read(reading(rpps_unsure=False, date_unsure=True)))

    assert html.count(">ALD</span>") == 1
    assert 'class="w-date uncertain"' in html

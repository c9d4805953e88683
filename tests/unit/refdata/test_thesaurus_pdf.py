"""The thesaurus PDF-text parser: small layouts, error cases, and the 2023-09 edition against its CSV form."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from comptoir.errors import ConfigurationError, ReferenceFileError
from comptoir.refdata.thesaurus import (
    INTERACTIONS_CSV,
    MEMBERS_CSV,
    PROTAGONISTS_CSV,
    InteractionEntry,
    Thesaurus,
    read_thesaurus_csv,
)
from comptoir.refdata.thesaurus_pdf import guess_edition, parse_thesaurus_text, read_thesaurus_pdf

# The team's working copy (the packaged snapshot has the CSV, not the pdftotext text), beside the
# repository or beside the folder of a git worktree.
REPO = Path(__file__).resolve().parents[3]
SHARED_DATA = next((p for p in (REPO.parent / "shared" / "data", REPO.parent.parent / "shared" / "data")
                    if p.is_dir()), REPO.parent / "shared" / "data")
THESAURUS_DIR = SHARED_DATA / "thesaurus"
LAYOUT_TEXT = THESAURUS_DIR / "ansm_thesaurus_2023-09.pdftotext-layout.txt"
EDITION = "2023-09-15"


def _row(risk: str, conduct: str = "", *, indent: int = 20, column: int = 70) -> str:
    return (" " * indent + risk).ljust(column) + conduct if conduct else " " * indent + risk


SAMPLE = "\n".join(
    [
        "          THESAURUS",
        "DES INTERACTIONS MÉDICAMENTEUSES",
        "        SEPTEMBRE 2023",
        "                                                      15 septembre 2023",
        "\f                                        2",
        "",
        "ALPHA",
        " Voir aussi : bêta-bloquants - médicaments mixtes adrénergiques-",
        " sérotoninergiques",
        "",
        "+ BÊTA-BLOQUANTS À NOMS LONGS",
        _row("Risque de bloc auriculo-", "CI - ASDEC"),
        _row("ventriculaire.", "Contre-indication :"),
        _row("", "- chez le sujet âgé."),
        "",
        _row("", "Association déconseillée :"),
        _row("", "- dans les autres cas."),
        "\f                                      3",
        "BÊTA-BLOQUANTS À",
        "NOMS LONGS",
        " Une note de classe.",
        "",
        " (alpha, sodium (bicarbonate de),",
        " gamma)",
        "",
        "+ ALPHA",
        _row("Risque d'hypotension.", "Précaution d'emploi", indent=12, column=60),
        _row("", "Surveiller la tension.", indent=12, column=60),
        "",
        "+ SUBSTANCES À ABSORPTION RÉDUITE PAR LES",
        "  TOPIQUES",
        _row("Diminution de l'absorption.", "A prendre en compte", indent=12, column=60),
        "",
    ]
)


# --- small layouts --------------------------------------------------------------------------


def test_sample_entries_follow_the_two_columns() -> None:
    thesaurus = parse_thesaurus_text(SAMPLE, edition=EDITION)

    first, second, third = thesaurus.entries
    assert first == InteractionEntry(
        protagonist_a="ALPHA",
        protagonist_b="BÊTA-BLOQUANTS À NOMS LONGS",
        level_raw="CI - ASDEC",
        levels=("CI", "AD"),
        risk="Risque de bloc auriculo-ventriculaire.",
        conduct="Contre-indication : - chez le sujet âgé.\nAssociation déconseillée : - dans les autres cas.",
        pdf_page=2,
    )
    assert (second.protagonist_a, second.protagonist_b) == ("BÊTA-BLOQUANTS À NOMS LONGS", "ALPHA")
    assert (second.levels, second.risk) == (("PE",), "Risque d'hypotension.")
    assert second.conduct == "Surveiller la tension."
    assert second.pdf_page == 3
    assert third.protagonist_b == "SUBSTANCES À ABSORPTION RÉDUITE PAR LES TOPIQUES"
    assert (third.levels, third.conduct) == (("APEC",), "")


def test_sample_protagonists_keep_see_also_members_and_notes() -> None:
    alpha, beta = parse_thesaurus_text(SAMPLE, edition=EDITION).protagonists

    assert alpha.see_also_classes == ("bêta-bloquants", "médicaments mixtes adrénergiques-sérotoninergiques")
    assert (alpha.kind, alpha.members, alpha.pdf_page) == ("substance_or_other", (), 2)
    assert beta.name == "BÊTA-BLOQUANTS À NOMS LONGS"
    assert beta.members == ("alpha", "sodium (bicarbonate de)", "gamma")
    assert (beta.kind, beta.header_note, beta.pdf_page) == ("class", "Une note de classe.", 3)


def test_header_block_note_with_its_own_level_becomes_an_entry() -> None:
    text = "\n".join(
        [
            "ANTICHOLINESTÉRASIQUES",
            ' (voir aussi "bradycardisants")',
            "",
            " + AUTRES ANTICHOLINESTERASIQUES",
            " Il convient de prendre en compte l'association de deux",
            " anticholinestérasiques.",
            "",
            " (donepezil, galantamine)",
            "",
            "+ PILOCARPINE",
            _row("Addition des effets.", "A prendre en compte"),
        ]
    )
    thesaurus = parse_thesaurus_text(text, edition=EDITION)

    note = thesaurus.entries[-1]
    assert (note.block, note.levels) == ("header_note", ("APEC",))
    assert note.protagonist_b == "AUTRES ANTICHOLINESTERASIQUES"
    assert note.risk == "Il convient de prendre en compte l'association de deux anticholinestérasiques."
    assert thesaurus.protagonists[0].members == ("donepezil", "galantamine")
    assert thesaurus.protagonists[0].header_note.startswith('(voir aussi "bradycardisants")\n+ AUTRES')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("THESAURUS\n   15 septembre 2023\n", "2023-09-15"),
        ("THESAURUS\n   SEPTEMBRE 2023\n", "2023-09-01"),
        ("THESAURUS — 1er FÉVRIER 2024", "2024-02-01"),
        ("        SEPTEMBRE 2023\n        15 septembre 2023", "2023-09-15"),
    ],
)
def test_edition_is_read_from_the_front_page(text: str, expected: str) -> None:
    assert guess_edition(text) == expected


def test_edition_missing_from_the_front_page_raises() -> None:
    with pytest.raises(ReferenceFileError, match="date d'édition introuvable"):
        guess_edition("THESAURUS DES INTERACTIONS\n\f2\nABATACEPT\n")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Compte rendu de réunion\n\n   Ordre du jour : budget 2024.\n\fPage 2\n",
        "+ ABATACEPT sans en-tête\n",
    ],
)
def test_text_that_is_not_a_thesaurus_raises(text: str) -> None:
    with pytest.raises(ReferenceFileError, match="n'est pas le Thésaurus"):
        parse_thesaurus_text(text, edition=EDITION, source="rapport.pdf")


def test_entry_without_level_names_its_page() -> None:
    text = "\f1\nALPHA\n+ BÊTA\n" + _row("Un risque sans niveau.", "Surveiller.") + "\n"

    with pytest.raises(ReferenceFileError, match="page 2, « \\+ BÊTA » : niveau de contrainte introuvable"):
        parse_thesaurus_text(text, edition=EDITION)


# --- the PDF itself -------------------------------------------------------------------------


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _pdf(pages: list[list[tuple[int, int, str]]]) -> bytes:
    """A bare PDF (Helvetica, WinAnsi) with each text at (row, x in points) on its page."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", font]
    kids = []
    for lines in pages:
        shows = " ".join(f"1 0 0 1 {x} {800 - 12 * r} Tm ({_pdf_string(text)}) Tj" for r, x, text in lines)
        data = f"BT /F1 10 Tf {shows} ET".encode("cp1252")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data))
        resources = b"/MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
        objects.append(b"<< /Type /Page /Parent 2 0 R %s /Contents %d 0 R >>" % (resources, len(objects)))
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


@needs_pdftotext
def test_pdf_is_read_through_pdftotext(tmp_path: Path) -> None:
    cover = [(0, 60, "THESAURUS DES INTERACTIONS MÉDICAMENTEUSES"), (2, 400, "15 septembre 2023")]
    page = [
        (0, 500, "2"),
        (2, 40, "ALPHA"),
        (3, 46, "Voir aussi : bêta-bloquants"),
        (5, 40, "+ BÊTA"),
        (6, 100, "Risque de bloc auriculo-"),
        (6, 330, "CI - ASDEC"),
        (7, 100, "ventriculaire."),
        (7, 330, "Contre-indication :"),
        (8, 330, "- chez le sujet âgé."),
        (10, 330, "Association déconseillée :"),
        (11, 330, "- dans les autres cas."),
    ]
    pdf = tmp_path / "thesaurus.pdf"
    pdf.write_bytes(_pdf([cover, page]))
    thesaurus = read_thesaurus_pdf(pdf)

    assert thesaurus.edition == "2023-09-15"
    (entry,) = thesaurus.entries
    assert (entry.protagonist_a, entry.protagonist_b, entry.levels) == ("ALPHA", "BÊTA", ("CI", "AD"))
    assert (entry.risk, entry.pdf_page) == ("Risque de bloc auriculo-ventriculaire.", 2)
    assert entry.conduct.split("\n") == [
        "Contre-indication : - chez le sujet âgé.",
        "Association déconseillée : - dans les autres cas.",
    ]
    assert thesaurus.protagonists[0].see_also_classes == ("bêta-bloquants",)
    assert read_thesaurus_pdf(pdf, edition="2023-09-20").edition == "2023-09-20"


@needs_pdftotext
def test_pdf_that_is_not_a_thesaurus_raises(tmp_path: Path) -> None:
    pdf = tmp_path / "facture.pdf"
    pdf.write_bytes(_pdf([[(0, 40, "Facture n° 12 du 3 mars 2024"), (2, 40, "Total : 12,00 €")]]))

    with pytest.raises(ReferenceFileError, match=r"facture\.pdf : ce texte n'est pas le Thésaurus"):
        read_thesaurus_pdf(pdf)


@needs_pdftotext
def test_file_that_is_not_a_pdf_raises(tmp_path: Path) -> None:
    not_pdf = tmp_path / "thesaurus.pdf"
    not_pdf.write_text("ceci n'est pas un PDF", encoding="utf-8")

    with pytest.raises(ReferenceFileError, match="PDF illisible"):
        read_thesaurus_pdf(not_pdf)


def test_missing_pdftotext_is_a_configuration_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)

    with pytest.raises(ConfigurationError, match="pdftotext est introuvable : installez poppler-utils"):
        read_thesaurus_pdf(tmp_path / "thesaurus.pdf")


# --- the 2023-09 edition against its CSV form -----------------------------------------------


@pytest.fixture(scope="module")
def layout_text() -> str:
    if not LAYOUT_TEXT.is_file():
        pytest.skip(f"shared thesaurus text not found: {LAYOUT_TEXT}")
    return LAYOUT_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parsed(layout_text: str) -> Thesaurus:
    return parse_thesaurus_text(layout_text, edition=EDITION)


@pytest.fixture(scope="module")
def from_csv() -> Thesaurus:
    names = (INTERACTIONS_CSV, PROTAGONISTS_CSV, MEMBERS_CSV)
    missing = [name for name in names if not (THESAURUS_DIR / name).is_file()]
    if missing:
        pytest.skip(f"shared thesaurus CSV files not found in {THESAURUS_DIR}: {', '.join(missing)}")
    return read_thesaurus_csv(THESAURUS_DIR)


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _key(entry: InteractionEntry) -> tuple[str, str, tuple[str, ...]]:
    return entry.protagonist_a, entry.protagonist_b, entry.levels


def test_full_text_parses_and_gives_its_edition(layout_text: str) -> None:
    parsed = parse_thesaurus_text(layout_text, edition=EDITION)

    assert parsed.entries
    assert guess_edition(layout_text) == EDITION


def test_same_entries_and_levels_as_csv(parsed: Thesaurus, from_csv: Thesaurus) -> None:
    ours, theirs = Counter(map(_key, parsed.entries)), Counter(map(_key, from_csv.entries))

    assert sorted((ours - theirs).elements()) == []
    assert sorted((theirs - ours).elements()) == []
    assert len(parsed.entries) == len(from_csv.entries)


def test_same_risk_and_conduct_texts_as_csv(parsed: Thesaurus, from_csv: Thesaurus) -> None:
    def texts(thesaurus: Thesaurus) -> Counter[tuple[object, ...]]:
        return Counter((*_key(e), _normalised(e.risk), _normalised(e.conduct)) for e in thesaurus.entries)

    differing = texts(parsed) - texts(from_csv)
    for entry in sorted(differing.elements()):
        print("differs from the CSV:", entry)
    identical = len(parsed.entries) - differing.total()
    assert identical == len(from_csv.entries), f"{identical}/{len(from_csv.entries)} entries identical"


def test_whole_value_equals_the_csv_form(parsed: Thesaurus, from_csv: Thesaurus) -> None:
    """Order, printed levels, pages, blocks and verbatim texts (line breaks included) too."""
    assert parsed.protagonists == from_csv.protagonists
    assert parsed.entries == from_csv.entries
    assert parsed == from_csv


def test_same_protagonists_as_csv(parsed: Thesaurus, from_csv: Thesaurus) -> None:
    ours = {p.name: p for p in parsed.protagonists}
    theirs = {p.name: p for p in from_csv.protagonists}

    assert list(ours) == list(theirs)
    assert parsed.class_members() == from_csv.class_members()
    for field in ("see_also_classes", "kind", "header_note", "pdf_page"):
        differing = [name for name in theirs if getattr(ours[name], field) != getattr(theirs[name], field)]
        assert differing == [], f"{field} differs for {len(differing)} protagonists"


def test_every_see_also_class_is_a_class_of_the_thesaurus(parsed: Thesaurus) -> None:
    classes = {name.casefold() for name in parsed.class_members()}
    unresolved = {c for p in parsed.protagonists for c in p.see_also_classes if c.casefold() not in classes}

    assert unresolved == set()

"""Read the ANSM "Thésaurus des interactions médicamenteuses" from its official PDF.

Source: ANSM (Agence nationale de sécurité du médicament et des produits de santé),
"Thésaurus des interactions médicamenteuses". The parser was written against the edition
of 15 September 2023 (20230915-thesaurus-interactions-medicamenteuses-septembre-2023.pdf)
and gives the same `Thesaurus` value as the CSV form read by `comptoir.refdata.thesaurus`.
The ANSM publishes the document without an open licence: reuse falls under CRPA article
L.321-1 and following, so the texts are kept verbatim (only line breaks are undone), never
reworded, and the edition date travels with every value (`Thesaurus.edition`).

The PDF is first turned into text by `pdftotext -layout` (poppler-utils). The layout
heuristics applied to that text are:

- Pages are separated by form feeds; the first non-blank line of a page, when it holds
  only digits, is the printed page number and is dropped. `pdf_page` is the 1-based
  position of the page in the file (the printed number plus one in 2023-09).
- Everything before the header of the first "+ " line is front matter and is skipped.
- A protagonist header is a line at column 0 that does not start with "+"; a column-0
  line right under it continues it (long class names wrap).
- An entry starts with "+ NAME" at column 0; a line right under it, indented by at most
  three columns, continues the name.
- Between a header and its first entry lies the header block (indented by one column),
  cut into paragraphs at blank lines: "Voir aussi :" (class names separated by " - "),
  the class member list (last paragraph, in parentheses, split at the commas outside
  nested parentheses), and free notes, kept line by line in `header_note`. A note
  paragraph " + NAME" whose text begins "Il convient de prendre en compte" also becomes
  an entry of block "header_note" at level APEC (two of them under ANTICHOLINESTÉRASIQUES).
- An entry body has two columns. The level (CONTRE-INDICATION, Association DECONSEILLEE,
  Précaution d'emploi, A prendre en compte, or combined codes such as "CI - ASDEC - APEC")
  is the last text of the first line that ends with one. Its start column splits every
  line of the entry: a run of text (runs are separated by two spaces or more) starting
  left of it belongs to the risk ("nature du risque et mécanisme"), the others to the
  conduct ("conduite à tenir"). Columns move from page to page, hence one split per entry.
- Within a column, lines are joined with a space, except after a word hyphenated at the
  end of a line ("auriculo-"), which is joined to the next line without a space. An empty
  cell between two texts ends a paragraph; paragraphs are joined with "\\n", so combined
  levels keep their "Contre-indication : … / Association déconseillée : …" sub-blocks.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from comptoir.errors import ConfigurationError, ReferenceFileError
from comptoir.refdata.thesaurus import InteractionEntry, Protagonist, Thesaurus, levels_from_raw

PDFTOTEXT_TIMEOUT_S = 120
COLUMN_TOLERANCE = 3
"""How far left of the level column a run of conduct text may start (pdftotext jitter)."""
NAME_WRAP_INDENT = 3
"""A line under "+ NAME" indented by at most this much continues the name."""

_LEVEL_CODES = r"(?:CI|ASDEC|PE|APEC)(?: - (?:CI|ASDEC|PE|APEC))+"
_LEVEL_WORDS = (
    r"CONTRE-INDICATION|Association D[EÉ]CONSEILL[EÉ]E|Précaution d['’]emploi|[AÀ] prendre en compte"
)
_LEVEL_AT_END = re.compile(rf"(?:^|\s{{2,}})({_LEVEL_WORDS}|{_LEVEL_CODES})\s*$")
_RUN = re.compile(r"\S+(?: \S+)*")
_NOTE_LEVEL = "Il convient de prendre en compte"
_HYPHENATED = re.compile(r"\w-$")
_SEE_ALSO = "Voir aussi :"
_MONTHS = (
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
)
_DATE = re.compile(r"(?:\b(\d{1,2})(?:er)?\s+)?\b([^\W\d_]{3,9})\s+(\d{4})\b")
_NOT_A_THESAURUS = (
    "ce texte n'est pas le Thésaurus des interactions médicamenteuses de l'ANSM "
    "(aucune entrée « + SUBSTANCE » avec un niveau de contrainte)"
)


@dataclass(slots=True)
class _Line:
    number: int
    page: int
    text: str


@dataclass(slots=True)
class _RawEntry:
    name: str
    first: _Line
    body: list[_Line] = field(default_factory=list)


@dataclass(slots=True)
class _Section:
    name: str
    first: _Line
    head: list[_Line] = field(default_factory=list)
    entries: list[_RawEntry] = field(default_factory=list)


# --- public API -----------------------------------------------------------------------------


def read_thesaurus_pdf(pdf_path: Path, *, edition: str | None = None) -> Thesaurus:
    """Read the thesaurus PDF through `pdftotext -layout`; without `edition`, read the date it prints."""
    text = _pdftotext(pdf_path)
    thesaurus = parse_thesaurus_text(text, edition=edition or "", source=pdf_path.name)
    if edition:
        return thesaurus
    return replace(thesaurus, edition=guess_edition(text, source=pdf_path.name))


def parse_thesaurus_text(text: str, *, edition: str, source: str = "thésaurus") -> Thesaurus:
    """Build the `Thesaurus` from the `pdftotext -layout` text of the ANSM PDF.

    `source` only names the input in error messages.
    """
    sections = _sections(_lines(text), source)
    entries = [_entry(section, raw, source) for section in sections for raw in section.entries]
    protagonists = [_protagonist(section) for section in sections]
    notes = [note for section in sections for note in _note_entries(section)]
    return Thesaurus(edition=edition, entries=tuple(entries + notes), protagonists=tuple(protagonists))


def guess_edition(text: str, *, source: str = "thésaurus") -> str:
    """ISO date of the edition printed on the first pages: "15 septembre 2023" -> "2023-09-15".

    Without a printed day, the first of the month ("SEPTEMBRE 2023" -> "2023-09-01").
    """
    front = "\n".join(text.split("\f")[:2])
    found = [m for m in _DATE.finditer(front) if _ascii_lower(m.group(2)) in _MONTHS]
    found.sort(key=lambda m: m.group(1) is None)
    if not found:
        raise ReferenceFileError(source, 0, "date d'édition introuvable en tête du document : indiquez-la")
    day, month, year = found[0].groups()
    try:
        return date(int(year), _MONTHS.index(_ascii_lower(month)) + 1, int(day or 1)).isoformat()
    except ValueError as exc:
        raise ReferenceFileError(source, 0, f"date d'édition invalide « {found[0].group()} »") from exc


def _ascii_lower(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


# --- pdftotext ------------------------------------------------------------------------------


def _pdftotext(pdf_path: Path) -> str:
    executable = shutil.which("pdftotext")
    if executable is None:
        raise ConfigurationError(
            "Le programme pdftotext est introuvable : installez poppler-utils pour lire le Thésaurus en PDF."
        )
    if not pdf_path.is_file():
        raise ReferenceFileError(pdf_path.name, 0, "fichier introuvable")
    command = [executable, "-layout", "-enc", "UTF-8", str(pdf_path), "-"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=PDFTOTEXT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ReferenceFileError(pdf_path.name, 0, "pdftotext n'a pas terminé la conversion à temps") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["erreur inconnue"]
        raise ReferenceFileError(pdf_path.name, 0, f"PDF illisible par pdftotext ({detail[0]})")
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReferenceFileError(pdf_path.name, 0, "texte extrait illisible (UTF-8 invalide)") from exc


# --- lines and sections ---------------------------------------------------------------------


def _lines(text: str) -> list[_Line]:
    """Lines without form feeds, trailing blanks or printed page numbers."""
    lines: list[_Line] = []
    page, fresh_page = 1, True
    for number, raw in enumerate(text.split("\n"), start=1):
        if "\f" in raw:
            page, fresh_page = page + raw.count("\f"), True
        line = raw.replace("\f", "").rstrip()
        if fresh_page and line:
            fresh_page = False
            if line.strip().isdigit():
                continue
        lines.append(_Line(number, page, line))
    return lines


def _kind(text: str) -> str:
    if not text:
        return "blank"
    if text.startswith("+ "):
        return "entry"
    return "indent" if text[0].isspace() else "header"


def _body_start(lines: list[_Line], source: str) -> int:
    """Index of the first header line of the body (the header of the first entry)."""
    kinds = [_kind(line.text) for line in lines]
    if "entry" not in kinds:
        raise ReferenceFileError(source, 0, _NOT_A_THESAURUS)
    start = kinds.index("entry")
    while start > 0 and kinds[start - 1] != "header":
        start -= 1
    while start > 1 and kinds[start - 2] == "header":
        start -= 1
    if start == 0:
        raise ReferenceFileError(source, lines[0].number, _NOT_A_THESAURUS)
    return start - 1


def _sections(lines: list[_Line], source: str) -> list[_Section]:
    sections: list[_Section] = []
    previous = "blank"
    for line in lines[_body_start(lines, source) :]:
        kind = _kind(line.text)
        if kind == "header" and previous == "header":
            sections[-1].name += " " + line.text.strip()
        elif kind == "header":
            sections.append(_Section(line.text.strip(), line))
        elif kind == "entry":
            sections[-1].entries.append(_RawEntry(line.text[2:].strip(), line))
        elif sections[-1].entries:
            _add_entry_line(sections[-1].entries[-1], line, continues_name=previous == "entry")
        else:
            sections[-1].head.append(line)
        previous = kind
    return sections


def _add_entry_line(entry: _RawEntry, line: _Line, *, continues_name: bool) -> None:
    indent = len(line.text) - len(line.text.lstrip())
    if continues_name and line.text and indent <= NAME_WRAP_INDENT:
        entry.name += " " + line.text.strip()
    else:
        entry.body.append(line)


# --- header blocks: protagonists and header notes -------------------------------------------


def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
    paragraphs: list[list[_Line]] = [[]]
    for line in lines:
        if line.text:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [paragraph for paragraph in paragraphs if paragraph]


def _protagonist(section: _Section) -> Protagonist:
    paragraphs = _paragraphs(section.head)
    members: tuple[str, ...] = ()
    if paragraphs and _is_member_list(paragraphs[-1]):
        members = _split_members(_join([line.text.strip() for line in paragraphs.pop()])[1:-1])
    see_also = [p for p in paragraphs if p[0].text.strip().startswith(_SEE_ALSO)]
    notes = [line.text.strip() for p in paragraphs if p not in see_also for line in p]
    return Protagonist(
        name=section.name,
        kind="class" if members else "substance_or_other",
        members=members,
        see_also_classes=tuple(c for p in see_also for c in _split_see_also(p)),
        header_note="\n".join(notes),
        pdf_page=section.first.page,
    )


def _is_member_list(paragraph: list[_Line]) -> bool:
    first = paragraph[0].text.strip()
    return (
        first.startswith("(") and not first.lower().startswith("(voir") and paragraph[-1].text.endswith(")")
    )


def _split_members(text: str) -> tuple[str, ...]:
    """Split at the commas outside parentheses: "a, sodium (bicarbonate de), b"."""
    members, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            members.append(text[start:index])
            start = index + 1
    members.append(text[start:])
    return tuple(name.strip() for name in members if name.strip())


def _split_see_also(paragraph: list[_Line]) -> list[str]:
    text = _join([line.text.strip() for line in paragraph])[len(_SEE_ALSO) :]
    return [name.strip() for name in text.split(" - ") if name.strip()]


def _note_entries(section: _Section) -> list[InteractionEntry]:
    """The " + NAME" notes of a header block that carry a level of their own."""
    entries = []
    for paragraph in _paragraphs(section.head):
        title, *rest = [line.text.strip() for line in paragraph]
        text = _join(rest)
        if title.startswith("+ ") and text.startswith(_NOTE_LEVEL):
            entries.append(
                InteractionEntry(
                    protagonist_a=section.name,
                    protagonist_b=title[2:].strip(),
                    level_raw=_NOTE_LEVEL,
                    levels=("APEC",),
                    risk=text,
                    conduct="",
                    pdf_page=paragraph[0].page,
                    block="header_note",
                )
            )
    return entries


# --- entries --------------------------------------------------------------------------------


def _entry(section: _Section, raw: _RawEntry, source: str) -> InteractionEntry:
    level_index, column, level_raw = _find_level(raw, source)
    cells = [_split_line(line.text, column) for line in raw.body]
    conduct = [cell[1] for cell in cells]
    conduct[level_index] = ""
    return InteractionEntry(
        protagonist_a=section.name,
        protagonist_b=raw.name,
        level_raw=level_raw,
        levels=levels_from_raw(level_raw),
        risk=_column_text([cell[0] for cell in cells]),
        conduct=_column_text(conduct),
        pdf_page=raw.first.page,
    )


def _find_level(raw: _RawEntry, source: str) -> tuple[int, int, str]:
    """Index of the line printing the level, the level's start column, and the level as printed."""
    for index, line in enumerate(raw.body):
        match = _LEVEL_AT_END.search(line.text)
        if match:
            return index, match.start(1), match.group(1)
    problem = f"page {raw.first.page}, « + {raw.name} » : niveau de contrainte introuvable"
    raise ReferenceFileError(source, raw.first.number, problem)


def _split_line(text: str, column: int) -> tuple[str, str]:
    """The risk and conduct cells of one line, split at the entry's level column."""
    left: list[str] = []
    right: list[str] = []
    for run in _RUN.finditer(text):
        (right if run.start() >= column - COLUMN_TOLERANCE else left).append(run.group())
    return " ".join(left), " ".join(right)


def _column_text(cells: list[str]) -> str:
    """Cells of one column joined: lines by a space, paragraphs (split by empty cells) by "\\n"."""
    paragraphs: list[list[str]] = [[]]
    for cell in cells:
        if cell:
            paragraphs[-1].append(cell)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n".join(_join(paragraph) for paragraph in paragraphs if paragraph)


def _join(parts: list[str]) -> str:
    """Join wrapped lines with a space, or with nothing after a word hyphenated at the line end."""
    text = ""
    for part in parts:
        glue = "" if not text or _HYPHENATED.search(text) else " "
        text += glue + part
    return text

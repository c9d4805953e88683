"""Use case: import the drug reference (BDPM, ANSM thesaurus, ATC) in one transaction.

Every file is read and checked before anything is written: a truncated or corrupt file
raises `ReferenceFileError` (file and line) and the reference in the database stays as it
was. The write itself replaces the whole reference in one transaction, so importing the
same files twice gives the same database (idempotent).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from comptoir.errors import ConfigurationError
from comptoir.refdata import bdpm
from comptoir.refdata.atc import derive_atc, read_cis_atc_csv
from comptoir.refdata.sources import RefdataSource
from comptoir.refdata.substance_names import map_thesaurus_names, thesaurus_substance_names
from comptoir.refdata.thesaurus import Thesaurus, read_thesaurus_csv
from comptoir.refdata.thesaurus_pdf import guess_edition, parse_thesaurus_text, read_thesaurus_pdf
from comptoir.store.refdata import ReferenceRepository

if TYPE_CHECKING:

    from comptoir.services.platform.unit_of_work import UnitOfWork

Step = Callable[[str], None]
"""Called with a French label before each step (drives the CLI's progress bar)."""

THESAURUS_SOURCE = "ANSM, Thésaurus des interactions médicamenteuses"
THESAURUS_LICENCE = "ANSM, réutilisation selon CRPA art. L.321-1 (source et date citées, texte non altéré)"


@dataclass(slots=True)
class ParsedReference:
    source: RefdataSource
    specialties: list[bdpm.SpecialtyRow] = field(default_factory=list)
    presentations: list[bdpm.PresentationRow] = field(default_factory=list)
    compositions: list[bdpm.CompositionRow] = field(default_factory=list)
    generics: list[bdpm.GenericRow] = field(default_factory=list)
    conditions: list[bdpm.ConditionRow] = field(default_factory=list)
    availability: list[bdpm.AvailabilityRow] = field(default_factory=list)
    opinions: list[bdpm.OpinionRow] = field(default_factory=list)
    has_links: dict[str, str] = field(default_factory=dict)
    atc: list[bdpm.AtcRow] = field(default_factory=list)
    thesaurus: Thesaurus | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    source: str
    bdpm_date: date | None
    thesaurus_edition: str | None
    counts: dict[str, int]
    notes: tuple[str, ...]


READ_STEPS = 9


def read_reference(source: RefdataSource, step: Step) -> ParsedReference:
    """Read every file of `source`; raises before any write if one is bad."""
    missing = source.missing_required()
    if missing:
        raise ConfigurationError(f"Référentiel incomplet dans {source.directory} : manquent {', '.join(missing)}.")
    parsed = ParsedReference(source=source)
    step("Spécialités (CIS_bdpm)")
    parsed.specialties = bdpm.read_specialties(_required(source, "CIS_bdpm.txt"))
    step("Présentations (CIS_CIP)")
    parsed.presentations = bdpm.read_presentations(_required(source, "CIS_CIP_bdpm.txt"))
    step("Compositions (CIS_COMPO)")
    parsed.compositions = bdpm.read_compositions(_required(source, "CIS_COMPO_bdpm.txt"))
    step("Groupes génériques et conditions de prescription")
    parsed.generics = _optional(source, parsed, "CIS_GENER_bdpm.txt", bdpm.read_generics, [])
    parsed.conditions = _optional(source, parsed, "CIS_CPD_bdpm.txt", bdpm.read_conditions, [])
    step("Disponibilité (ruptures, tensions)")
    parsed.availability = _optional(source, parsed, "CIS_CIP_Dispo_Spec.txt", bdpm.read_availability, [])
    step("Avis HAS (SMR, ASMR)")
    _read_opinions(source, parsed)
    step("Classification ATC")
    parsed.atc = _read_atc(source, parsed)
    step("Thésaurus des interactions (ANSM)")
    parsed.thesaurus = _read_thesaurus(source, parsed)
    return parsed


def _required(source: RefdataSource, name: str) -> Any:
    path = source.file(name)
    assert path is not None  # checked by missing_required()
    return path


def _optional(source: RefdataSource, parsed: ParsedReference, name: str, reader: Callable[..., Any], empty: Any) -> Any:
    path = source.file(name)
    if path is None:
        parsed.notes.append(f"{name} absent : information non disponible.")
        return empty
    return reader(path)


def _read_opinions(source: RefdataSource, parsed: ParsedReference) -> None:
    for kind in ("SMR", "ASMR"):
        parsed.opinions += _optional(
            source, parsed, f"CIS_HAS_{kind}_bdpm.txt", lambda p, k=kind: bdpm.read_opinions(p, k), []
        )
    parsed.has_links = _optional(source, parsed, "HAS_LiensPageCT_bdpm.txt", bdpm.read_has_links, {})


def _read_atc(source: RefdataSource, parsed: ParsedReference) -> list[bdpm.AtcRow]:
    table = source.file("cis_atc.csv")
    if table is not None:
        return read_cis_atc_csv(table)
    mitm = _optional(source, parsed, "CIS_MITM.txt", bdpm.read_mitm_atc, [])
    return derive_atc(mitm, parsed.compositions)


def _read_thesaurus(source: RefdataSource, parsed: ParsedReference) -> Thesaurus | None:
    csvs = source.glob("ansm_thesaurus_*_interactions.csv")
    if csvs:
        return read_thesaurus_csv(csvs[-1].parent)
    pdfs = source.glob("*thesaurus*.pdf")
    if pdfs:
        return read_thesaurus_pdf(pdfs[-1])
    texts = source.glob("*thesaurus*layout*.txt")
    if texts:
        text = texts[-1].read_text(encoding="utf-8")
        return parse_thesaurus_text(text, edition=guess_edition(text, source=texts[-1].name), source=texts[-1].name)
    parsed.notes.append("Thésaurus ANSM absent (ni CSV ni PDF) : les interactions ne seront pas analysées.")
    return None


def bdpm_data_date(parsed: ParsedReference, today: date) -> date | None:
    """The data's date: the latest availability update, else the latest marketing date up to today.

    The BDPM files carry no edition date; the ANSM's availability list is updated up to the
    day of the extraction, so its latest update dates the set.
    """
    updates = [row.updated for row in parsed.availability if row.updated]
    if updates:
        return max(updates)
    return max((row.marketing_date for row in parsed.presentations
                if row.marketing_date and row.marketing_date <= today), default=None)


def store_reference(reference: ReferenceRepository, parsed: ParsedReference, *, now: datetime) -> ImportSummary:
    """Replace the whole reference; the caller commits."""
    reference.clear()
    counts = _insert_bdpm(reference, parsed)
    counts |= _insert_thesaurus(reference, parsed)
    bdpm_date = bdpm_data_date(parsed, now.date())
    _record_releases(reference, parsed, counts, bdpm_date, now)
    edition = parsed.thesaurus.edition if parsed.thesaurus else None
    return ImportSummary(parsed.source.description, bdpm_date, edition, counts, tuple(parsed.notes))


def _rows_of(records: Iterable[Any], skip: Sequence[str] = ()) -> list[dict[str, Any]]:
    return [{f.name: getattr(r, f.name) for f in fields(r) if f.name not in skip} for r in records]


def _insert_bdpm(reference: ReferenceRepository, parsed: ParsedReference) -> dict[str, int]:
    atc = {row.cis: row for row in parsed.atc}
    specialties = _rows_of(parsed.specialties)
    for row in specialties:
        found = atc.get(row["cis"])
        row["atc_code"], row["atc_method"] = (found.atc_code, found.method) if found else (None, None)
    return {
        "specialites": reference.add_specialties(specialties),
        "presentations": reference.add_presentations(_rows_of(_unique_cip13(parsed.presentations))),
        "substances": reference.add_substances(_substances(parsed.compositions)),
        "compositions": reference.add_compositions(_rows_of(parsed.compositions)),
        **_insert_generics(reference, parsed.generics),
        "conditions": reference.add_conditions(_rows_of(parsed.conditions)),
        "disponibilite": reference.add_availability(_rows_of(parsed.availability)),
        "avis_has": reference.add_opinions(_opinion_rows(parsed)),
        "atc": len(atc),
    }


def _unique_cip13(rows: list[bdpm.PresentationRow]) -> list[bdpm.PresentationRow]:
    return list({row.cip13: row for row in rows}.values())


def _substances(compositions: list[bdpm.CompositionRow]) -> list[dict[str, Any]]:
    names: dict[str, Counter[str]] = {}
    for row in compositions:
        names.setdefault(row.substance_code, Counter())[row.substance_name] += 1
    return [{"code": code, "name": counter.most_common(1)[0][0]} for code, counter in names.items()]


def _insert_generics(reference: ReferenceRepository, generics: list[bdpm.GenericRow]) -> dict[str, int]:
    groups = {row.group_id: row.group_label for row in generics}
    members = {(row.group_id, row.cis): row for row in generics}
    reference.add_generic_groups([{"id": gid, "label": label} for gid, label in groups.items()])
    return {"groupes_generiques": len(groups),
            "membres_generiques": reference.add_generic_members(_rows_of(members.values(), ("group_label",)))}


def _opinion_rows(parsed: ParsedReference) -> list[dict[str, Any]]:
    rows = _rows_of(parsed.opinions)
    for row in rows:
        row["url"] = parsed.has_links.get(row["dossier"], "")
    return rows


def _insert_thesaurus(reference: ReferenceRepository, parsed: ParsedReference) -> dict[str, int]:
    thesaurus = parsed.thesaurus
    if thesaurus is None:
        return {}
    entries = [
        {"protagonist_a": e.protagonist_a, "protagonist_b": e.protagonist_b, "level_raw": e.level_raw,
         "levels": ";".join(e.levels), "max_level": e.max_level, "risk": e.risk, "conduct": e.conduct,
         "pdf_page": e.pdf_page, "block": e.block}
        for e in thesaurus.entries
    ]
    protagonists = [
        {"name": p.name, "kind": p.kind, "see_also": list(p.see_also_classes), "header_note": p.header_note,
         "pdf_page": p.pdf_page}
        for p in {p.name: p for p in thesaurus.protagonists}.values()
    ]
    members = {(p.name, s) for p in thesaurus.protagonists for s in p.members}
    return {
        "interactions": reference.add_interactions(entries),
        "protagonistes": reference.add_protagonists(protagonists),
        "membres_de_classes": reference.add_class_members([{"class_name": c, "substance": s}
                                                         for c, s in sorted(members)]),
        "substances_reliees": reference.add_substance_map(_substance_map(parsed, thesaurus)),
    }


def _substance_map(parsed: ParsedReference, thesaurus: Thesaurus) -> list[dict[str, Any]]:
    spellings: dict[str, set[str]] = defaultdict(set)
    for row in parsed.compositions:
        spellings[row.substance_code].add(row.substance_name)
    names = thesaurus_substance_names([p.name for p in thesaurus.protagonists if not p.members],
                                      [s for p in thesaurus.protagonists for s in p.members])
    return [
        {"thesaurus_name": name, "substance_code": code, "method": match.method}
        for name, match in map_thesaurus_names(names, spellings).items()
        for code in sorted(set(match.bdpm_codes))
    ]


def _record_releases(
    reference: ReferenceRepository, parsed: ParsedReference, counts: dict[str, int], bdpm_date: date | None,
    now: datetime,
) -> None:
    source = parsed.source.description
    reference.add_release(kind="bdpm", source=source, data_date=bdpm_date, imported_at=now, counts=counts,
                          licence=bdpm.BDPM_LICENCE)
    if parsed.thesaurus is not None:
        reference.add_release(kind="thesaurus", source=f"{THESAURUS_SOURCE} — {source}",
                              data_date=date.fromisoformat(parsed.thesaurus.edition), imported_at=now,
                              counts={"interactions": len(parsed.thesaurus.entries)}, licence=THESAURUS_LICENCE)


def import_reference(source: RefdataSource, *, uow: UnitOfWork, now: datetime, step: Step) -> ImportSummary:
    """Every file read and checked first, with no transaction held meanwhile; then one transaction."""
    parsed = read_reference(source, step)
    step("Écriture en base (une transaction)")
    return _replace_reference(parsed, uow=uow, now=now)


def _replace_reference(parsed: ParsedReference, *, uow: UnitOfWork, now: datetime) -> ImportSummary:
    with uow:
        summary = store_reference(uow.reference, parsed, now=now)
        uow.commit()
        return summary

"""Importing the reference, on SQLite and PostgreSQL."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from comptoir.errors import ReferenceFileError
from comptoir.refdata.search import fold
from comptoir.refdata.sources import RefdataSource, locate_source
from comptoir.services.platform.runtime import Runtime
from comptoir.services.refdata.import_reference import import_reference
from comptoir.services.refdata.status import reference_status
from comptoir.store import models as m


def run_import(runtime: Runtime, directory: Path) -> object:
    with closing(runtime.unit_of_work()) as uow:
        return import_reference(RefdataSource(directory, "test"), uow=uow, now=runtime.clock(), step=lambda _: None)


def table_counts(runtime: Runtime) -> dict[str, int]:
    with runtime.session_factory() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in (m.Specialty, m.Presentation, m.Composition, m.GenericMember, m.ThesaurusInteraction,
                              m.ThesaurusSubstanceMap, m.HasOpinion, m.RefdataRelease)}


def copy_with(tmp_path: Path, reference_data: Path, name: str, content: str) -> Path:
    """A source directory linking every reference file but `name`, which gets `content`."""
    target = tmp_path / "source"
    target.mkdir()
    for path in (p for sub in ("bdpm", "thesaurus", "atc") for p in (reference_data / sub).iterdir()):
        (target / path.name).symlink_to(path)
    (target / name).unlink()
    (target / name).write_text(content, encoding="utf-8")
    return target


def test_imports_the_whole_reference_with_its_date_and_source(runtime: Runtime, reference_data: Path) -> None:
    run_import(runtime, reference_data)

    with closing(runtime.unit_of_work()) as uow:
        status = reference_status(uow=uow)
    releases = {r.kind: r for r in status.releases}
    assert status.specialties == 15848 and status.presentations == 20903
    assert releases["bdpm"].data_date == "2026-05-19"
    assert releases["thesaurus"].data_date == "2023-09-15"
    assert "Etalab" in releases["bdpm"].licence
    assert status.coverage > 0.8


def test_importing_twice_gives_the_same_reference(runtime: Runtime, reference_data: Path) -> None:
    run_import(runtime, reference_data)
    first = table_counts(runtime)

    run_import(runtime, reference_data)

    assert table_counts(runtime) == first


def test_a_truncated_file_is_named_and_the_previous_reference_stays(
    runtime: Runtime, reference_data: Path, tmp_path: Path
) -> None:
    run_import(runtime, reference_data)
    before = table_counts(runtime)
    lines = (reference_data / "bdpm" / "CIS_COMPO_bdpm.txt").read_text(encoding="utf-8").splitlines()
    cut = "\n".join(lines[:1000]) + "\n" + lines[1000][:25]
    source = copy_with(tmp_path, reference_data, "CIS_COMPO_bdpm.txt", cut)

    with pytest.raises(ReferenceFileError) as raised:
        run_import(runtime, source)

    assert str(raised.value).startswith("CIS_COMPO_bdpm.txt, ligne 1001")
    assert table_counts(runtime) == before


def test_links_thesaurus_names_to_bdpm_substances(runtime: Runtime, reference_data: Path) -> None:
    run_import(runtime, reference_data)

    with runtime.session_factory() as session:
        pairs = session.execute(select(m.ThesaurusSubstanceMap.thesaurus_name, m.Substance.name).join(
            m.Substance, m.ThesaurusSubstanceMap.substance_code == m.Substance.code)).all()
    linked: dict[str, set[str]] = {}
    for thesaurus_name, bdpm_name in pairs:
        linked.setdefault(fold(thesaurus_name), set()).add(bdpm_name)
    assert any("HYDROXYZINE" in n for n in linked["hydroxyzine"])
    assert any("ESCITALOPRAM" in n for n in linked["escitalopram"])
    assert any("ACÉNOCOUMAROL" in n for n in linked["acenocoumarol"])
    assert linked["acide acetylsalicylique"] & {"ACIDE ACÉTYLSALICYLIQUE"}


def test_the_configured_directory_comes_before_the_packaged_snapshot(tmp_path: Path) -> None:
    found = locate_source(tmp_path, tmp_path / "cache")

    assert found.directory == tmp_path and found.origin == "COMPTOIR_REFDATA"
    assert not (tmp_path / "cache").exists()


def test_without_configuration_the_packaged_snapshot_is_the_source(tmp_path: Path) -> None:
    found = locate_source(None, tmp_path / "cache")

    assert found.origin == "instantané embarqué" and found.directory.is_relative_to(tmp_path / "cache")
    assert not found.missing_required()
    assert "reference-2026-05" in found.description and "Etalab" in found.description


def test_the_release_rows_name_the_snapshot_with_its_dates_and_licences(
    runtime: Runtime, snapshot_source: RefdataSource
) -> None:
    with closing(runtime.unit_of_work()) as uow:
        import_reference(snapshot_source, uow=uow, now=runtime.clock(), step=lambda _: None)

    with closing(runtime.unit_of_work()) as uow:
        releases = {r.kind: r for r in reference_status(uow=uow).releases}
    assert "instantané embarqué reference-2026-05" in releases["bdpm"].source
    assert "instantané embarqué reference-2026-05" in releases["thesaurus"].source
    assert releases["bdpm"].data_date == "2026-05-19" and "Licence Ouverte / Etalab" in releases["bdpm"].licence
    assert releases["thesaurus"].data_date == "2023-09-15" and "L.321-1" in releases["thesaurus"].licence


def test_a_thesaurus_given_as_the_pdf_text_loads_like_the_csv(
    runtime: Runtime, shared_data: Path, tmp_path: Path
) -> None:
    source = tmp_path / "officiel"
    source.mkdir()
    for path in (shared_data / "bdpm").iterdir():
        (source / path.name).symlink_to(path)
    (source / "ansm_thesaurus_2023-09.pdftotext-layout.txt").symlink_to(
        shared_data / "thesaurus" / "ansm_thesaurus_2023-09.pdftotext-layout.txt")

    summary = run_import(runtime, source)

    assert summary.thesaurus_edition == "2023-09-15"  # type: ignore[attr-defined]
    assert table_counts(runtime)["thesaurus_interaction"] == 3218

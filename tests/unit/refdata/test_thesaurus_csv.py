from pathlib import Path

import pytest

from comptoir.errors import ReferenceFileError
from comptoir.refdata.thesaurus import levels_from_raw, read_thesaurus_csv


def test_combined_levels_are_read_in_printed_order() -> None:
    assert levels_from_raw("CI - ASDEC - APEC") == ("CI", "AD", "APEC")
    assert levels_from_raw("Association DECONSEILLEE") == ("AD",)
    assert levels_from_raw("Précaution d'emploi") == ("PE",)
    assert levels_from_raw("A prendre en compte") == ("APEC",)


def test_reads_the_2023_edition(reference_data: Path) -> None:
    thesaurus = read_thesaurus_csv(reference_data / "thesaurus")

    pairs = {(e.protagonist_a, e.protagonist_b): e for e in thesaurus.entries}
    torsades = "SUBSTANCES SUSCEPTIBLES DE DONNER DES TORSADES DE POINTES"
    torsadogenes = "TORSADOGÈNES (SAUF ARSÉNIEUX, ANTIPARASITAIRES, NEUROLEPTIQUES, MÉTHADONE...)"
    assert len(thesaurus.entries) == 3218
    # The CI behind hydroxyzine + escitalopram: two classes, both holding the two substances.
    assert pairs[(torsades, torsadogenes)].levels == ("CI", "AD")
    members = thesaurus.class_members()
    assert {"hydroxyzine", "escitalopram"} <= set(members[torsades]) & set(members[torsadogenes])


def test_an_entry_with_an_unknown_level_names_its_line(tmp_path: Path, reference_data: Path) -> None:
    for name in ("protagonists", "class_members"):
        source = reference_data / "thesaurus" / f"ansm_thesaurus_2023-09_{name}.csv"
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    header = "protagonist_a,protagonist_b,level_raw,levels,max_level,risk,conduct,pdf_page,block\n"
    (tmp_path / "ansm_thesaurus_2023-09_interactions.csv").write_text(
        header + "A,B,CI,CI,CI,r,c,1,entry\nA,C,??,XX,XX,r,c,1,entry\n", encoding="utf-8")

    with pytest.raises(ReferenceFileError, match="ligne 3"):
        read_thesaurus_csv(tmp_path)

"""The in-memory DMP of the services' tests answers the patient's opposition and an outage as the emulator does
(tests/integration/dmp: the contract cases run on both)."""

from __future__ import annotations

import pytest

from comptoir.errors import ExternalServiceError
from tests.fakes.dmp import GENE, KIT, FakeDmp, kit_document

pytestmark = pytest.mark.skipif(not (KIT / "examples").is_dir(), reason=f"CDA kit absent: {KIT}")


def test_a_blocked_pharmacy_is_opposed_and_cannot_search() -> None:
    dmp = FakeDmp()
    dmp.block(GENE.matricule, dmp.structure)

    with pytest.raises(ExternalServiceError, match="s'est opposé") as refused:
        dmp.search(GENE.matricule)

    assert dmp.status(GENE.matricule).opposed and refused.value.permanent


def test_a_closed_dmp_refuses_feeding() -> None:
    dmp = FakeDmp()
    dmp.close_dmp(GENE.matricule)

    with pytest.raises(ExternalServiceError, match="a fermé son DMP"):
        dmp.submit(kit_document("VAC-NOTE_2023.01.xml", patient=GENE))

    assert not dmp.status(GENE.matricule).exists


def test_a_dmp_down_is_a_failure_to_retry() -> None:
    dmp = FakeDmp(down=True)

    with pytest.raises(ExternalServiceError) as failed:
        dmp.submit(kit_document("VAC-NOTE_2023.01.xml", patient=GENE))

    assert not failed.value.permanent and dmp.documents == {}

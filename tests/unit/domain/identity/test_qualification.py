"""The RNIV state machine: only INSi and a high-trust document give "qualifiée"."""

from __future__ import annotations

import pytest

from comptoir.domain.identity.qualification import (
    after_document,
    after_insi_match,
    after_vitale_app,
    sharing_refusal,
)
from comptoir.domain.identity.status import DocumentOutcome, IdentityStatus

P, R, V, Q = IdentityStatus.PROVISIONAL, IdentityStatus.RETRIEVED, IdentityStatus.VALIDATED, IdentityStatus.QUALIFIED


@pytest.mark.parametrize(("start", "end"), [(P, R), (V, Q), (R, R), (Q, Q)])
def test_an_insi_match_adds_the_first_criterion(start: IdentityStatus, end: IdentityStatus) -> None:
    assert after_insi_match(start, []) is end


@pytest.mark.parametrize(("start", "end"), [(P, V), (R, Q), (V, V), (Q, Q)])
def test_a_checked_document_adds_the_second_criterion(start: IdentityStatus, end: IdentityStatus) -> None:
    assert after_document(start, [], DocumentOutcome.CHECKED) is end


@pytest.mark.parametrize("outcome", [DocumentOutcome.NONE_PRESENTED, DocumentOutcome.REFUSED])
def test_no_document_or_a_refusal_leaves_the_status_as_it_was(outcome: DocumentOutcome) -> None:
    assert after_document(R, [], outcome) is R


def test_a_document_that_differs_sends_the_identity_back_to_provisional() -> None:
    assert after_document(R, [], DocumentOutcome.DIFFERS) is P


def test_a_doubtful_identity_cannot_be_qualified() -> None:
    assert after_insi_match(V, ["DOUT"]) is P
    assert after_document(R, ["FICT"], DocumentOutcome.CHECKED) is P


def test_the_vitale_app_qualifies_at_once() -> None:
    assert after_vitale_app() is Q


def test_only_a_qualified_ins_may_be_shared() -> None:
    assert sharing_refusal(Q, "239088815400243", []) == ""
    assert "n'est pas qualifié (identité récupérée)" in sharing_refusal(R, "239088815400243", [])
    assert "pas de matricule INS" in sharing_refusal(Q, None, [])
    assert "Identité douteuse" in sharing_refusal(Q, "239088815400243", ["DOUT"])

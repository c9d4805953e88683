"""Logging in with Pro Santé Connect: the operator bound to the idNat's RPPS, in the role the profession allows."""

from __future__ import annotations

import html
import re
from contextlib import closing

from sqlalchemy import func, select

from comptoir.domain.operators import Role
from comptoir.services.platform import psc_login
from comptoir.services.platform.operators import operator_for_token
from comptoir.services.platform.runtime import Runtime
from comptoir.store import models as m
from comptoir.web.deps import SESSION_COOKIE
from tests.integration.psc.conftest import Flow


def session_of(flow: Flow, runtime: Runtime) -> tuple[str, Role, str]:
    token = flow.comptoir.cookies[SESSION_COOKIE]
    with closing(runtime.unit_of_work()) as uow:
        operator = operator_for_token(token, uow=uow, now=runtime.clock())
    assert operator is not None
    return operator.code, operator.role, operator.workstation


def logins_audited(runtime: Runtime) -> list[tuple[str, str, str]]:
    with runtime.session_factory() as session:
        rows = session.execute(select(m.AuditEntry.operator_code, m.AuditEntry.action, m.AuditEntry.detail)
                               .where(m.AuditEntry.object_type == "login").order_by(m.AuditEntry.seq))
        return [(r[0], r[1], r[2]) for r in rows]


def sessions(runtime: Runtime) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(func.count()).select_from(m.OperatorSession)) or 0


def test_the_titulaire_logs_in_with_ecps_on_the_chosen_workstation(flow: Flow, psc_runtime: Runtime) -> None:
    landed = flow.log_in_ecps("810003456789")

    assert landed.status_code == 200
    assert session_of(flow, psc_runtime) == ("PH01", Role.TITULAIRE, "poste-2")
    assert flow.comptoir.get("/", follow_redirects=False).status_code == 200
    assert logins_audited(psc_runtime) == [("PH01", "create", "Pro Santé Connect (e-CPS), idNat 810003456789")]


def test_the_session_hands_its_psc_access_token_to_national_calls(flow: Flow, psc_runtime: Runtime) -> None:
    flow.log_in_ecps("810003456789")
    token = flow.comptoir.cookies[SESSION_COOKIE]

    with closing(psc_runtime.unit_of_work()) as uow:
        access = psc_login.psc_access_token(token, uow=uow, now=psc_runtime.clock())
        identity = psc_login.psc_identity(token, uow=uow)

    userinfo = flow.browser.get(f"{flow.psc_url}/protocol/openid-connect/userinfo",
                                headers={"Authorization": f"Bearer {access}"})
    assert userinfo.json()["SubjectNameID"] == "810003456789"
    assert identity is not None and (identity.profession, identity.structure, identity.means) == ("21", "750000001",
                                                                                                   "e-CPS")


def test_the_access_token_is_not_handed_out_once_expired(flow: Flow, psc_runtime: Runtime) -> None:
    flow.log_in_ecps("810003456789")
    psc_runtime.clock.advance(minutes=6)  # type: ignore[attr-defined]

    with closing(psc_runtime.unit_of_work()) as uow:
        assert psc_login.psc_access_token(flow.comptoir.cookies[SESSION_COOKIE], uow=uow,
                                          now=psc_runtime.clock()) is None


def test_a_password_session_has_no_psc_token(comptoir: object, psc_runtime: Runtime) -> None:
    from tests.conftest import open_session

    token = open_session(comptoir, "PH01").json()["token"]  # type: ignore[arg-type]

    with closing(psc_runtime.unit_of_work()) as uow:
        assert psc_login.psc_access_token(token, uow=uow, now=psc_runtime.clock()) is None


def test_a_physician_with_his_cps_card_opens_the_prescriber_module(flow: Flow, psc_runtime: Runtime) -> None:
    answer = flow.card(flow.leave(), "99900038441")

    flow.come_back(answer.headers["location"])

    assert session_of(flow, psc_runtime)[:2] == ("MED1", Role.PRESCRIPTEUR)
    assert "Pro Santé Connect (CPS)" in logins_audited(psc_runtime)[-1][2]


def test_a_preparateur_registered_in_the_rpps_logs_in_as_preparateur(flow: Flow, psc_runtime: Runtime) -> None:
    flow.log_in_ecps("10007771230")

    assert session_of(flow, psc_runtime)[:2] == ("PR01", Role.PREPARATEUR)


def test_a_wrong_pin_is_refused_on_the_provider_page(flow: Flow) -> None:
    answer = flow.card(flow.leave(), "10003456789", pin="0000")

    assert answer.status_code == 401
    assert "Code PIN incorrect" in answer.text


def test_a_professional_without_account_is_refused_and_nothing_opens(flow: Flow, psc_runtime: Runtime) -> None:
    refused = flow.log_in_ecps("810005551238")

    assert refused.status_code == 401
    assert ("Aucun compte comptoir n'est lié au RPPS 10005551238 : demandez au titulaire de l'associer"
            in refused.text.replace("&#39;", "'"))
    assert SESSION_COOKIE not in flow.comptoir.cookies
    assert sessions(psc_runtime) == 0
    assert logins_audited(psc_runtime)[-1][:2] == ("psc:810005551238", "refuse")


def test_a_replayed_code_is_refused_and_revokes_what_it_gave(flow: Flow, psc_runtime: Runtime) -> None:
    callback = flow.ecps(flow.leave(), "810003456789")
    pending = flow.comptoir.cookies["comptoir_psc"]
    flow.come_back(callback)
    token = flow.comptoir.cookies[SESSION_COOKIE]
    with closing(psc_runtime.unit_of_work()) as uow:
        access = psc_login.psc_access_token(token, uow=uow, now=psc_runtime.clock())
    flow.comptoir.cookies.clear()
    flow.comptoir.cookies.set("comptoir_psc", pending, path="/psc")

    replayed = flow.come_back(callback)

    assert replayed.status_code == 401
    assert "déjà utilisé ou expiré" in replayed.text
    assert sessions(psc_runtime) == 1
    assert flow.browser.get(f"{flow.psc_url}/protocol/openid-connect/userinfo",
                            headers={"Authorization": f"Bearer {access}"}).status_code == 401


def test_an_unexpected_state_is_refused(flow: Flow, psc_runtime: Runtime) -> None:
    callback = flow.ecps(flow.leave(), "810003456789")

    refused = flow.come_back(callback.replace("state=", "state=autre"))

    assert refused.status_code == 401
    assert "« state » inattendu" in refused.text
    assert sessions(psc_runtime) == 0
    assert logins_audited(psc_runtime)[-1][:2] == ("psc", "refuse")


def test_a_callback_from_another_browser_is_refused(flow: Flow, psc_runtime: Runtime) -> None:
    callback = flow.ecps(flow.leave(), "810003456789")
    flow.comptoir.cookies.clear()

    refused = flow.come_back(callback)

    assert refused.status_code == 401
    assert sessions(psc_runtime) == 0


def test_logout_offers_to_end_the_psc_session_too(flow: Flow, psc_runtime: Runtime) -> None:
    from tests.integration.psc.conftest import hidden

    flow.log_in_ecps("810003456789")
    token = flow.comptoir.cookies[SESSION_COOKIE]
    with closing(psc_runtime.unit_of_work()) as uow:
        access = psc_login.psc_access_token(token, uow=uow, now=psc_runtime.clock())
    csrf = hidden(flow.comptoir.get("/").text, "_csrf")

    offered = flow.comptoir.post("/deconnexion", data={"_csrf": csrf})
    end = html.unescape(re.search(r'class="button" href="([^"]+)"', offered.text).group(1))  # type: ignore[union-attr]
    ended = flow.browser.get(end)

    assert "Terminer aussi la session Pro Santé Connect" in offered.text
    assert sessions(psc_runtime) == 0
    assert ended.status_code == 303 and ended.headers["location"] == "http://127.0.0.1/connexion"
    assert flow.browser.get(f"{flow.psc_url}/protocol/openid-connect/userinfo",
                            headers={"Authorization": f"Bearer {access}"}).status_code == 401

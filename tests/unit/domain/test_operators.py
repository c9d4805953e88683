from comptoir.domain.operators import Permission, Role, login_delay_s, may, needs_confirmation


def test_only_pharmacists_may_perform_pharmacist_acts() -> None:
    allowed = {role for role in Role if may(role, Permission.PHARMACIST_ACT)}

    assert allowed == {Role.TITULAIRE, Role.ADJOINT}


def test_the_technical_administrator_sees_no_health_data() -> None:
    assert not may(Role.ADMIN, Permission.READ_PATIENTS)
    assert may(Role.ADMIN, Permission.MANAGE_OPERATORS)


def test_counter_staff_may_read_patients_but_not_the_audit_trail() -> None:
    for role in (Role.PREPARATEUR, Role.ETUDIANT):
        assert may(role, Permission.READ_PATIENTS)
        assert not may(role, Permission.READ_AUDIT)


def test_login_waits_nothing_for_the_first_failures_then_doubles() -> None:
    delays = [login_delay_s(failures, free_failures=3) for failures in range(7)]

    assert delays == [0, 0, 0, 2, 4, 8, 16]


def test_login_wait_is_capped_at_five_minutes() -> None:
    assert login_delay_s(40, free_failures=3) == 300


def test_an_account_that_sees_health_data_waits_for_a_titulaire_when_the_administrator_makes_it() -> None:
    assert {role for role in Role if needs_confirmation(Role.ADMIN, role)} == {
        Role.TITULAIRE, Role.ADJOINT, Role.PREPARATEUR, Role.ETUDIANT, Role.PRESCRIPTEUR}
    assert not any(needs_confirmation(Role.TITULAIRE, role) for role in Role)


def test_the_prescriber_reads_no_pharmacy_record() -> None:
    assert not may(Role.PRESCRIPTEUR, Permission.READ_PATIENTS)
    assert not may(Role.PRESCRIPTEUR, Permission.WRITE_PATIENTS)
    assert may(Role.PRESCRIPTEUR, Permission.PRESCRIBE)

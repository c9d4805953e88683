"""The errors of comptoir, one small tree.

    ComptoirError
     ├── NotFound                 the thing asked for does not exist        -> 404
     ├── RuleViolation            the act breaks a rule of the trade        -> 422
     │    ├── FieldErrors         typed fields refused, {field: message}    -> 422
     │    │    (services/dispensing adds Blocked, a validation refused with its reasons, and
     │    │     Ambiguous, a name with several products and its candidates)
     │    └── ReferenceFileError  a reference file is truncated or corrupt  -> 422
     ├── PermissionDenied         the operator's role does not allow it     -> 403
     ├── AuthenticationFailed     unknown operator or wrong password        -> 401
     │    └── TooManyAttempts     repeated failures: wait before retrying   -> 429
     ├── Conflict                 someone else did it first                 -> 409
     ├── ExternalServiceError     a national service failed (permanent?)    -> 502
     ├── Busy                     every slot of a costly job is taken: retry -> 503
     └── ConfigurationError       the settings cannot work                  -> 500

Each message is French and meant for the person at the counter. Entry points
(API, pages, CLI) map these in one place; nothing else catches `Exception`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


class ComptoirError(Exception):
    """Base of every error comptoir raises on purpose."""


class NotFound(ComptoirError):
    pass


class RuleViolation(ComptoirError):
    pass


class FieldErrors(RuleViolation):
    """What was typed in a form cannot be kept: one French message per field ({field: message}).

    Raised before anything changes; a page shows each message beside its field (web/forms.py), the API
    answers them as field errors."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))

    @property
    def fields(self) -> dict[str, str]:
        return self.errors

    def details(self) -> dict[str, object]:
        """What an API answer carries beside the fields' list: {field: message} (subclasses add their own)."""
        return {"errors": self.errors}

    @classmethod
    def gather(cls, checks: Mapping[str, Callable[[], object]]) -> None:
        """Run each field's check; raise once, naming every field whose check broke a rule."""
        errors = field_refusals(checks)
        if errors:
            raise cls(errors)


def field_refusals(checks: Mapping[str, Callable[[], object]]) -> dict[str, str]:
    """{field: message} of the checks that broke a rule (a `RuleViolation`); every check runs."""
    errors: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
        except RuleViolation as refused:
            errors[name] = str(refused)
    return errors


class ReferenceFileError(RuleViolation):
    """A reference file that cannot be read: names the file and the line."""

    def __init__(self, file_name: str, line: int, problem: str) -> None:
        self.file_name = file_name
        self.line = line
        self.problem = problem
        where = f"{file_name}, ligne {line}" if line else file_name
        super().__init__(f"{where} : {problem}")


class PermissionDenied(ComptoirError):
    pass


class AuthenticationFailed(ComptoirError):
    pass


class TooManyAttempts(AuthenticationFailed):
    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(f"Trop de tentatives échouées : réessayez dans {retry_after_s} s.")


class Conflict(ComptoirError):
    pass


class ExternalServiceError(ComptoirError):
    def __init__(self, message: str, *, permanent: bool) -> None:
        self.permanent = permanent
        super().__init__(message)


class Busy(ComptoirError):
    """The server does at most so many costly jobs at once (OCR): the next one waits a little, then is told."""


class ConfigurationError(ComptoirError):
    pass

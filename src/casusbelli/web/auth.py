"""Who is asking: the local user or a team-server account, and the CSRF token of the request.

Local mode (no ``--team``): one implicit user, ``role`` admin, who edits the workspace's own
ratings (analyst ``"default"``). Team mode: a session cookie names an account in the store.

Every browser gets an anonymous cookie (``casus_anon``) on its first request; before login its
CSRF token is an HMAC of that cookie under the app's secret, after login the token stored with
the session. Every POST must send the token in the ``X-CSRF-Token`` header (htmx does, through
``hx-headers`` on ``<body>``) or in a ``csrf_token`` form field.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
from dataclasses import dataclass

from casusbelli.errors import AuthRequiredError, CsrfError
from casusbelli.store.webstate import (
    DEFAULT_ANALYST,
    AccessDeniedError,
    User,
    same_token,
)

__all__ = [
    "ANON_COOKIE",
    "SESSION_COOKIE",
    "AuthRequiredError",
    "CsrfError",
    "Principal",
    "anonymous_csrf",
    "check_csrf",
    "local_principal",
]

SESSION_COOKIE = "casus_session"
ANON_COOKIE = "casus_anon"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Principal:
    """The user behind a request, the CSRF token they must send back, and their ACH column."""

    user: User
    csrf_token: str
    team: bool
    session_token: str = ""

    @property
    def analyst(self) -> str:
        """The analyst column this user edits (local mode: the workspace's own ratings)."""
        return self.user.name if self.team else DEFAULT_ANALYST

    def can_write(self) -> bool:
        """Analysts and admins write; viewers read."""
        return self.user.can("analyst")

    def check_edit(self, field: str, analyst: str) -> None:
        """Raise :class:`AccessDeniedError` unless this user may make this ACH edit."""
        if not self.can_write():
            raise AccessDeniedError(f"{self.user.name} is a {self.user.role}: viewers cannot edit",
                                    hint="ask an admin for the analyst role")
        if field == "rating" and analyst != self.analyst and not self.user.can("admin"):
            raise AccessDeniedError(
                f"{self.user.name} may edit only their own ratings, not {analyst!r}'s")


def local_principal(csrf_token: str) -> Principal:
    """The single user of the local app (named after the operating-system account)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "local"
    return Principal(User(name, "admin"), csrf_token, team=False)


def anonymous_csrf(secret: bytes, anon_id: str) -> str:
    """The CSRF token of a browser that has not signed in."""
    return hmac.new(secret, anon_id.encode(), hashlib.sha256).hexdigest()


def check_csrf(expected: str, sent: str | None) -> None:
    """Raise :class:`CsrfError` unless ``sent`` is the expected token."""
    if not sent or not expected or not same_token(expected, sent):
        raise CsrfError("missing or wrong CSRF token: reload the page and try again",
                        field="csrf_token")

"""Which host names the app answers to, which origins may write, which proxies are believed.

Three checks against requests that do not come from where the app thinks they do:

- **Host** (against DNS rebinding): Starlette's ``TrustedHostMiddleware`` answers 400 unless
  the ``Host`` header names one of the allowed hosts (``casus serve --allowed-host``; by default
  the bound address and the loopback names). A page on ``attacker.example`` whose name was
  rebound to 127.0.0.1 sends ``Host: attacker.example`` and gets nothing, not even a token.
- **Origin** (on POST, PUT, PATCH and DELETE): when the browser sends ``Origin`` (or, without
  it, ``Referer``), its host must be allowed too; ``Origin: null`` never is.
- **Client address**: the login rate limit counts per socket peer address. ``X-Forwarded-For``
  is believed only from the proxies named by ``--forwarded-allow-ips`` (uvicorn's
  ``ProxyHeadersMiddleware``); ``casus serve`` turns off uvicorn's own default, which trusts
  127.0.0.1 and so let anyone on the machine, or any local proxy, choose their address.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from starlette.middleware.trustedhost import TrustedHostMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from casusbelli.web.auth import CsrfError

__all__ = [
    "LOCAL_HOSTS",
    "UNSAFE_METHODS",
    "allowed_hosts",
    "check_origin",
    "host_allowed",
    "install_host_checks",
]

#: The loopback names every app answers to.
LOCAL_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
#: Methods that change state, so their origin is checked.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_ANY_ADDRESS = ("0.0.0.0", "::", "")


def _bare(host: str) -> str:
    """Lower case, without the brackets of an IPv6 literal."""
    host = host.strip().lower()
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def allowed_hosts(bound: str | None = None, extra: Iterable[str] = ()) -> list[str]:
    """The host names a server bound to ``bound`` answers to: loopback, ``bound``, ``extra``.

    >>> allowed_hosts("192.168.1.5", ["casus.example.org"])
    ['localhost', '127.0.0.1', '::1', '192.168.1.5', 'casus.example.org']
    """
    out: list[str] = []
    for host in (*LOCAL_HOSTS, bound or "", *extra):
        h = _bare(host)
        if h and h not in _ANY_ADDRESS and h not in out:
            out.append(h)
    return out


def host_allowed(host: str | None, patterns: Sequence[str]) -> bool:
    """Whether ``host`` (no port) matches an allowed name, ``*.example.org`` or ``*``."""
    if not host:
        return False
    h = _bare(host)
    for pattern in patterns:
        p = _bare(pattern)
        if p == "*" or h == p or (p.startswith("*.") and h.endswith(p[1:])):
            return True
    return False


def _starlette_patterns(patterns: Sequence[str]) -> list[str]:
    # Starlette keeps the brackets of an IPv6 Host ("[::1]:8000" -> "[::1]")
    return [f"[{p}]" if ":" in _bare(p) else _bare(p) for p in patterns]


async def check_origin(request: Request) -> None:
    """Refuse a state-changing request whose ``Origin`` (or ``Referer``) is not an allowed host.

    Requests without either header (curl, scripts, the test client) pass: they are not sent by a
    browser on behalf of another site, and still need their CSRF token.
    """
    if request.method not in UNSAFE_METHODS:
        return
    patterns: Sequence[str] = request.app.state.casus.settings.allowed_hosts
    origin = request.headers.get("origin")
    field = "Origin"
    if origin is None:
        origin = request.headers.get("referer")
        field = "Referer"
        if origin is None:
            return
    try:
        host = urlsplit(origin).hostname if origin != "null" else None
    except ValueError:
        host = None
    if not host_allowed(host, patterns):
        raise CsrfError(
            f"request from a foreign origin refused ({field}: {origin[:100]!r})",
            field=field,
            hint="open the app under one of its allowed host names (casus serve --allowed-host)",
        )


def install_host_checks(app: FastAPI, settings: Any) -> None:
    """Add the Host check and, when proxies are trusted, the ``X-Forwarded-For`` handling."""
    app.add_middleware(TrustedHostMiddleware,
                       allowed_hosts=_starlette_patterns(settings.allowed_hosts),
                       www_redirect=False)
    if settings.forwarded_allow_ips:
        # added last, so outermost: the client address is settled before anything else runs
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)

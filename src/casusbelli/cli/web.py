"""Web commands: ``casus serve``, ``casus user add|list`` and ``casus ach-export``."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from casusbelli.cli import (
    HELP_MARKUP,
    DbOpt,
    JsonOpt,
    WsArg,
    WsOpt,
    app,
    console,
    echo_json,
    err_console,
    workspace_path,
)
from casusbelli.errors import CasusError

user_app = typer.Typer(help="Team-server accounts (stored in the workspace's store).",
                       no_args_is_help=True, rich_markup_mode=HELP_MARKUP)
app.add_typer(user_app, name="user")

def _store_url(ws: str | None, db: str | None) -> str:
    from casusbelli.config import default_store_url

    return db or default_store_url(workspace_path(ws))


def _workspace_name(ws: str | None) -> str:
    """The ``name`` in the workspace's ``casus.toml`` (``""`` when it cannot be read).

    Only labels the audit-log row of ``casus user add``: accounts are shared by the workspaces
    of a store, so the command must not fail on a workspace that does not load.
    """
    import tomllib

    try:
        doc = tomllib.loads((workspace_path(ws) / "casus.toml").read_text(encoding="utf-8"))
        name = doc.get("workspace", {}).get("name", "")
    except (CasusError, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return ""
    return name if isinstance(name, str) else ""


@app.command()
def serve(
    ws: WsArg = None,
    workspace_opt: WsOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOpt = None,
    team: Annotated[bool, typer.Option("--team", help="Team server: accounts, roles, sessions "
                                       "(add accounts with `casus user add`).")] = False,
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help="Mark cookies Secure "
                                                 "(when served behind HTTPS).")] = False,
    sections: Annotated[str | None, typer.Option(help="Only these analysis sections, "
                                                 "comma-separated (e.g. within,discourse); "
                                                 "default: all.")] = None,
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", help="A host name clients use to reach the server (repeatable; "
        "*.example.org for subdomains). Other Host headers get 400, writes from other origins "
        "403. Always allowed: --host, localhost, 127.0.0.1, ::1.")] = None,
    forwarded_allow_ips: Annotated[str | None, typer.Option(
        "--forwarded-allow-ips", help="Comma-separated addresses or networks of reverse proxies "
        "whose X-Forwarded-For names the client (default: none; the socket's peer address is "
        "the client, as the login rate limit counts it).")] = None,
) -> None:
    """Serve the web app (pages, ACH editor, JSON API at /api/v1, docs at /api/docs)."""
    import uvicorn

    from casusbelli.web import WebSettings, create_app
    from casusbelli.web.app import server_config
    from casusbelli.web.hosts import allowed_hosts

    hosts = allowed_hosts(host, allowed_host or [])
    proxies = [x.strip() for x in (forwarded_allow_ips or "").split(",") if x.strip()]
    err_console.print("Loading, building and analysing the workspace...", highlight=False)
    only = [x.strip() for x in sections.split(",") if x.strip()] if sections else None
    root = str(workspace_path(ws, workspace_opt))
    application = create_app(WebSettings(workspace=root, db=db, team=team, sections=only,
                                         secure_cookies=secure_cookies,
                                         allowed_hosts=hosts, forwarded_allow_ips=proxies))
    if team:
        from casusbelli.store.webstate import list_users

        if not list_users(application.state.casus.store):
            err_console.print("[yellow]No accounts yet:[/] add one with "
                              "`casus user add NAME --role admin`", highlight=False)
    if host not in ("127.0.0.1", "localhost", "::1") and not team:
        err_console.print("[yellow]Warning:[/] serving beyond this machine without --team: "
                          "anyone who can reach it can edit.", highlight=False)
    if host in ("0.0.0.0", "::") and not allowed_host:
        err_console.print("[yellow]Warning:[/] only localhost names are accepted in the Host "
                          "header; add --allowed-host NAME for each name clients use.",
                          highlight=False)
    console.print(f"casusbelli on http://{host}:{port}/  (Ctrl+C stops)", highlight=False)
    uvicorn.Server(server_config(application, host, port)).run()


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Account name (also the analyst's name).")],
    role: Annotated[str, typer.Option(help="viewer, analyst or admin.")] = "analyst",
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help="Read the password from stdin.")] = False,
    ws: WsOpt = None,
    db: DbOpt = None,
) -> None:
    """Add an account (or reset its password and role); the password is hashed with argon2."""
    from casusbelli.store.db import Store
    from casusbelli.store.webstate import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    store = Store(_store_url(ws, db))
    store.migrate()
    user = add_user(store, name, password, role, workspace=_workspace_name(ws))
    store.dispose()
    console.print(f"user {user.name} ({user.role}) saved in {store.display_url}", highlight=False)


@user_app.command("list")
def user_list(ws: WsOpt = None, db: DbOpt = None, json_: JsonOpt = False) -> None:
    """List the accounts."""
    from casusbelli.store.db import open_store
    from casusbelli.store.webstate import list_users

    users = list_users(open_store(_store_url(ws, db)))
    if json_:
        echo_json([{"name": u.name, "role": u.role, "created_at": u.created_at} for u in users])
        return
    from rich.table import Table

    t = Table(title=f"{len(users)} accounts")
    for col in ("name", "role", "created"):
        t.add_column(col)
    for u in users:
        t.add_row(u.name, u.role, u.created_at)
    console.print(t)


@app.command("ach-export")
def ach_export(
    case: Annotated[str, typer.Argument(help="Case id with an evidence file.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write here (default: stdout). May be the workspace's own file.")
    ] = None,
    ws: WsOpt = None,
    db: DbOpt = None,
) -> None:
    """Write evidence/<CASE>.yaml with the web app's ACH edits applied (comments kept)."""
    from casusbelli.analysis.measured import load_workspace
    from casusbelli.store.db import open_store
    from casusbelli.store.webstate import export_evidence

    workspace = load_workspace(workspace_path(ws))
    text = export_evidence(workspace, open_store(_store_url(ws, db)), case)
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {output}", highlight=False)

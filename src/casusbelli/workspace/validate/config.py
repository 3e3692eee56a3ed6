"""``casus.toml``: the workspace's settings, and the theory and outcome ids it names."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from pydantic import ValidationError

from casusbelli.errors import Problem
from casusbelli.workspace.models import WorkspaceConfig
from casusbelli.workspace.validate.collect import Collector, dotted, friendly
from casusbelli.workspace.validate.parsed import Parsed
from casusbelli.workspace.yamlio import MAX_FILE_BYTES, _FileProblem, read_text

__all__ = ["check_config", "load_config"]

_FILE = "casus.toml"


def load_config(ws: Parsed) -> WorkspaceConfig | None:
    """Read and validate ``casus.toml``; ``None`` (with the problems recorded) when it fails."""
    col = ws.col
    p = ws.root / _FILE
    if not p.exists():
        col.add(Problem("missing file: casus.toml (run `casus init` to make one)", _FILE))
        return None
    ws.files.append(p)
    try:
        text = read_text(p, _FILE, max_bytes=MAX_FILE_BYTES, root=ws.root)
    except _FileProblem as fp:
        col.add(fp.problem, "file")
        return None
    if not text.strip():
        col.add(Problem("file is empty", _FILE, 1, 1))
        return None
    data = _parse_toml(text, col)
    if data is None:
        return None
    section = data.get("workspace", data)
    if not isinstance(section, dict):
        col.add(Problem("expected a [workspace] table", _FILE, None, None, "workspace"))
        return None
    extra = {k: v for k, v in data.items() if k not in ("workspace", "prior")}
    if "workspace" in data:
        merged = dict(section)
        if "prior" in data:
            merged["prior"] = data["prior"]
        for k, v in extra.items():
            merged[k] = v
    else:
        merged = section
    try:
        return WorkspaceConfig.model_validate(merged)
    except ValidationError as exc:
        _report_schema(exc, text, col)
        return None


def _parse_toml(text: str, col: Collector) -> dict[str, Any] | None:
    """The TOML document, or ``None`` with the located syntax error recorded."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        line = column = None
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if m:
            line, column = int(m.group(1)), int(m.group(2))
            msg = msg[: m.start()].strip()
        col.add(Problem(f"invalid TOML: {msg}", _FILE, line, column))
    except RecursionError:
        col.add(Problem("invalid TOML: nested too deeply", _FILE))
    except ValueError as exc:  # e.g. an integer with more than 4,300 digits
        digits = re.search(r"[0-9_]{100,}", text)
        line = text.count("\n", 0, digits.start()) + 1 if digits else None
        col.add(Problem(f"invalid TOML: {' '.join(str(exc).split())[:200]}", _FILE, line))
    return None


def _report_schema(exc: ValidationError, text: str, col: Collector) -> None:
    """Each pydantic error of the settings, on the line that sets the key."""
    lines = text.splitlines()
    for err in exc.errors():
        key = str(err["loc"][0]) if err["loc"] else None
        line = None
        if key:
            for n, ln in enumerate(lines, 1):
                if ln.strip().startswith(key) and "=" in ln:
                    line = n
                    break
        col.add(
            Problem(
                friendly(dict(err), WorkspaceConfig),
                _FILE,
                line,
                1 if line else None,
                dotted(err["loc"]) or None,
            )
        )


def check_config(ws: Parsed) -> None:
    """The theories, prior and outcome that ``casus.toml`` names exist."""
    config, col = ws.config, ws.col
    if config is None:
        return
    for t in config.theories:
        if t not in ws.theories:
            col.add(Problem(f"unknown theory id {t!r}", _FILE, None, None, "theories"), "unknown")
    for t in config.prior or {}:
        if t not in ws.theories:
            col.add(Problem(f"unknown theory id {t!r}", _FILE, None, None, "prior"), "unknown")
    if ws.indicators and config.outcome not in ws.indicators:
        col.add(
            Problem(
                f"outcome indicator {config.outcome!r} is not in indicators.yaml",
                _FILE,
                None,
                None,
                "outcome",
            ),
            "unknown",
        )

"""Read an ACH matrix from CSV (see :mod:`casusbelli.analysis.matrix` for the format).
"""

from __future__ import annotations

import csv
import io

from casusbelli.analysis.matrix_common import (
    _LEVEL_HELP,
    _LIKELIHOOD_PREFIX,
    _RATING_HELP,
    _RESERVED,
    _build,
    _Item,
    _level,
    _likelihood,
    _merge_level,
    _merge_likelihoods,
    _merge_text,
    _Problems,
    _rating,
)
from casusbelli.errors import (
    DuplicateIdError,
    SourceError,
    UnknownIdError,
)
from casusbelli.within.ach import AchMatrix

__all__: list[str] = []  # private helpers of casusbelli.analysis.matrix


# --------------------------------------------------------------------------- CSV


def _load_csv(text: str, rel: str) -> AchMatrix:
    """Read the CSV text of ``rel``: check the header, then merge each row into its item."""
    rows = _csv_rows(text, rel)
    problems = _Problems(rel)
    header_line, header = rows[0]
    cols = [c.strip() for c in header]
    hyps, lk_cols = _csv_header(header_line, cols, problems)
    problems.raise_if_any()

    col = {c.lower(): k for k, c in enumerate(cols) if c}
    h_cols = {h: cols.index(h) for h in hyps}
    items: dict[str, _Item] = {}
    analysts: list[str] = []
    where: dict[tuple[str, str], int] = {}
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(cols):
            problems.add(f"expected {len(cols)} fields, got {len(row)}", line, "row")
            continue
        iid = row[col["id"]].strip()
        if not iid:
            problems.add("empty item id", line, "id")
            continue
        analyst = row[col["analyst"]].strip() if "analyst" in col else "default"
        if not analyst:
            problems.add("empty analyst name", line, "analyst")
            continue
        if (analyst, iid) in where:
            who = f" by analyst {analyst!r}" if "analyst" in col else ""
            problems.add(
                f"duplicate item id {iid!r}{who} (first on line {where[(analyst, iid)]})",
                line,
                "id",
                DuplicateIdError,
            )
            continue
        where[(analyst, iid)] = line
        if analyst not in analysts:
            analysts.append(analyst)
        item = items.get(iid)
        if item is None:
            item = items[iid] = _Item(iid, line)
        _csv_row(item, analyst, row, line, col, h_cols, lk_cols, problems)
    return _build(
        rel,
        hyps,
        analysts if "analyst" in col else [],
        list(items.values()),
        problems,
        bool(lk_cols),
    )


def _csv_rows(text: str, rel: str) -> list[tuple[int, list[str]]]:
    """The CSV's rows, each with the line it starts on; a located error for a malformed file."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise SourceError("file is empty", file=rel, line=1)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    prev = 0
    try:
        for row in reader:
            rows.append((prev + 1, row))
            prev = reader.line_num
    except csv.Error as exc:
        raise SourceError(
            f"malformed CSV: {exc}",
            file=rel,
            line=prev + 1,
            hint="a quoted field may be left open (truncated file?)",
        ) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceError("malformed CSV: NUL byte in file", file=rel, line=line)
    return rows


def _csv_header(
    header_line: int, cols: list[str], problems: _Problems
) -> tuple[list[str], dict[str, int]]:
    """Check the header; the hypothesis columns and the ``likelihood:<hyp>`` column indices."""
    seen: dict[str, int] = {}
    for k, c in enumerate(cols):
        if c == "":
            problems.add(f"column {k + 1} has an empty name", header_line, "header")
        elif c.lower() in seen:
            problems.add(f"duplicate column {c!r}", header_line, c, DuplicateIdError)
        seen.setdefault(c.lower(), k)
    for req in ("id", "evidence"):
        if req not in seen:
            problems.add(
                f"missing column {req!r}; the header must read "
                "id,evidence,credibility,relevance,<hypothesis>,...",
                header_line,
                req,
            )
    hyps = [
        c for c in cols if c and c.lower() not in _RESERVED and not c.startswith(_LIKELIHOOD_PREFIX)
    ]
    lk_cols = {
        c[len(_LIKELIHOOD_PREFIX) :].strip(): k
        for k, c in enumerate(cols)
        if c.startswith(_LIKELIHOOD_PREFIX)
    }
    for h in lk_cols:
        if h not in hyps:
            problems.add(
                f"likelihood column for unknown hypothesis {h!r}; hypotheses are {', '.join(hyps)}",
                header_line,
                f"{_LIKELIHOOD_PREFIX}{h}",
                UnknownIdError,
            )
    if not hyps:
        problems.add(
            "no hypothesis columns after id,evidence,credibility,relevance", header_line, "header"
        )
    return hyps, lk_cols


def _csv_row(
    item: _Item,
    analyst: str,
    row: list[str],
    line: int,
    col: dict[str, int],
    h_cols: dict[str, int],
    lk_cols: dict[str, int],
    problems: _Problems,
) -> None:
    """Merge one row's evidence text, levels, ratings and likelihoods into ``item``."""
    _merge_text(item, "evidence", row[col["evidence"]], line, problems)
    for name in ("credibility", "relevance"):
        if name in col:
            raw = row[col[name]]
            lv = _level(raw)
            if lv is None:
                problems.add(f"unknown {name} {raw!r}; {_LEVEL_HELP}", line, name)
            elif raw.strip():
                _merge_level(item, name, lv, line, problems)
    ratings: dict[str, int] = {}
    for h, k in h_cols.items():
        code = _rating(row[k])
        if code is None:
            problems.add(f"unknown rating {row[k]!r}; {_RATING_HELP}", line, h)
        else:
            ratings[h] = code
    item.ratings[analyst] = ratings
    if lk_cols:
        lks: dict[str, float] = {}
        for h, k in lk_cols.items():
            raw = row[k]
            if raw.strip() == "":
                continue  # a missing value is reported once, by _build
            x, why = _likelihood(raw)
            if why:
                problems.add(why, line, f"{_LIKELIHOOD_PREFIX}{h}")
            elif x is not None:
                lks[h] = x
        _merge_likelihoods(item, lks, line, problems)

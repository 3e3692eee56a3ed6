"""Read an analyst's own ACH matrix from a CSV or YAML file into the engine's :class:`AchMatrix`.

CSV: a header ``id,evidence,credibility,relevance,<hyp1>,<hyp2>,...`` and one row per item.
``credibility`` and ``relevance`` may be left empty (medium) or the columns left out. Optional
columns: ``analyst`` (several analysts, one row per analyst and item) and ``likelihood:<hyp>``
(P(E | hyp) in (0, 1] for Bayesian process tracing; all of them or none). A blank rating cell is
NA. Every other column is a hypothesis.

YAML::

    hypotheses: [opportunism, insecurity]      # optional; else taken from the first item
    analysts: [alice, bob]                     # optional
    items:
      - id: e1
        evidence: "Troops moved before the vote"
        credibility: high                      # low | medium | high (default medium)
        relevance: medium
        ratings: {opportunism: C, insecurity: I}
        # several analysts: ratings: {alice: {opportunism: C, ...}, bob: {...}}
        likelihoods: {opportunism: 0.7, insecurity: 0.2}   # optional

Every error names the file, the line (the CSV row's first line; the YAML node's line) and the
field. Evidence text is kept verbatim (HTML included); escaping is the renderer's job.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from casusbelli.errors import (
    DuplicateIdError,
    FileProblemError,
    Problem,
    SchemaError,
    SourceError,
    UnknownIdError,
    WorkspaceError,
)
from casusbelli.within.ach import CODES, LEVELS, NA_CODE, AchMatrix
from casusbelli.workspace.yamlio import Marks, read_text, read_yaml

__all__ = ["MAX_MATRIX_BYTES", "load_matrix"]

#: Largest matrix file read, in bytes (20 MiB); a larger file is refused before it is read.
MAX_MATRIX_BYTES = 20 * 1024 * 1024
_MAX_PROBLEMS = 50
_LIKELIHOOD_PREFIX = "likelihood:"
_RESERVED = ("id", "evidence", "credibility", "relevance", "analyst")


def load_matrix(path: str | Path, *, max_bytes: int = MAX_MATRIX_BYTES) -> AchMatrix:
    """Read an ACH matrix from ``path`` (``.csv``, ``.yaml`` or ``.yml``).

    Parameters
    ----------
    path
        The file.
    max_bytes
        Refuse larger files (default :data:`MAX_MATRIX_BYTES`).

    Returns
    -------
    AchMatrix

    Raises
    ------
    SourceError
        The file cannot be read: missing, too large, not UTF-8, malformed or truncated CSV/YAML,
        unsupported extension.
    SchemaError, UnknownIdError, DuplicateIdError
        The content is wrong: unknown rating symbol or level, a rating for an unknown
        hypothesis or analyst, a missing column, a duplicate item id, a likelihood outside
        (0, 1]. ``problems`` lists every problem found (up to 50).
    """
    p = Path(path)
    rel = str(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".yaml", ".yml"):
        raise SourceError(
            f"unsupported matrix format {suffix or '(no extension)'!r}; use .csv, .yaml or .yml",
            file=rel,
        )
    try:
        if suffix == ".csv":
            text = read_text(p, rel, max_bytes=max_bytes)
            return _load_csv(text, rel)
        doc = read_yaml(p, rel, max_bytes=max_bytes)
        return _load_yaml(doc.data, doc.marks, rel)
    except FileProblemError as exc:
        pr = exc.problem
        raise SourceError(pr.message, file=pr.file, line=pr.line, column=pr.column) from exc


# --------------------------------------------------------------------------- collection


@dataclass
class _Problems:
    rel: str
    items: list[tuple[type[WorkspaceError], Problem]] = field(default_factory=list)

    def add(
        self,
        message: str,
        line: int | None,
        fld: str | None,
        cls: type[WorkspaceError] = SchemaError,
        column: int | None = None,
    ) -> None:
        if len(self.items) < _MAX_PROBLEMS:
            self.items.append((cls, Problem(message, self.rel, line, column, fld)))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        cls, first = self.items[0]
        raise cls(
            first.message,
            problems=[p for _, p in self.items],
            file=first.file,
            line=first.line,
            column=first.column,
            field=first.field,
        )


def _rating(value: Any) -> int | None:
    if value is None:
        return NA_CODE
    if isinstance(value, bool) or not isinstance(value, str):
        return None
    key = value.strip().upper()
    if key == "":
        return NA_CODE
    if key == "N/A":
        key = "NA"
    return CODES.get(key)


def _level(value: Any) -> str | None:
    if value is None:
        return "medium"
    if not isinstance(value, str):
        return None
    key = value.strip().lower()
    if key == "":
        return "medium"
    return key if key in LEVELS else None


def _likelihood(value: Any) -> tuple[float | None, str | None]:
    """Return (value, None) or (None, reason)."""
    if isinstance(value, bool):
        return None, f"expected a number in (0, 1], got {value!r}"
    if isinstance(value, int | float):
        x = float(value)
    elif isinstance(value, str):
        try:
            x = float(value.strip())
        except ValueError:
            return None, f"expected a number in (0, 1], got {value!r}"
    else:
        return None, f"expected a number in (0, 1], got {value!r}"
    if not math.isfinite(x) or not (0.0 < x <= 1.0):
        return None, f"likelihood {value!r} is outside (0, 1]"
    return x, None


_RATING_HELP = f"expected one of {', '.join(CODES)}"
_LEVEL_HELP = f"expected one of {', '.join(LEVELS)} (or empty for medium)"


@dataclass
class _Item:
    id: str
    line: int | None
    evidence: str = ""
    credibility: str = "medium"
    relevance: str = "medium"
    likelihoods: dict[str, float] | None = None
    ratings: dict[str, dict[str, int]] = field(default_factory=dict)  # analyst -> hyp -> code


def _build(
    rel: str,
    hyps: list[str],
    analysts: list[str],
    items: list[_Item],
    problems: _Problems,
    need_likelihoods: bool,
) -> AchMatrix:
    if not items:
        problems.add("the matrix has no items", 1, "items")
    if not hyps:
        problems.add("the matrix has no hypotheses", 1, "hypotheses")
    if need_likelihoods:
        for it in items:
            missing = [h for h in hyps if not it.likelihoods or h not in it.likelihoods]
            if missing:
                problems.add(
                    f"item {it.id!r} lacks likelihoods for {', '.join(missing)} "
                    "(give likelihoods for every item and hypothesis, or none)",
                    it.line,
                    "likelihoods",
                )
    problems.raise_if_any()
    if not analysts:
        analysts = ["default"]
    r = np.full((len(analysts), len(items), len(hyps)), NA_CODE, dtype=np.int8)
    a_idx = {a: k for k, a in enumerate(analysts)}
    h_idx = {h: j for j, h in enumerate(hyps)}
    for i, it in enumerate(items):
        for a, row in it.ratings.items():
            for h, code in row.items():
                r[a_idx[a], i, h_idx[h]] = code
    lk = None
    if need_likelihoods:
        lk = np.array([[it.likelihoods[h] for h in hyps] for it in items if it.likelihoods])
    return AchMatrix(
        hypotheses=tuple(hyps),
        item_ids=tuple(it.id for it in items),
        ratings=r,
        evidence=tuple(it.evidence for it in items),
        analysts=tuple(analysts),
        credibility=tuple(it.credibility for it in items),
        relevance=tuple(it.relevance for it in items),
        likelihoods=lk,
        source=rel,
    )


# --------------------------------------------------------------------------- CSV


def _load_csv(text: str, rel: str) -> AchMatrix:
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise SourceError("file is empty", file=rel, line=1)
    problems = _Problems(rel)
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
    header_line, header = rows[0]
    cols = [c.strip() for c in header]
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
    return _build(
        rel,
        hyps,
        analysts if "analyst" in col else [],
        list(items.values()),
        problems,
        bool(lk_cols),
    )


def _merge_text(item: _Item, name: str, raw: str, line: int, problems: _Problems) -> None:
    if raw == "":
        return
    if item.evidence and item.evidence != raw:
        problems.add(
            f"item {item.id!r} has a different {name} text than on line {item.line}", line, name
        )
    elif not item.evidence:
        item.evidence = raw


def _merge_level(item: _Item, name: str, lv: str, line: int, problems: _Problems) -> None:
    current = getattr(item, name)
    marker = f"_{name}_set"
    if getattr(item, marker, False) and current != lv:
        problems.add(
            f"item {item.id!r} has {name} {lv!r} here but {current!r} on line {item.line}",
            line,
            name,
        )
        return
    setattr(item, name, lv)
    setattr(item, marker, True)


def _merge_likelihoods(item: _Item, lks: dict[str, float], line: int, problems: _Problems) -> None:
    if not lks:
        return
    if item.likelihoods is None:
        item.likelihoods = lks
        return
    for h, x in lks.items():
        if h in item.likelihoods and item.likelihoods[h] != x:
            problems.add(
                f"item {item.id!r} has likelihood {x} for {h!r} here but "
                f"{item.likelihoods[h]} on line {item.line}",
                line,
                f"{_LIKELIHOOD_PREFIX}{h}",
            )


# --------------------------------------------------------------------------- YAML


def _load_yaml(data: Any, marks: Marks, rel: str) -> AchMatrix:
    problems = _Problems(rel)

    def at(*loc: str | int) -> int | None:
        return marks.locate(loc)[0]

    if not isinstance(data, dict):
        raise SchemaError(
            f"expected a mapping with an 'items' list, got {type(data).__name__}",
            file=rel,
            line=1,
            field="items",
        )
    unknown_top = [
        k for k in data if k not in ("hypotheses", "analysts", "items", "title", "question")
    ]
    for k in unknown_top:
        problems.add(
            f"unknown key {k!r}; allowed: hypotheses, analysts, items, title, question", at(k), k
        )
    items_raw = data.get("items")
    if not isinstance(items_raw, list):
        problems.add("expected a list of items under 'items'", at("items") or 1, "items")
        problems.raise_if_any()
        return _build(rel, [], [], [], problems, False)  # pragma: no cover - raised above

    hyps: list[str] = []
    hyps_declared = "hypotheses" in data
    if hyps_declared:
        hv = data["hypotheses"]
        if not isinstance(hv, list) or not all(isinstance(h, str) and h.strip() for h in hv):
            problems.add("expected a list of hypothesis names", at("hypotheses"), "hypotheses")
        else:
            for k, h in enumerate(hv):
                if h in hyps:
                    problems.add(
                        f"duplicate hypothesis {h!r}",
                        at("hypotheses", k),
                        f"hypotheses[{k}]",
                        DuplicateIdError,
                    )
                else:
                    hyps.append(h)
    analysts: list[str] = []
    analysts_declared = "analysts" in data
    if analysts_declared:
        av = data["analysts"]
        if not isinstance(av, list) or not all(isinstance(a, str) and a.strip() for a in av):
            problems.add("expected a list of analyst names", at("analysts"), "analysts")
        else:
            for k, a in enumerate(av):
                if a in analysts:
                    problems.add(
                        f"duplicate analyst {a!r}",
                        at("analysts", k),
                        f"analysts[{k}]",
                        DuplicateIdError,
                    )
                else:
                    analysts.append(a)

    items: dict[str, _Item] = {}
    multi: bool | None = None
    any_lk = any(isinstance(it, dict) and "likelihoods" in it for it in items_raw)
    for n, raw in enumerate(items_raw):
        base = f"items[{n}]"
        if not isinstance(raw, dict):
            problems.add(f"expected a mapping, got {type(raw).__name__}", at("items", n), base)
            continue
        for k in raw:
            if k not in (
                "id",
                "evidence",
                "credibility",
                "relevance",
                "ratings",
                "likelihoods",
                "source",
                "note",
            ):
                problems.add(
                    f"unknown key {k!r}; allowed: id, evidence, credibility, relevance, ratings, "
                    "likelihoods, source, note",
                    at("items", n, k),
                    f"{base}.{k}",
                )
        rid = raw.get("id")
        if isinstance(rid, bool) or not isinstance(rid, str | int) or str(rid).strip() == "":
            problems.add(
                f"missing or invalid id {rid!r}",
                at("items", n, "id") or at("items", n),
                f"{base}.id",
            )
            continue
        iid = str(rid).strip()
        line = at("items", n)
        if iid in items:
            problems.add(
                f"duplicate item id {iid!r} (first on line {items[iid].line})",
                at("items", n, "id"),
                f"{base}.id",
                DuplicateIdError,
            )
            continue
        item = items[iid] = _Item(iid, line)
        ev = raw.get("evidence", "")
        if ev is None:
            ev = ""
        if not isinstance(ev, str):
            problems.add(
                f"expected text, got {type(ev).__name__}",
                at("items", n, "evidence"),
                f"{base}.evidence",
            )
        else:
            item.evidence = ev
        for name in ("credibility", "relevance"):
            lv = _level(raw.get(name))
            if lv is None:
                problems.add(
                    f"unknown {name} {raw.get(name)!r}; {_LEVEL_HELP}",
                    at("items", n, name),
                    f"{base}.{name}",
                )
            else:
                setattr(item, name, lv)
        ratings = raw.get("ratings")
        if not isinstance(ratings, dict) or not ratings:
            problems.add(
                "expected a mapping of ratings",
                at("items", n, "ratings") or line,
                f"{base}.ratings",
            )
            continue
        nested = all(isinstance(v, dict) for v in ratings.values())
        flat = not any(isinstance(v, dict) for v in ratings.values())
        if not (nested or flat):
            problems.add(
                "mixes per-analyst mappings and single ratings",
                at("items", n, "ratings"),
                f"{base}.ratings",
            )
            continue
        if multi is None:
            multi = nested
        elif multi != nested:
            problems.add(
                "ratings are per analyst in some items and not in others",
                at("items", n, "ratings"),
                f"{base}.ratings",
            )
            continue
        per: dict[str, Any] = ratings if nested else {"default": ratings}
        for a, row in per.items():
            aloc: tuple[str | int, ...] = (
                ("items", n, "ratings", a) if nested else ("items", n, "ratings")
            )
            afield = f"{base}.ratings.{a}" if nested else f"{base}.ratings"
            if nested:
                if analysts_declared and a not in analysts:
                    problems.add(
                        f"rating by unknown analyst {a!r}; analysts are {', '.join(analysts)}",
                        at(*aloc),
                        afield,
                        UnknownIdError,
                    )
                    continue
                if a not in analysts:
                    analysts.append(a)
            if not hyps and not hyps_declared:
                hyps.extend(str(h) for h in row)
            codes: dict[str, int] = {}
            for h, v in row.items():
                hs = str(h)
                if hs not in hyps:
                    src = "declared" if hyps_declared else "taken from the first item"
                    problems.add(
                        f"rating for unknown hypothesis {hs!r}; "
                        f"hypotheses ({src}) are {', '.join(hyps)}",
                        at(*aloc, h),
                        f"{afield}.{hs}",
                        UnknownIdError,
                    )
                    continue
                code = _rating(v)
                if code is None:
                    problems.add(
                        f"unknown rating {v!r}; {_RATING_HELP}", at(*aloc, h), f"{afield}.{hs}"
                    )
                else:
                    codes[hs] = code
            item.ratings[str(a)] = codes
        if "likelihoods" in raw:
            lv_raw = raw["likelihoods"]
            if not isinstance(lv_raw, dict):
                problems.add(
                    "expected a mapping hypothesis -> P(E|H)",
                    at("items", n, "likelihoods"),
                    f"{base}.likelihoods",
                )
                continue
            lks: dict[str, float] = {}
            for h, v in lv_raw.items():
                hs = str(h)
                loc = at("items", n, "likelihoods", h)
                if hs not in hyps:
                    problems.add(
                        f"likelihood for unknown hypothesis {hs!r}; "
                        f"hypotheses are {', '.join(hyps)}",
                        loc,
                        f"{base}.likelihoods.{hs}",
                        UnknownIdError,
                    )
                    continue
                x, why = _likelihood(v)
                if why:
                    problems.add(why, loc, f"{base}.likelihoods.{hs}")
                elif x is not None:
                    lks[hs] = x
            item.likelihoods = lks
    if multi is False:
        if analysts_declared:
            problems.add(
                "analysts are declared but ratings are not given per analyst",
                at("analysts"),
                "analysts",
            )
        analysts = []
    return _build(rel, hyps, analysts, list(items.values()), problems, any_lk)

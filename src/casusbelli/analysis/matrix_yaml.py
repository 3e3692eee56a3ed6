"""Read an ACH matrix from YAML (see :mod:`casusbelli.analysis.matrix` for the format).
"""

from __future__ import annotations

from typing import Any

from casusbelli.analysis.matrix_common import (
    _LEVEL_HELP,
    _RATING_HELP,
    _build,
    _Item,
    _level,
    _likelihood,
    _Problems,
    _rating,
)
from casusbelli.errors import (
    DuplicateIdError,
    SchemaError,
    UnknownIdError,
)
from casusbelli.within.ach import AchMatrix
from casusbelli.workspace.yamlio import Marks

__all__: list[str] = []  # private helpers of casusbelli.analysis.matrix


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

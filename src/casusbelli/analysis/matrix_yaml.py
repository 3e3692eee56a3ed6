"""Read an ACH matrix from YAML (see :mod:`casusbelli.analysis.matrix` for the format).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


_TOP_KEYS = ("hypotheses", "analysts", "items", "title", "question")
_ITEM_KEYS = ("id", "evidence", "credibility", "relevance", "ratings", "likelihoods", "source",
              "note")


@dataclass
class _Yaml:
    """What reading one YAML matrix collects: problems, names, items, and whether ratings are
    given per analyst (``multi``; ``None`` before the first item with ratings)."""

    marks: Marks
    problems: _Problems
    hyps: list[str] = field(default_factory=list)
    hyps_declared: bool = False
    analysts: list[str] = field(default_factory=list)
    analysts_declared: bool = False
    items: dict[str, _Item] = field(default_factory=dict)
    multi: bool | None = None

    def at(self, *loc: str | int) -> int | None:
        return self.marks.locate(loc)[0]


def _load_yaml(data: Any, marks: Marks, rel: str) -> AchMatrix:
    """Read a parsed YAML matrix (``marks`` give each node's line) into an :class:`AchMatrix`."""
    st = _Yaml(marks, _Problems(rel))
    if not isinstance(data, dict):
        raise SchemaError(
            f"expected a mapping with an 'items' list, got {type(data).__name__}",
            file=rel,
            line=1,
            field="items",
        )
    for k in data:
        if k not in _TOP_KEYS:
            st.problems.add(f"unknown key {k!r}; allowed: hypotheses, analysts, items, title, "
                            "question", st.at(k), k)
    items_raw = data.get("items")
    if not isinstance(items_raw, list):
        st.problems.add("expected a list of items under 'items'", st.at("items") or 1, "items")
        st.problems.raise_if_any()
        return _build(rel, [], [], [], st.problems, False)  # pragma: no cover - raised above
    st.hyps_declared = "hypotheses" in data
    if st.hyps_declared:
        st.hyps = _declared_names(st, data["hypotheses"], "hypotheses", "hypothesis")
    st.analysts_declared = "analysts" in data
    if st.analysts_declared:
        st.analysts = _declared_names(st, data["analysts"], "analysts", "analyst")
    any_lk = any(isinstance(it, dict) and "likelihoods" in it for it in items_raw)
    for n, raw in enumerate(items_raw):
        item = _yaml_item(st, n, raw)
        if item is not None and _yaml_ratings(st, n, raw, item) and "likelihoods" in raw:
            _yaml_likelihoods(st, n, raw, item)
    if st.multi is False:
        if st.analysts_declared:
            st.problems.add(
                "analysts are declared but ratings are not given per analyst",
                st.at("analysts"),
                "analysts",
            )
        st.analysts = []
    return _build(rel, st.hyps, st.analysts, list(st.items.values()), st.problems, any_lk)


def _declared_names(st: _Yaml, value: Any, key: str, what: str) -> list[str]:
    """The names declared under ``key`` (hypotheses or analysts), without duplicates."""
    names: list[str] = []
    if not isinstance(value, list) or not all(isinstance(h, str) and h.strip() for h in value):
        st.problems.add(f"expected a list of {what} names", st.at(key), key)
        return names
    for k, h in enumerate(value):
        if h in names:
            st.problems.add(f"duplicate {what} {h!r}", st.at(key, k), f"{key}[{k}]",
                            DuplicateIdError)
        else:
            names.append(h)
    return names


def _yaml_item(st: _Yaml, n: int, raw: Any) -> _Item | None:
    """Check item ``n``'s keys and id; record it with its evidence text and levels."""
    base = f"items[{n}]"
    if not isinstance(raw, dict):
        st.problems.add(f"expected a mapping, got {type(raw).__name__}", st.at("items", n), base)
        return None
    for k in raw:
        if k not in _ITEM_KEYS:
            st.problems.add(
                f"unknown key {k!r}; allowed: id, evidence, credibility, relevance, ratings, "
                "likelihoods, source, note",
                st.at("items", n, k),
                f"{base}.{k}",
            )
    rid = raw.get("id")
    if isinstance(rid, bool) or not isinstance(rid, str | int) or str(rid).strip() == "":
        st.problems.add(
            f"missing or invalid id {rid!r}",
            st.at("items", n, "id") or st.at("items", n),
            f"{base}.id",
        )
        return None
    iid = str(rid).strip()
    if iid in st.items:
        st.problems.add(
            f"duplicate item id {iid!r} (first on line {st.items[iid].line})",
            st.at("items", n, "id"),
            f"{base}.id",
            DuplicateIdError,
        )
        return None
    item = st.items[iid] = _Item(iid, st.at("items", n))
    ev = raw.get("evidence", "")
    if ev is None:
        ev = ""
    if not isinstance(ev, str):
        st.problems.add(
            f"expected text, got {type(ev).__name__}",
            st.at("items", n, "evidence"),
            f"{base}.evidence",
        )
    else:
        item.evidence = ev
    for name in ("credibility", "relevance"):
        lv = _level(raw.get(name))
        if lv is None:
            st.problems.add(
                f"unknown {name} {raw.get(name)!r}; {_LEVEL_HELP}",
                st.at("items", n, name),
                f"{base}.{name}",
            )
        else:
            setattr(item, name, lv)
    return item


def _yaml_ratings(st: _Yaml, n: int, raw: dict[str, Any], item: _Item) -> bool:
    """Read item ``n``'s ratings (flat, or per analyst); ``False`` when they are unusable."""
    base = f"items[{n}]"
    ratings = raw.get("ratings")
    if not isinstance(ratings, dict) or not ratings:
        st.problems.add(
            "expected a mapping of ratings",
            st.at("items", n, "ratings") or item.line,
            f"{base}.ratings",
        )
        return False
    nested = all(isinstance(v, dict) for v in ratings.values())
    flat = not any(isinstance(v, dict) for v in ratings.values())
    if not (nested or flat):
        st.problems.add("mixes per-analyst mappings and single ratings",
                        st.at("items", n, "ratings"), f"{base}.ratings")
        return False
    if st.multi is None:
        st.multi = nested
    elif st.multi != nested:
        st.problems.add("ratings are per analyst in some items and not in others",
                        st.at("items", n, "ratings"), f"{base}.ratings")
        return False
    per: dict[str, Any] = ratings if nested else {"default": ratings}
    for a, row in per.items():
        aloc: tuple[str | int, ...] = (
            ("items", n, "ratings", a) if nested else ("items", n, "ratings")
        )
        afield = f"{base}.ratings.{a}" if nested else f"{base}.ratings"
        if nested:
            if st.analysts_declared and a not in st.analysts:
                st.problems.add(
                    f"rating by unknown analyst {a!r}; analysts are {', '.join(st.analysts)}",
                    st.at(*aloc),
                    afield,
                    UnknownIdError,
                )
                continue
            if a not in st.analysts:
                st.analysts.append(a)
        if not st.hyps and not st.hyps_declared:
            st.hyps.extend(str(h) for h in row)
        item.ratings[str(a)] = _rating_row(st, row, aloc, afield)
    return True


def _rating_row(st: _Yaml, row: dict[Any, Any], aloc: tuple[str | int, ...],
                afield: str) -> dict[str, int]:
    """One analyst's ratings of an item, hypothesis -> code; bad cells become problems."""
    codes: dict[str, int] = {}
    for h, v in row.items():
        hs = str(h)
        if hs not in st.hyps:
            src = "declared" if st.hyps_declared else "taken from the first item"
            st.problems.add(
                f"rating for unknown hypothesis {hs!r}; "
                f"hypotheses ({src}) are {', '.join(st.hyps)}",
                st.at(*aloc, h),
                f"{afield}.{hs}",
                UnknownIdError,
            )
            continue
        code = _rating(v)
        if code is None:
            st.problems.add(
                f"unknown rating {v!r}; {_RATING_HELP}", st.at(*aloc, h), f"{afield}.{hs}"
            )
        else:
            codes[hs] = code
    return codes


def _yaml_likelihoods(st: _Yaml, n: int, raw: dict[str, Any], item: _Item) -> None:
    """Read item ``n``'s likelihoods P(E | H)."""
    base = f"items[{n}]"
    lv_raw = raw["likelihoods"]
    if not isinstance(lv_raw, dict):
        st.problems.add(
            "expected a mapping hypothesis -> P(E|H)",
            st.at("items", n, "likelihoods"),
            f"{base}.likelihoods",
        )
        return
    lks: dict[str, float] = {}
    for h, v in lv_raw.items():
        hs = str(h)
        loc = st.at("items", n, "likelihoods", h)
        if hs not in st.hyps:
            st.problems.add(
                f"likelihood for unknown hypothesis {hs!r}; "
                f"hypotheses are {', '.join(st.hyps)}",
                loc,
                f"{base}.likelihoods.{hs}",
                UnknownIdError,
            )
            continue
        x, why = _likelihood(v)
        if why:
            st.problems.add(why, loc, f"{base}.likelihoods.{hs}")
        elif x is not None:
            lks[hs] = x
    item.likelihoods = lks

"""Text and pandas views of QCA results, laid out as R's QCA package prints them.

``truthTable()`` prints the observed configurations numbered by their row in the full
:math:`2^k` table (from 1), with OUT, n, incl, PRI and the cases; ``minimize()`` prints each
model ``M1: A*B + C -> Y`` with inclS, PRI, covS, covU per term and the model's own inclS,
PRI, covS on its last line (Dusa 2019, ch. 7-8). These functions only build strings and
data frames; the CLI prints them and the result classes use them for ``repr``.

Reference: Dusa, A. (2019). *QCA with R: A Comprehensive Resource*. Springer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from casusbelli.cross.qca import Minimization, Model, QCAResult, TruthTable

__all__ = [
    "format_minimization",
    "format_model",
    "format_result",
    "format_truth_table",
    "minimization_frame",
    "model_frame",
    "truth_table_frame",
]

_LEGEND = (
    "  OUT: output value\n"
    "    n: number of cases in configuration\n"
    " incl: sufficiency inclusion score\n"
    "  PRI: proportional reduction in inconsistency\n"
)


def _num(v: float | None) -> str:
    return "" if v is None or v != v else f"{v:.3f}"


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    """Columns padded to their widest cell, right-aligned where ``right`` says so."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if r else str(c).ljust(w)
            for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    return [line(header), *(line(r) for r in rows)]


def truth_table_frame(tt: TruthTable) -> pd.DataFrame:
    """The shown rows as a data frame indexed by R's row number (``row_id``)."""
    records = [r.to_dict(tt.conditions) for r in tt.rows]
    for rec in records:
        rec["cases"] = ",".join(rec["cases"])
    cols = ["row_id", *tt.conditions, "OUT", "n", "incl", "PRI", "cases"]
    return pd.DataFrame.from_records(records, columns=cols).set_index("row_id")


def format_truth_table(tt: TruthTable, legend: bool = True, max_cases: int = 60) -> str:
    """R's ``print(truthTable(...))`` layout (observed rows, or all with ``complete``)."""
    header = ["", *tt.conditions, "OUT", "n", "incl", "PRI", "cases"]
    rows = []
    for r in tt.rows:
        cases = ",".join(r.cases)
        if len(cases) > max_cases:
            cases = cases[: max_cases - 3] + "..."
        rows.append([str(r.row_id), *map(str, r.values), r.out, str(r.n), _num(r.incl),
                     _num(r.pri), cases])
    right = [True] * (len(header) - 1) + [False]
    ic1, ic0 = tt.incl_cut
    cut = f"{ic1:g}" if ic1 == ic0 else f"{ic1:g}, {ic0:g}"
    head = (f"Truth table: outcome {tt.outcome}, incl.cut {cut}, n.cut {tt.n_cut}"
            + (f", pri.cut {tt.pri_cut:g}" if tt.pri_cut else "") + "\n")
    text = head + ("\n" + _LEGEND + "\n" if legend else "\n")
    text += "\n".join(_grid(header, rows, right)) + "\n"
    if tt.half_cases:
        text += (f"\nwarning: {len(tt.half_cases)} case(s) with a membership of exactly 0.5 "
                 f"({', '.join(tt.half_cases)}) are counted in n but listed in no row\n")
    return text


def model_frame(model: Model) -> pd.DataFrame:
    """One model's terms and its solution line: inclS, PRI, covS, covU, cases."""
    recs: list[dict[str, Any]] = [
        {"term": f.term, "inclS": f.incl, "PRI": f.pri, "covS": f.cov, "covU": f.cov_unique,
         "cases": "; ".join(",".join(g) for g in f.case_rows) or ",".join(f.cases)}
        for f in model.fits
    ]
    recs.append({"term": model.name, "inclS": model.incl, "PRI": model.pri, "covS": model.cov,
                 "covU": None, "cases": ""})
    return pd.DataFrame.from_records(recs, columns=["term", "inclS", "PRI", "covS", "covU",
                                                    "cases"])


def format_model(model: Model, outcome: str, max_cases: int = 60) -> str:
    """``M1: A*B + C -> Y`` then R's table of inclS, PRI, covS, covU and cases.

    The table is laid out as R's ``print()`` of a ``minimize()`` result with one model: row
    numbers, terms right-aligned, numbers to three decimals in columns of five, rules as
    wide as the widest row, and the model's own line at the bottom. (R moves long case
    lists into a second table; here they are cut at ``max_cases`` characters.)
    """
    num_w = len(str(len(model.fits)))
    term_w = max(len(t) for t in [*model.terms, model.name])
    rows = []
    for k, f in enumerate(model.fits, 1):
        cases = "; ".join(",".join(g) for g in f.case_rows) if f.case_rows else ",".join(f.cases)
        if len(cases) > max_cases:
            cases = cases[: max_cases - 3] + "..."
        nums = "  ".join(_num(v).rjust(5) for v in (f.incl, f.pri, f.cov, f.cov_unique))
        rows.append(f"{str(k).ljust(num_w)}  {f.term.rjust(term_w)}  {nums}  {cases}".rstrip())
    head = f"{' ' * (num_w + 2 + term_w)}  inclS   PRI   covS   covU   cases"
    rule = "-" * max(len(r) for r in [*rows, head[:-2]])
    nums = "  ".join(_num(v).rjust(5) for v in (model.incl, model.pri, model.cov))
    last = f"{' ' * num_w}  {model.name.rjust(term_w)}  {nums}"
    body = [head, rule, *rows, rule, last]
    return f"{model.name}: {model.expression} -> {outcome}\n\n" + "\n".join(body) + "\n"


def minimization_frame(m: Minimization) -> pd.DataFrame:
    """Every model's terms and solution line, with ``solution`` and ``model`` columns."""
    frames = []
    for model in m.models:
        f = model_frame(model)
        f.insert(0, "model", model.name)
        f.insert(0, "solution", m.solution_type)
        frames.append(f)
    if not frames:
        return pd.DataFrame(columns=["solution", "model", "term", "inclS", "PRI", "covS",
                                     "covU", "cases"])
    return pd.concat(frames, ignore_index=True)


def format_minimization(m: Minimization) -> str:
    """Every model of one solution, as R prints ``minimize()``."""
    head = f"{m.solution_type} solution ({len(m.models)} model{'s' * (len(m.models) != 1)})"
    if m.truncated:
        head += ", model list truncated"
    return head + "\n\n" + "\n".join(format_model(x, m.outcome) for x in m.models)


def format_result(res: QCAResult) -> str:
    """The truth table then each solution that was computed."""
    parts = [format_truth_table(res.truth_table)]
    for m in (res.complex, res.parsimonious, res.intermediate):
        if m is not None:
            parts.append(format_minimization(m))
    return "\n".join(parts)

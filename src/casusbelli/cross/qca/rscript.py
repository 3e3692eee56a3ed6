"""An R script that reruns a casusbelli QCA with R's QCA package (Dusa 2019).

For readers who want to check a result in R: :func:`r_script` writes ``library(QCA)``, reads
the exported CSV, applies the same ``calibrate()`` calls, then ``truthTable()`` and
``minimize()`` with the same ``incl.cut``, ``n.cut``, ``pri.cut``, ``include`` and
``dir.exp`` (in QCA 3.x's names form, ``"DEV, URB, ~LIT"``). The names and defaults of the
calls follow QCA 3.25's manual; R's own ``truthTable()`` default ``incl.cut = 1`` is never
relied on: every cut-off is written out.

Reference: Dusa, A. (2019). *QCA with R: A Comprehensive Resource*. Springer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from casusbelli.cross.calibrate import parse_thresholds
from casusbelli.cross.qca.minimize import parse_dir_exp

__all__ = ["RAnalysis", "RCalibration", "r_script"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._]*$")


@dataclass(frozen=True)
class RCalibration:
    """One ``calibrate()`` call on a raw column (``type`` fuzzy or crisp)."""

    column: str
    thresholds: str
    type: str = "fuzzy"  # noqa: A003 - R's argument name


@dataclass(frozen=True)
class RAnalysis:
    """One QCA to rerun in R: its data selection, cut-offs and the solutions wanted.

    ``cases`` (row names) picks the cases the Python analysis used; ``None`` keeps every row
    without a missing value. ``include=None`` asks for the complex, parsimonious and (with
    ``dir_exp``) intermediate solutions, as ``casus qca`` prints them by default.
    """

    label: str
    outcome: str
    conditions: tuple[str, ...]
    incl_cut: float
    n_cut: int = 1
    pri_cut: float = 0.0
    include: str | None = None
    dir_exp: str | Mapping[str, object] | None = None
    cases: tuple[str, ...] | None = None


def _r_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _r_vec(items: Sequence[str]) -> str:
    return "c(" + ", ".join(_r_str(s) for s in items) + ")"


def _var(label: str) -> str:
    clean = re.sub(r"[^A-Za-z0-9_]", "_", label)
    return clean if _NAME.match(clean) else f"x_{clean}"


def _dir_exp_names(dir_exp: str | Mapping[str, object], conditions: Sequence[str]) -> str:
    """Directional expectations in R QCA 3.x's names form (conditions in their order)."""
    expect = parse_dir_exp(dir_exp, conditions)
    return ", ".join(("" if expect[c] else "~") + c for c in conditions if c in expect)


def _calibration_line(cal: RCalibration) -> str:
    values, names = parse_thresholds(cal.thresholds)
    col = f"data[[{_r_str(cal.column)}]]"
    if names:
        th = _r_str(", ".join(f"{n}={v:.15g}" for n, v in zip(names, values, strict=True)))
    else:
        th = ", ".join(f"{v:.15g}" for v in values)
        th = f"c({th})" if values.size > 1 else th
    return f"{col} <- calibrate({col}, type = {_r_str(cal.type)}, thresholds = {th})"


def _analysis_block(a: RAnalysis) -> list[str]:
    v = _var(a.label)
    cols = [*a.conditions, a.outcome.lstrip("~")]
    rows = _r_vec(a.cases) if a.cases is not None else ""
    lines = [f"# ---- {a.label}"]
    if a.cases is not None:
        lines.append(f"d_{v} <- data[{rows}, {_r_vec(cols)}]")
    else:
        lines.append(f"d_{v} <- na.omit(data[, {_r_vec(cols)}])")
    lines.append(
        f"tt_{v} <- truthTable(d_{v}, outcome = {_r_str(a.outcome)}, conditions = "
        f"{_r_vec(a.conditions)}, incl.cut = {a.incl_cut:.15g}, n.cut = {a.n_cut}, "
        f"pri.cut = {a.pri_cut:.15g}, show.cases = TRUE)"
    )
    lines.append(f"print(tt_{v})")
    inc = a.include
    if inc is None or "?" not in inc:
        extra = f", include = {_r_str(inc)}" if inc else ""
        lines.append(f"print(minimize(tt_{v}{extra}, details = TRUE))  # complex (conservative)")
    if inc is None or "?" in inc:
        r_inc = _r_str(inc if inc else "?")
        if inc is None or a.dir_exp is None:
            lines.append(f"print(minimize(tt_{v}, include = {r_inc}, details = TRUE))"
                         "  # parsimonious")
        if a.dir_exp is not None:
            names = _r_str(_dir_exp_names(a.dir_exp, a.conditions))
            lines.append(f"print(minimize(tt_{v}, include = {r_inc}, dir.exp = {names}, "
                         "details = TRUE))  # intermediate")
    return lines


def r_script(
    csv_name: str,
    analyses: Sequence[RAnalysis],
    *,
    calibrations: Sequence[RCalibration] = (),
    comments: Sequence[str] = (),
) -> str:
    """The text of an R script that reruns ``analyses`` on ``csv_name`` with R's QCA.

    Parameters
    ----------
    csv_name : str
        The data file as the script should read it (relative to R's working directory);
        its first column holds the case ids (``row.names = 1``).
    analyses : sequence of RAnalysis
    calibrations : sequence of RCalibration
        ``calibrate()`` calls applied to ``data`` before any analysis.
    comments : sequence of str
        Lines put at the top as ``#`` comments (what produced the script).

    Examples
    --------
    >>> print(r_script("lf.csv", [RAnalysis("LF", "SURV", ("DEV", "URB"), 0.8)])
    ...       .splitlines()[2])
    data <- read.csv("lf.csv", row.names = 1, check.names = FALSE)
    """
    out = [f"# {c}" for c in comments]
    out += ['library(QCA)  # install.packages("QCA"); written for QCA 3.x, not run here',
            "",
            f"data <- read.csv({_r_str(csv_name)}, row.names = 1, check.names = FALSE)"]
    if calibrations:
        out.append("")
        out += [_calibration_line(c) for c in calibrations]
    for a in analyses:
        out.append("")
        out += _analysis_block(a)
    return "\n".join(out) + "\n"

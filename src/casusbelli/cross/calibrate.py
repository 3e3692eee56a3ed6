r"""Calibration of raw values into set memberships (direct method; crisp thresholds).

Follows ``calibrate()`` of R's QCA package (Dusa 2019; the code of QCA 3.25, ``R/calibrate.R``),
which implements Ragin's (2008) direct method. Thresholds are given as R writes them: a string
``"e=165, c=175, i=185"`` (or ``"e1=..., c1=..., i1=..., i2=..., c2=..., e2=..."``), a mapping
of those names, or a plain sequence in the order ``e, c, i`` / ``e1, c1, i1, i2, c2, e2``.

Three thresholds, logistic (default). With exclusion, crossover and inclusion thresholds
:math:`e, c, i` and the inclusion degree of membership ``idm`` (0.95 by default),

.. math::

    \mu(x) = \frac{1}{1 + \exp\!\left(-\frac{(x - c)\,\ln\frac{idm}{1-idm}}{t - c}\right)},
    \qquad t = \begin{cases} i & x \ge c \\ e & x < c \end{cases}

so that :math:`\mu(e) = 1 - idm`, :math:`\mu(c) = 0.5`, :math:`\mu(i) = idm`; when
:math:`e > i` the function decreases (:math:`1 - \mu` with the roles of e and i swapped).

Three thresholds, linear (``logistic=False``), with exponents ``below`` (b) and ``above`` (a):
:math:`\mu = 0` up to e, :math:`\left(\frac{x-e}{c-e}\right)^b / 2` on (e, c],
:math:`1 - \left(\frac{i-x}{i-c}\right)^a / 2` on (c, i], 1 beyond i (mirrored when
:math:`i < c < e`). With ``ecdf=True`` the empirical distribution function :math:`F_n` of the
values within [min, max] of the thresholds replaces the powers: :math:`\frac{F_n(x)}{2F_n(c)}`
below the crossover and :math:`1 - \frac{1-F_n(x)}{2(1-F_n(c))}` above it.

Six thresholds (always the linear pieces, as in R): increasing up to the first crossover
pair and decreasing after it, a bell (``i1 == i2``) or a trapezoid (``i1 < i2``) with
:math:`\mu = 1` on [i1, i2]; the order ``i1 < c1 < e1 <= e2 < c2 < i2`` gives the inverted
bell or trapezoid. Each side uses the linear formula above on its own (e, c, i).

Fuzzy values below 1e-4 become 0 and above 0.9999 become 1, as in R. Crisp calibration returns
the number of thresholds at or below each value (R's ``findInterval``). Comparisons with a
threshold treat values within R's ``all.equal`` tolerance (relative 1.49e-8) as equal.

Missing values (NaN, R's ``NA``) pass through as NaN in every form. R 3.25 passes ``NA``
through the logistic function only: its linear and crisp branches stop on an ``if`` of ``NA``.

References: Ragin, C. C. (2008). *Redesigning Social Inquiry: Fuzzy Sets and Beyond*.
University of Chicago Press. Dusa, A. (2019). *QCA with R: A Comprehensive Resource*. Springer.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from casusbelli.errors import AnalysisError

__all__ = ["calibrate", "parse_thresholds"]

_NAMES3 = ("e", "c", "i")
_NAMES6 = ("e1", "c1", "i1", "i2", "c2", "e2")
#: R's ``all.equal`` tolerance, ``sqrt(.Machine$double.eps)``.
_TOL = float(np.sqrt(np.finfo(float).eps))
_PAIR = re.compile(r"^\s*(?:([A-Za-z][A-Za-z0-9._]*)\s*=)?\s*(\S.*?)\s*$")


def parse_thresholds(
    thresholds: str | Mapping[str, float] | Sequence[float] | float,
) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """Read thresholds as R's ``calibrate()`` takes them.

    Parameters
    ----------
    thresholds : str, mapping, sequence of float or float
        ``"e=165, c=175, i=185"`` (names optional: ``"165, 175, 185"``), ``{"e": 165, ...}``,
        ``(165, 175, 185)`` or a single number.

    Returns
    -------
    (numpy.ndarray, tuple of str or None)
        The values in the order given and their names (``None`` when unnamed).

    Examples
    --------
    >>> parse_thresholds("e=1, c=5, i=9")
    (array([1., 5., 9.]), ('e', 'c', 'i'))
    """
    names: list[str] | None = None
    if isinstance(thresholds, str):
        parts = [p for p in thresholds.split(",")]
        if not thresholds.strip() or any(not p.strip() for p in parts):
            raise AnalysisError(
                f"empty threshold in {thresholds!r}",
                field="thresholds",
                hint='write them as R does, e.g. "e=165, c=175, i=185"',
            )
        raw: list[str] = []
        keys: list[str | None] = []
        for part in parts:
            m = _PAIR.match(part)
            assert m is not None  # the part is not blank
            keys.append(m.group(1))
            raw.append(m.group(2))
        if any(k is not None for k in keys):
            if any(k is None for k in keys):
                raise AnalysisError(
                    f"threshold string {thresholds!r} names some thresholds but not all",
                    field="thresholds",
                )
            names = [str(k) for k in keys]
        values: list[float] = []
        for key, text in zip(keys, raw, strict=True):
            try:
                values.append(float(text))
            except ValueError:
                where = f"thresholds.{key}" if key else "thresholds"
                raise AnalysisError(f"threshold {text!r} is not a number", field=where) from None
    elif isinstance(thresholds, Mapping):
        names = [str(k) for k in thresholds]
        values = []
        for key, val in thresholds.items():
            values.append(_number(val, f"thresholds.{key}"))
    elif np.ndim(thresholds) == 0:
        values = [_number(thresholds, "thresholds")]
    else:
        values = [_number(v, f"thresholds[{k}]") for k, v in enumerate(thresholds)]  # type: ignore[arg-type]
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        raise AnalysisError("no threshold given", field="thresholds")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        k = int(bad[0])
        where = f"thresholds.{names[k]}" if names else f"thresholds[{k}]"
        raise AnalysisError(f"threshold {arr[k]} is not a finite number", field=where)
    return arr, (tuple(names) if names is not None else None)


def _number(value: object, field: str) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise AnalysisError(f"threshold {value!r} is not a number", field=field) from None


def _ordered(
    values: np.ndarray, names: tuple[str, ...] | None, wanted: tuple[str, ...]
) -> np.ndarray:
    """Put named thresholds into R's order; unnamed ones are taken as given."""
    if names is None:
        return values
    unknown = [n for n in names if n not in wanted]
    if unknown:
        raise AnalysisError(
            f"unknown threshold name {unknown[0]!r}; with {len(wanted)} thresholds the names are "
            + ", ".join(wanted),
            field=f"thresholds.{unknown[0]}",
        )
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise AnalysisError(f"threshold {dup[0]!r} given twice", field=f"thresholds.{dup[0]}")
    return np.array([values[names.index(n)] for n in wanted])


def calibrate(
    x: ArrayLike,
    thresholds: str | Mapping[str, float] | Sequence[float] | float,
    type: str = "fuzzy",  # noqa: A002 - the field's own term, as in R
    logistic: bool = True,
    idm: float = 0.95,
    ecdf: bool = False,
    below: float = 1.0,
    above: float = 1.0,
) -> np.ndarray:
    """Calibrate raw values into crisp or fuzzy set memberships, as R's QCA ``calibrate()``.

    Parameters
    ----------
    x : array_like
        Raw numeric values, one-dimensional; NaN (or None) is a missing value and stays NaN.
    thresholds : str, mapping, sequence of float or float
        Fuzzy: three (``"e=…, c=…, i=…"``) or six (``"e1=…, c1=…, i1=…, i2=…, c2=…, e2=…"``)
        thresholds; names put them in R's order, unnamed values are read in that order. A
        decreasing order gives a decreasing function. Crisp: one or more unnamed cut points.
    type : {"fuzzy", "crisp"}
    logistic : bool
        Logistic (default) or linear function, for three thresholds; six thresholds always
        use the linear pieces (R ignores ``logistic`` there too).
    idm : float
        Inclusion degree of membership at the inclusion threshold, in (0.5, 1).
    ecdf : bool
        With ``logistic=False`` and three thresholds: use the empirical distribution of the
        values between the thresholds instead of the ``below``/``above`` powers.
    below, above : float
        Positive exponents of the linear function below and above the crossover(s).

    Returns
    -------
    numpy.ndarray
        Memberships in [0, 1] (fuzzy) or integer categories (crisp: int array, or float with
        NaN when ``x`` has missing values).

    Raises
    ------
    AnalysisError
        Naming the field (``x``, ``type``, ``thresholds``/``thresholds.<name>``, ``idm``,
        ``ecdf``, ``below``/``above``) that R would also refuse, plus names, NaN or non-finite
        thresholds that R reads differently.

    Examples
    --------
    >>> calibrate([1, 5, 9], "e=1, c=5, i=9").round(2).tolist()
    [0.05, 0.5, 0.95]
    >>> calibrate([1, 5, float("nan")], (3,), type="crisp").tolist()
    [0.0, 1.0, nan]
    """
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise AnalysisError("calibrate needs numeric values", field="x") from None
    if arr.ndim != 1 or arr.size == 0:
        raise AnalysisError("calibrate needs a non-empty one-dimensional array", field="x")
    if type not in ("fuzzy", "crisp"):
        raise AnalysisError(
            f"unknown calibration type {type!r}; expected 'fuzzy' or 'crisp'", field="type"
        )
    values, names = parse_thresholds(thresholds)
    missing = np.isnan(arr)
    if missing.all():
        raise AnalysisError("every value of x is missing", field="x")
    if type == "crisp":
        return _crisp(arr, values, names, missing)
    if values.size not in (3, 6):
        raise AnalysisError(
            f"fuzzy direct calibration needs 3 or 6 thresholds, got {values.size}",
            field="thresholds",
        )
    if not 0.5 < idm < 1:
        raise AnalysisError(f"idm must be bigger than 0.5 and less than 1, got {idm}", field="idm")
    if ecdf and (values.size == 6 or logistic):
        raise AnalysisError(
            "ecdf applies to the linear function with 3 thresholds only",
            field="ecdf",
            hint="pass logistic=False (R ignores ecdf otherwise)",
        )
    with np.errstate(all="ignore"):
        if values.size == 3:
            e, c, i = (float(v) for v in _ordered(values, names, _NAMES3))
            if logistic:
                fs = _logistic(arr, e, c, i, idm)
            else:
                _check_powers(below, above)
                if len({e, c, i}) < 3:
                    warnings.warn("some thresholds equal, that should not be equal", stacklevel=2)
                fs = _linear(arr, e, c, i, below, above, ecdf)
        else:
            th = tuple(float(v) for v in _ordered(values, names, _NAMES6))
            fs = _six(arr, th, below, above)
    fs = np.where(fs < 0.0001, 0.0, fs)
    fs = np.where(fs > 0.9999, 1.0, fs)
    fs[missing] = np.nan
    return fs


def _crisp(
    arr: np.ndarray, values: np.ndarray, names: tuple[str, ...] | None, missing: np.ndarray
) -> np.ndarray:
    """R's ``findInterval(x, sort(thresholds))``: how many cut points lie at or below x."""
    if names is not None:
        raise AnalysisError(
            f"named thresholds ({', '.join(names)}) require fuzzy calibration",
            field="thresholds",
        )
    lo, hi = np.nanmin(arr), np.nanmax(arr)
    out_of_range = values[(values < lo) | (values > hi)]
    if out_of_range.size:
        raise AnalysisError(
            f"threshold {out_of_range[0]:g} outside the range of x [{lo:g}, {hi:g}]",
            field="thresholds",
        )
    cats = np.searchsorted(np.sort(values), arr, side="right")
    if not missing.any():
        return cats.astype(int)
    out = cats.astype(float)
    out[missing] = np.nan
    return out


def _check_powers(below: float, above: float) -> None:
    for name, val in (("below", below), ("above", above)):
        if not val > 0:
            raise AnalysisError(f"{name} must be positive, got {val}", field=name)


def _equal(a: np.ndarray, b: float) -> np.ndarray:
    """R's ``isTRUE(all.equal(a, b))`` elementwise (relative to |a| when |a| > tolerance)."""
    diff = np.abs(a - b)
    scale = np.where(np.abs(a) > _TOL, np.abs(a), 1.0)
    return (a == b) | (diff / scale <= _TOL)


def _le(a: np.ndarray, b: float) -> np.ndarray:
    """``a < b | check.equal(a, b)`` of R's code."""
    return (a < b) | _equal(a, b)


def _logistic(arr: np.ndarray, e: float, c: float, i: float, idm: float) -> np.ndarray:
    decreasing = e > i
    if decreasing:
        e, i = i, e
    if c in (e, i):
        raise AnalysisError(
            "the crossover must differ from the exclusion and inclusion thresholds",
            field="thresholds.c",
        )
    low = arr < c
    sign = np.where(low, 1.0, -1.0)
    anchor = np.where(low, e, i)
    fs = 1.0 / (1.0 + np.exp(sign * (arr - c) * np.log(idm / (1 - idm)) / (anchor - c)))
    return 1.0 - fs if decreasing else fs


def _linear(
    arr: np.ndarray, e: float, c: float, i: float, below: float, above: float, ecdf: bool
) -> np.ndarray:
    """R's piecewise power function for three thresholds and ``logistic=False``."""
    rise = ((e - arr) / (e - c)) ** below / 2  # from e (0) to c (0.5)
    top = 1 - ((i - arr) / (i - c)) ** above / 2  # from c (0.5) to i (1)
    increasing = not (i < c < e)
    if ecdf:
        fn = _ecdf(arr, min(e, c, i), max(e, c, i))
        fn_c = fn(np.asarray([c]))[0]
        fx = fn(arr)
        if increasing:
            rise, top = fx / fn_c / 2, 1 - (1 - fx) / (1 - fn_c) / 2
        else:
            top, rise = 1 - fx / fn_c / 2, (1 - fx) / (1 - fn_c) / 2
    if increasing:
        conds = [_le(arr, e), _le(arr, c), _le(arr, i)]
        return np.select(conds, [0.0, rise, top], 1.0)
    conds = [_le(arr, i), _le(arr, c), _le(arr, e)]
    return np.select(conds, [1.0, top, rise], 0.0)


def _ecdf(arr: np.ndarray, lo: float, hi: float) -> Callable[[np.ndarray], np.ndarray]:
    """Empirical distribution function of the values in [lo, hi] (R: ``ecdf``).

    R 3.25 builds it from ``x[-which(x < lo)]`` then ``[-which(. > hi)]``, which keeps no value
    at all when nothing lies outside the thresholds on a side, and then stops; here the values
    in [lo, hi] are used in every case (the same values whenever R gives a result).
    """
    inside = np.sort(arr[(arr >= lo) & (arr <= hi)])
    if inside.size == 0:
        raise AnalysisError(
            "no value of x lies between the thresholds, so ecdf is undefined", field="x"
        )

    def fn(t: np.ndarray) -> np.ndarray:
        return np.searchsorted(inside, t, side="right") / inside.size

    return fn


def _six(arr: np.ndarray, th: tuple[float, ...], below: float, above: float) -> np.ndarray:
    """R's bell / trapezoid (and inverted) for six thresholds ``e1, c1, i1, i2, c2, e2``."""
    e1, c1, i1, i2, c2, e2 = th
    if c1 < min(e1, i1) or c1 > max(e1, i1):
        raise AnalysisError(
            "first crossover threshold not between first exclusion and inclusion thresholds",
            field="thresholds.c1",
        )
    if c2 < min(e2, i2) or c2 > max(e2, i2):
        raise AnalysisError(
            "second crossover threshold not between second exclusion and inclusion thresholds",
            field="thresholds.c2",
        )
    increasing = not (i1 < c1 < e1 <= e2 < c2 < i2)
    somequal = len({e1, c1, i1}) < 3 or len({i2, c2, e2}) < 3 or c1 == c2
    somequal = somequal or (e1 == e2 if increasing else i1 == i2)
    if somequal:
        raise AnalysisError("some thresholds equal, that should not be equal", field="thresholds")
    _check_powers(below, above)
    left_low = ((e1 - arr) / (e1 - c1)) ** below / 2
    left_high = 1 - ((i1 - arr) / (i1 - c1)) ** above / 2
    right_high = 1 - ((i2 - arr) / (i2 - c2)) ** above / 2
    right_low = ((e2 - arr) / (e2 - c2)) ** below / 2
    if increasing:
        conds = [_le(arr, e1), _le(arr, c1), arr < i1, _le(arr, i2), _le(arr, c2), _le(arr, e2)]
        return np.select(conds, [0.0, left_low, left_high, 1.0, right_high, right_low], 0.0)
    conds = [_le(arr, i1), _le(arr, c1), arr < e1, _le(arr, e2), _le(arr, c2), _le(arr, i2)]
    return np.select(conds, [1.0, left_high, left_low, 0.0, right_low, right_high], 1.0)

r"""Calibration of raw values into set memberships (direct method; crisp thresholds).

Follows R QCA's ``calibrate()`` (Dusa 2019), which implements Ragin's (2008)
direct method: with exclusion, crossover and inclusion thresholds :math:`e, c, i` and the
inclusion degree of membership ``idm`` (0.95 by default),

.. math::

    \mu(x) = \frac{1}{1 + \exp\!\left(-\frac{(x - c)\,\ln\frac{idm}{1-idm}}{t - c}\right)},
    \qquad t = \begin{cases} i & x \ge c \\ e & x < c \end{cases}

so that :math:`\mu(e) = 1 - idm`, :math:`\mu(c) = 0.5`, :math:`\mu(i) = idm`. Values below
1e-4 become 0 and above 0.9999 become 1, as in R. With ``logistic=False`` the linear
(s-shaped with ``below``/``above`` exponents) function of R is used. Crisp calibration
returns the number of thresholds at or below each value (R's ``findInterval``).

References: Ragin, C. C. (2008). *Redesigning Social Inquiry*. Chicago UP. Dusa, A. (2019).
*QCA with R*. Springer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from casusbelli.errors import AnalysisError

__all__ = ["calibrate"]


def calibrate(
    x: ArrayLike,
    thresholds: Sequence[float],
    type: str = "fuzzy",  # noqa: A002 - the field's own term, as in R
    logistic: bool = True,
    idm: float = 0.95,
    below: float = 1.0,
    above: float = 1.0,
) -> np.ndarray:
    """Calibrate raw values into crisp or fuzzy set memberships.

    Parameters
    ----------
    x : array_like
        Raw numeric values (no NaN).
    thresholds : sequence of float
        Fuzzy: ``(exclusion, crossover, inclusion)``; a decreasing sequence gives a
        decreasing function. Crisp: one or more cut points.
    type : {"fuzzy", "crisp"}
    logistic : bool
        Logistic (default) or linear fuzzy function.
    idm : float
        Inclusion degree of membership at the inclusion threshold, in (0.5, 1).
    below, above : float
        Exponents of the linear function below/above the crossover.

    Returns
    -------
    numpy.ndarray
        Memberships in [0, 1] (fuzzy) or integer categories (crisp).

    Examples
    --------
    >>> calibrate([1, 5, 9], (1, 5, 9)).round(2).tolist()
    [0.05, 0.5, 0.95]
    """
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise AnalysisError("calibrate needs a non-empty one-dimensional array", field="x")
    if np.isnan(arr).any():
        row = int(np.flatnonzero(np.isnan(arr))[0])
        raise AnalysisError(f"missing value at position {row}", field="x", line=row)
    th = np.asarray(thresholds, dtype=float)
    if type not in ("fuzzy", "crisp"):
        raise AnalysisError(
            f"unknown calibration type {type!r}; expected 'fuzzy' or 'crisp'", field="type"
        )
    if type == "crisp":
        if th.size == 0:
            raise AnalysisError(
                "crisp calibration needs at least one threshold", field="thresholds"
            )
        if (th < arr.min()).any() or (th > arr.max()).any():
            raise AnalysisError("threshold value(s) outside the range of x", field="thresholds")
        return np.searchsorted(np.sort(th), arr, side="right").astype(int)
    if th.size != 3:
        raise AnalysisError(
            "fuzzy direct calibration needs 3 thresholds (exclusion, crossover, inclusion)",
            field="thresholds",
        )
    if not 0.5 < idm < 1:
        raise AnalysisError("idm must be bigger than 0.5 and less than 1", field="idm")
    th_ex, th_cr, th_in = (float(v) for v in th)
    if logistic:
        decreasing = th_ex > th_in
        if decreasing:
            th_ex, th_in = th_in, th_ex
        if th_in == th_cr or th_ex == th_cr:
            raise AnalysisError(
                "the crossover must differ from the other thresholds", field="thresholds"
            )
        scale = np.log(idm / (1 - idm))
        low = arr < th_cr
        denom = np.where(low, th_ex - th_cr, th_in - th_cr)
        sign = np.where(low, 1.0, -1.0)
        fs = 1.0 / (1.0 + np.exp(sign * (arr - th_cr) * scale / denom))
        if decreasing:
            fs = 1.0 - fs
    else:
        if below <= 0 or above <= 0:
            raise AnalysisError("below and above must be positive", field="below")
        fs = _linear(arr, th_ex, th_cr, th_in, below, above)
    fs = np.where(fs < 0.0001, 0.0, fs)
    fs = np.where(fs > 0.9999, 1.0, fs)
    return fs


def _linear(
    arr: np.ndarray, th_ex: float, th_cr: float, th_in: float, below: float, above: float
) -> np.ndarray:
    """R's piecewise (power) function for ``logistic=False``."""
    out = np.empty_like(arr)
    increasing = not (th_in < th_cr < th_ex)
    close = np.isclose
    for k, v in enumerate(arr):
        if increasing:
            if v < th_ex or close(v, th_ex):
                out[k] = 0.0
            elif v < th_cr or close(v, th_cr):
                out[k] = (((th_ex - v) / (th_ex - th_cr)) ** below) / 2
            elif v < th_in or close(v, th_in):
                out[k] = 1 - (((th_in - v) / (th_in - th_cr)) ** above) / 2
            else:
                out[k] = 1.0
        else:
            if v < th_in or close(v, th_in):
                out[k] = 1.0
            elif v < th_cr or close(v, th_cr):
                out[k] = 1 - (((th_in - v) / (th_in - th_cr)) ** above) / 2
            elif v < th_ex or close(v, th_ex):
                out[k] = (((th_ex - v) / (th_ex - th_cr)) ** below) / 2
            else:
                out[k] = 0.0
    return out

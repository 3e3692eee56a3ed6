"""ACH inputs: rating codes and levels, the :class:`AchMatrix`, and checks of codes and weights
(see :mod:`casusbelli.within.ach`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from casusbelli.errors import AnalysisError

__all__ = [
    "AchMatrix",
    "CODES",
    "LEVELS",
    "NA_CODE",
    "SYMBOLS",
    "WEIGHTS",
    "decode_ratings",
    "encode_ratings",
]

#: int8 code used for ``NA`` (and for a cell an analyst left blank). Masked everywhere.
NA_CODE: int = -128
#: Rating symbol -> int8 code. The order of the ordinal scale is II < I < N < C < CC.
CODES: dict[str, int] = {"CC": 2, "C": 1, "N": 0, "I": -1, "II": -2, "NA": NA_CODE}
#: int8 code -> rating symbol.
SYMBOLS: dict[int, str] = {v: k for k, v in CODES.items()}
#: Credibility / relevance levels, lowest first.
LEVELS: tuple[str, ...] = ("low", "medium", "high")
#: Weight of a credibility or relevance level. The High/Medium/Low = 2/1/0.5 scale is the one
#: Open Source ACH (Burton & Knowles 2010) multiplies into its inconsistency score
#: (``parts/ajax_table.php``, ``code/class_project.php``); we apply the same scale to relevance.
#: Medium is 1, so a matrix left at medium scores exactly as the unweighted one.
WEIGHTS: dict[str, float] = {"low": 0.5, "medium": 1.0, "high": 2.0}

Progress = Callable[[int, int | None, str], None]
Criterion = Literal["top", "order"]

_ORDINAL = (-2, -1, 0, 1, 2)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, eq=False)
class AchMatrix:
    """An ACH matrix: items x hypotheses, rated by one or more analysts.

    Attributes
    ----------
    hypotheses, item_ids, evidence
        Column ids, row ids and the evidence text of each row (kept verbatim).
    ratings
        ``int8`` codes, shape ``(analysts, items, hypotheses)``; :data:`NA_CODE` for NA/blank.
    analysts
        One name per analyst (``("default",)`` when the file names none).
    credibility, relevance
        One level of :data:`LEVELS` per item.
    likelihoods
        Optional ``P(E_i | H_j)``, shape ``(items, hypotheses)``, each in (0, 1]; ``None`` when
        the file gives none.
    source
        The file the matrix was read from, if any.
    """

    hypotheses: tuple[str, ...]
    item_ids: tuple[str, ...]
    ratings: NDArray[np.int8]
    evidence: tuple[str, ...] = ()
    analysts: tuple[str, ...] = ("default",)
    credibility: tuple[str, ...] = ()
    relevance: tuple[str, ...] = ()
    likelihoods: NDArray[np.float64] | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        r = np.asarray(self.ratings, dtype=np.int8)
        if r.ndim == 2:
            r = r[None, :, :]
        if r.ndim != 3:
            raise AnalysisError(f"ratings must have 2 or 3 dimensions, got {r.ndim}")
        n_items, n_hyp = len(self.item_ids), len(self.hypotheses)
        if r.shape[1:] != (n_items, n_hyp):
            raise AnalysisError(
                f"ratings shape {r.shape[1:]} does not match {n_items} items x {n_hyp} hypotheses"
            )
        r = r.copy()
        r.setflags(write=False)
        object.__setattr__(self, "ratings", r)
        if not self.evidence:
            object.__setattr__(self, "evidence", ("",) * n_items)
        if not self.credibility:
            object.__setattr__(self, "credibility", ("medium",) * n_items)
        if not self.relevance:
            object.__setattr__(self, "relevance", ("medium",) * n_items)
        if len(self.analysts) != r.shape[0]:
            raise AnalysisError(f"{r.shape[0]} analysts rated but {len(self.analysts)} named")
        if self.likelihoods is not None:
            lk = np.array(self.likelihoods, dtype=np.float64)
            if lk.shape != (n_items, n_hyp):
                raise AnalysisError(f"likelihoods shape {lk.shape} != {(n_items, n_hyp)}")
            lk.setflags(write=False)
            object.__setattr__(self, "likelihoods", lk)

    def to_dict(self) -> dict[str, Any]:
        """Return the matrix as a JSON-ready mapping (ratings as symbols)."""
        return {
            "source": self.source,
            "hypotheses": list(self.hypotheses),
            "analysts": list(self.analysts),
            "items": [
                {
                    "id": iid,
                    "evidence": self.evidence[i],
                    "credibility": self.credibility[i],
                    "relevance": self.relevance[i],
                    "ratings": {
                        a: dict(
                            zip(self.hypotheses, decode_ratings(self.ratings[k, i]), strict=True)
                        )
                        for k, a in enumerate(self.analysts)
                    },
                    **(
                        {
                            "likelihoods": dict(
                                zip(self.hypotheses, map(float, self.likelihoods[i]), strict=True)
                            )
                        }
                        if self.likelihoods is not None
                        else {}
                    ),
                }
                for i, iid in enumerate(self.item_ids)
            ],
        }


def encode_ratings(symbols: ArrayLike) -> NDArray[np.int8]:
    """Turn rating symbols (``"CC"``, ..., ``"NA"``; case-insensitive) into int8 codes.

    ``None`` and the empty string become :data:`NA_CODE`. An unknown symbol raises
    :class:`~casusbelli.errors.AnalysisError` listing the allowed ones.
    """
    arr = np.asarray(symbols, dtype=object)
    out = np.empty(arr.shape, dtype=np.int8)
    flat_in, flat_out = arr.reshape(-1), out.reshape(-1)
    for k, s in enumerate(flat_in):
        key = "NA" if s is None or str(s).strip() == "" else str(s).strip().upper()
        if key == "N/A":
            key = "NA"
        if key not in CODES:
            raise AnalysisError(
                f"unknown rating {s!r}; expected one of {', '.join(CODES)}", field="ratings"
            )
        flat_out[k] = CODES[key]
    return out


def decode_ratings(codes: ArrayLike) -> list[Any]:
    """Turn int8 codes back into rating symbols (nested lists of the same shape)."""
    arr = np.asarray(codes)
    return np.vectorize(lambda c: SYMBOLS[int(c)], otypes=[object])(arr).tolist()  # type: ignore[no-any-return]


def _lookup(table: dict[int, int], default: int) -> NDArray[np.int8]:
    lut = np.full(256, default, dtype=np.int8)
    for code, v in table.items():
        lut[np.uint8(np.int8(code))] = v
    return lut


#: code (viewed as uint8) -> inconsistency contribution; -> 1 when the code is valid
_CONTRIB_LUT = _lookup({-1: -1, -2: -2}, 0)
_VALID_LUT = _lookup({c: 1 for c in (*_ORDINAL, NA_CODE)}, 0)


def _check_codes(r: NDArray[np.int8]) -> None:
    ok = _VALID_LUT[np.ascontiguousarray(r, dtype=np.int8).view(np.uint8)]
    if not ok.all():
        bad = np.argwhere(ok == 0)[0]
        raise AnalysisError(
            f"rating code {int(r[tuple(bad)])} at index {tuple(int(b) for b in bad)} is not one of "
            f"-2..2 or NA ({NA_CODE})",
            field="ratings",
        )


def _weights(levels: Sequence[str] | None, n: int, name: str) -> NDArray[np.float64]:
    if levels is None:
        return np.ones(n)
    if len(levels) != n:
        raise AnalysisError(f"{name}: {len(levels)} levels given for {n} items", field=name)
    out = np.empty(n)
    for i, lv in enumerate(levels):
        key = "medium" if lv is None or str(lv).strip() == "" else str(lv).strip().lower()
        if key not in WEIGHTS:
            raise AnalysisError(
                f"item {i}: unknown level {lv!r}; expected one of {', '.join(LEVELS)}", field=name
            )
        out[i] = WEIGHTS[key]
    return out

"""``indicators.yaml``: what every case codes, who owns it, and how a measured one is measured."""

from __future__ import annotations

from casusbelli.errors import Problem
from casusbelli.workspace.models import Indicator, IndicatorsFile
from casusbelli.workspace.validate.files import MAX_MEASURES_BYTES, check_regular, claim, read
from casusbelli.workspace.validate.parsed import Parsed

__all__ = ["check_indicators", "load_indicators"]

_FILE = "indicators.yaml"


def load_indicators(ws: Parsed) -> None:
    """Read ``indicators.yaml`` into ``ws.indicators`` (a bare list is accepted too)."""
    col = ws.col
    path = ws.root / _FILE
    if not path.exists():
        col.add(Problem("missing file: indicators.yaml", _FILE), "missing")
        return
    ws.files.append(path)
    doc = read(path, col)
    if doc is None:
        return
    data, ws.indicator_marks = doc
    if isinstance(data, list):
        data = {"indicators": data}
    parsed = col.validate(IndicatorsFile, data, _FILE, ws.indicator_marks)
    if parsed is None:
        return
    for i, ind in enumerate(parsed.indicators):
        claim(col, ws.origins, "indicator", ind.id, _FILE, ws.indicator_marks,
              ("indicators", i), ("indicators", i, "id"))
        ws.indicators[ind.id] = ind


def check_indicators(ws: Parsed) -> None:
    """Each indicator's owner is a theory (or outcome/descriptor); a measured one names known
    frames and source, and its frame counts file exists (and joins the content hash)."""
    col, marks = ws.col, ws.indicator_marks
    allowed_owner = set(ws.theories) | {"outcome", "descriptor"}
    for i, ind in enumerate(ws.indicators.values()):
        if ws.theories and ind.theory not in allowed_owner:
            col.unknown(_FILE, marks, ("indicators", i, "theory"), "theory", ind.theory,
                        allowed_owner)
        if ind.measured:
            _check_measured(ws, i, ind)


def _check_measured(ws: Parsed, i: int, ind: Indicator) -> None:
    col, marks = ws.col, ws.indicator_marks
    spec = ind.measured
    assert spec is not None
    for j, fr in enumerate(spec.frames):
        if fr not in ws.frames:
            col.unknown(_FILE, marks, ("indicators", i, "measured", "frames", j), "frame", fr,
                        ws.frames)
    if spec.source not in ws.sources:
        col.unknown(_FILE, marks, ("indicators", i, "measured", "source"), "source",
                    spec.source, ws.sources)
    mfile = ws.root / "measures" / f"{spec.corpus}.parquet"
    if not mfile.exists():
        col.add_at(_FILE, marks, ("indicators", i, "measured", "corpus"),
                   f"no frame counts at measures/{spec.corpus}.parquet", "missing")
        return
    problem = check_regular(mfile, col, MAX_MEASURES_BYTES)
    if problem is None:
        ws.files.append(mfile)
    else:
        col.add(problem, "file")

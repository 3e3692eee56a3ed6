"""(temporary) measured indicators computed while loading; moves to casusbelli.analysis."""

from __future__ import annotations

from casusbelli.errors import Problem
from casusbelli.workspace.loaded import Workspace
from casusbelli.workspace.models import Case, Coding, SourceRef
from casusbelli.workspace.validate.parsed import Parsed


def apply_measured(ws: Parsed) -> None:
    """Add the codings of measured indicators to every case (computed, with provenance)."""
    from casusbelli.discourse.service import measured_codings
    from casusbelli.errors import CasusError

    assert ws.config is not None
    col = ws.col
    stub = Workspace(root=ws.root, config=ws.config, sources=ws.sources,
                     indicators=ws.indicators, theories={}, cases=ws.cases, frames=ws.frames)
    try:
        measured = measured_codings(stub)
    except CasusError as exc:
        col.add(Problem(f"cannot measure indicators: {exc}", "indicators.yaml"), "schema")
        return
    except (OSError, ValueError, TypeError) as exc:  # pyarrow's errors on a damaged file
        corpora = sorted({i.measured.corpus for i in ws.indicators.values() if i.measured})
        where = f"measures/{corpora[0]}.parquet" if len(corpora) == 1 else "measures"
        what = " ".join(f"{type(exc).__name__}: {exc}".split())
        col.add(Problem(f"cannot read frame counts: {what}"[:300], where), "file")
        return
    out: dict[str, Case] = {}
    for cid, case in ws.cases.items():
        extra = {
            ind: Coding(value=c["value"], rationale=c["rationale"],
                        sources=[SourceRef(**s) for s in c["sources"]])
            for ind, c in measured.get(cid, {}).items()
        }
        out[cid] = case.model_copy(update={"codings": {**case.codings, **extra}})
    ws.cases = out

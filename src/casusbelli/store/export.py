"""Write what a store holds back out: a workspace folder, or the case × indicator matrix."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import tomli_w
from ruamel.yaml import YAML

from casusbelli.errors import CasusError

if TYPE_CHECKING:
    import pandas as pd
from casusbelli.store.queries import CaseMatrix, StoredWorkspace

__all__ = ["export_matrix", "export_workspace", "matrix_frame", "yaml_dump"]


def _yaml() -> YAML:
    y = YAML()
    y.default_flow_style = False
    y.width = 100
    y.allow_unicode = True
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def yaml_dump(data: Any) -> str:
    """Dump plain data as block-style YAML (UTF-8, 100 columns)."""
    buf = io.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=False)


def export_workspace(stored: StoredWorkspace, out: Path) -> list[Path]:
    """Write a workspace folder from a store; returns the files written.

    The folder must not exist or be empty, so nothing is overwritten by accident.
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise CasusError(
            f"export folder is not empty: {out}",
            hint="choose a new folder; files in git stay the source of truth",
        )
    written: list[Path] = []

    def write(rel: str, text: str) -> None:
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        written.append(p)

    cfg = stored.config.model_dump(mode="json", exclude_none=True)
    prior = cfg.pop("prior", None)
    doc: dict[str, Any] = {"workspace": cfg}
    if prior:
        doc["prior"] = prior
    write("casus.toml", tomli_w.dumps(doc))
    write("sources.yaml", yaml_dump([_dump(s) for s in stored.sources.values()]))
    write(
        "indicators.yaml", yaml_dump({"indicators": [_dump(i) for i in stored.indicators.values()]})
    )
    for tid, th in stored.theories.items():
        write(f"theories/{tid}.yaml", yaml_dump(_dump(th)))
    measured = {i for i, ind in stored.indicators.items() if ind.measured is not None}
    for cid, case in stored.cases.items():
        doc = case.to_doc()
        for ind_id in measured:  # computed (analysis.measured), never hand-coded
            doc.get("codings", {}).pop(ind_id, None)
        write(f"cases/{cid}.yaml", yaml_dump(doc))
    for cid, ev in stored.evidence.items():
        write(f"evidence/{cid}.yaml", yaml_dump(_dump(ev)))
    for qid, q in stored.questions.items():
        write(f"questions/{qid}.yaml", yaml_dump(_dump(q)))
    for fid, fr in stored.frames.items():
        write(f"frames/{fid}.yaml", yaml_dump(_dump(fr)))
    return written


def matrix_frame(matrix: CaseMatrix) -> pd.DataFrame:
    """The case × indicator matrix as a DataFrame (unknown values are NaN, in float columns)."""
    import pandas as pd

    info = pd.DataFrame(list(matrix.case_info))
    vals = pd.DataFrame(
        [[float("nan") if v is None else v for v in row] for row in matrix.values],
        columns=list(matrix.indicator_ids),
        dtype="float64",
    )
    return pd.concat([info.reset_index(drop=True), vals], axis=1)


def export_matrix(
    matrix: CaseMatrix, fmt: Literal["csv", "parquet", "json"], out: Path | None
) -> str | None:
    """Write the matrix as CSV, Parquet or JSON; return the text when ``out`` is None (CSV/JSON)."""
    df = matrix_frame(matrix)
    if fmt == "csv":
        text = df.to_csv(index=False, na_rep="")
    elif fmt == "json":
        records = []
        for info, row in zip(matrix.case_info, matrix.values, strict=True):
            rec = dict(info)
            rec.update(dict(zip(matrix.indicator_ids, row, strict=True)))
            records.append(rec)
        text = json.dumps(records, indent=2, ensure_ascii=False)
    elif fmt == "parquet":
        if out is None:
            raise CasusError("parquet export needs an output file", field="--output")
        df.to_parquet(out, index=False)
        return None
    else:
        raise CasusError(f"unknown format {fmt!r}; expected one of csv, parquet, json")
    if out is None:
        return text
    Path(out).write_text(text, encoding="utf-8")
    return None

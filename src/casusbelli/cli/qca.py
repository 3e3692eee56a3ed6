"""QCA commands: ``casus qca`` (a workspace theory or a CSV file) and ``casus evaluate``."""

from pathlib import Path
from typing import Annotated, Any

import typer

from casusbelli.cli import JsonOpt, WsOpt, app, console, echo_json, fail, workspace_path
from casusbelli.errors import AnalysisError, CasusError, SourceError


def _read_csv(path: Path, index_col: str | None) -> Any:
    import pandas as pd

    try:
        df = pd.read_csv(path)
    except FileNotFoundError:
        raise SourceError(f"no such file: {path}", file=str(path)) from None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise SourceError(f"cannot read CSV: {exc}", file=str(path)) from exc
    if index_col:
        if index_col not in df.columns:
            raise SourceError(f"no column {index_col!r}", file=str(path), field="--case-col")
        df = df.set_index(index_col)
    elif not pd.api.types.is_numeric_dtype(df[df.columns[0]]):
        df = df.set_index(df.columns[0])  # a first text column holds the case ids
    return df


def _dir_exp(text: str | None, conds: list[str]) -> dict[str, Any] | None:
    if not text:
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != len(conds):
        raise AnalysisError(f"--dir-exp has {len(parts)} values for {len(conds)} conditions",
                            field="--dir-exp")
    out: dict[str, Any] = {}
    for c, p in zip(conds, parts, strict=True):
        if p not in ("0", "1", "-"):
            raise AnalysisError(f"--dir-exp value {p!r} for {c}: expected 1, 0 or -",
                                field="--dir-exp")
        out[c] = p if p == "-" else int(p)
    return out


@app.command()
def qca(
    ws: Annotated[str | None, typer.Argument(help="Workspace (with --theory).",
                                             show_default=False)] = None,
    workspace_opt: WsOpt = None,
    theory: Annotated[str | None, typer.Option(help="Use this theory's indicators as "
                                               "conditions and the workspace outcome.")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="A CSV of memberships in [0, 1] "
                                              "(first text column = case ids).")] = None,
    outcome: Annotated[str | None, typer.Option(help="Outcome column; prefix ~ to negate.")] = None,
    conditions: Annotated[str | None, typer.Option(help="Comma-separated condition "
                                                   "columns (default: all others).")] = None,
    incl_cut: Annotated[float, typer.Option("--incl-cut")] = 0.8,
    n_cut: Annotated[int, typer.Option("--n-cut")] = 1,
    pri_cut: Annotated[float, typer.Option("--pri-cut")] = 0.0,
    dir_exp: Annotated[str | None, typer.Option("--dir-exp", help="Directional expectations "
                                                "per condition, e.g. 1,1,- (intermediate).")] = None,
    necessity: Annotated[bool, typer.Option("--necessity", help="Also necessity tests of each "
                                            "condition and its negation.")] = False,
    robustness: Annotated[bool, typer.Option("--robustness", help="Also re-run across "
                                             "incl_cut ±0.05/0.1 and n_cut 1-3.")] = False,
    case_col: Annotated[str | None, typer.Option("--case-col", help="Column with case ids.")] = None,
    permutations: Annotated[int, typer.Option("--permutations", help="Permutation test of the "
                                              "solution: shuffle the outcome N times (0 = off; "
                                              "1000 is a good number).")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the permutation "
                                      "test and the skew simulation.")] = 0,
    json_: JsonOpt = False,
) -> None:
    """Qualitative Comparative Analysis: truth table, complex/parsimonious/intermediate
    solutions with inclS, PRI, covS, covU (the same results as R's QCA package), with the
    outcome's base rate beside incl_cut, conditions whose negation also passes, and an
    optional permutation test."""
    import numpy as np
    from rich.table import Table

    from casusbelli.cross import qca as engine
    from casusbelli.cross import qca_checks as checks
    from casusbelli.cross.robustness import robustness as run_robustness

    try:
        if data is not None:
            if theory:
                raise CasusError("give --theory (workspace) or --data FILE, not both")
            if not outcome:
                raise CasusError("--data needs --outcome", field="--outcome")
            df = _read_csv(data, case_col)
            conds = ([c.strip() for c in conditions.split(",")] if conditions else
                     [c for c in df.columns if c != outcome.lstrip("~")])
            out_col = outcome
            note = f"{data}"
        else:
            if not theory:
                raise CasusError("give --theory ID (with a workspace) or --data FILE.csv",
                                 hint="casus theories lists the theory ids")
            from casusbelli.analysis.measured import load_workspace
            from casusbelli.cross.section import theory_frame

            workspace = load_workspace(workspace_path(ws, workspace_opt))
            if theory not in workspace.theories:
                raise CasusError(f"unknown theory id {theory!r} in workspace "
                                 f"{workspace.name!r}", field="--theory",
                                 hint=f"theories: {', '.join(workspace.theories)}")
            tf = theory_frame(workspace, theory)
            df, conds = tf["frame"], tf["conditions"]
            out_col = ("~" if outcome and outcome.startswith("~") else "") + workspace.outcome
            note = (f"theory {theory}: {len(df)} cases ({tf['left_out']} with an unknown left "
                    "out)" + (f"; conditions left out (coded in too few cases): "
                              f"{', '.join(tf['dropped'])}" if tf["dropped"] else ""))
        res = engine.analyze(df, out_col, conds, incl_cut=incl_cut, n_cut=n_cut,
                             pri_cut=pri_cut, dir_exp=_dir_exp(dir_exp, conds))
        doc: dict[str, Any] = res.to_dict()
        y = engine.outcome_membership(df, out_col)
        doc["checks"] = {
            "skew": checks.skew_check(y, incl_cut, rng=np.random.default_rng(seed)).to_dict(),
            "negation": checks.negation_check(df[conds].to_numpy(dtype=float), y, conds,
                                              incl_cut).to_dict(),
        }
        if permutations < 0:
            raise CasusError("--permutations must be 0 (off) or more", field="--permutations")
        if permutations:
            perm = checks.permutation_test(
                df, out_col, conds, rng=np.random.default_rng(seed), n_perm=permutations,
                incl_cut=incl_cut, n_cut=n_cut, pri_cut=pri_cut, dir_exp=_dir_exp(dir_exp, conds))
            doc["checks"]["permutation"] = perm.to_dict()
        if necessity:
            doc["necessity"] = [f.to_dict() for f in engine.necessity(df, out_col, conds)]
        if robustness:
            cuts = sorted({round(incl_cut + d, 2) for d in (-0.1, -0.05, 0.05, 0.1)
                           if 0.5 <= incl_cut + d <= 1.0})
            rob = run_robustness(df, out_col, conds, incl_cut=incl_cut, n_cut=n_cut,
                                 incl_cuts=cuts, n_cuts=[n for n in (1, 2, 3) if n != n_cut])
            doc["robustness"] = rob.to_dict()
    except CasusError as exc:
        fail(exc)
        return
    if json_:
        echo_json(doc)
        return
    console.print(note, highlight=False)
    tt = Table(title="Truth table (rows with cases)", title_justify="left")
    rows = [r for r in doc["truth_table"] if r.get("n", 0) > 0]
    if rows:
        keys = [k for k in rows[0] if k not in ("cases",)]
        for k in keys:
            tt.add_column(str(k))
        tt.add_column("cases")
        for r in rows:
            tt.add_row(*(f"{r[k]:.3f}" if isinstance(r[k], float) else str(r[k]) for k in keys),
                       ", ".join(map(str, r.get("cases", [])))[:60])
        console.print(tt)
    for kind, models in doc["solutions"].items():
        if not models:
            continue
        for i, m in enumerate(models, 1):
            t = Table(title=f"{kind} solution M{i}: {' + '.join(m['terms'])}  "
                            f"(inclS {m['inclS']:.3f}, PRI {m['PRI']:.3f}, covS {m['covS']:.3f})",
                      title_justify="left")
            for col in ("term", "inclS", "PRI", "covS", "covU"):
                t.add_column(col)
            for d in m["terms_detail"]:
                t.add_row(d["term"], *(f"{d[k]:.3f}" if d[k] is not None else "" for k in
                                       ("inclS", "PRI", "covS", "covU")))
            console.print(t)
    if "necessity" in doc:
        t = Table(title="Necessity", title_justify="left")
        for col in ("condition", "inclN", "RoN", "covN"):
            t.add_column(col)
        for f in doc["necessity"]:
            t.add_row(str(f["term"]), *(f"{f[k]:.3f}" for k in ("inclN", "RoN", "covN")))
        console.print(t)
    _print_checks(doc["checks"])
    if "robustness" in doc:
        echo_json({"robustness": doc["robustness"]})


def _print_checks(found: dict[str, Any]) -> None:
    """The QCA checks as a few lines (``warn`` in yellow)."""
    skew = found["skew"]
    mark = "[yellow]warn[/]" if skew["status"] == "warn" else "pass"
    console.print(f"skew {mark}: {skew['detail']}", highlight=False)
    neg = found["negation"]
    for r in neg["conditions"]:
        if r["both_pass"]:
            console.print(f"negation [yellow]warn[/]: {r['condition']} (inclS {r['inclS']:.3f}) "
                          f"and ~{r['condition']} (inclS {r['inclS_negated']:.3f}) both pass "
                          f"incl_cut {neg['incl_cut']:g}: sufficiency says nothing about it",
                          highlight=False)
    if not neg["flagged"]:
        console.print("negation pass: no condition passes both present and absent",
                      highlight=False)
    perm = found.get("permutation")
    if perm:
        mark = "pass" if perm["status"] == "pass" else "[yellow]warn[/]"
        console.print(f"permutation {mark}: {perm['detail']}", highlight=False)


@app.command()
def evaluate(
    ws: Annotated[str | None, typer.Argument(help="Workspace folder or built-in name (same as "
                                             "-w).", show_default=False)] = None,
    workspace_opt: WsOpt = None,
    theory: Annotated[str | None, typer.Option(help="Only this theory.")] = None,
    same_cases: Annotated[bool, typer.Option("--same-cases/--no-same-cases",
                                             help="Compare the theories on the cases coded by "
                                             "every testable theory (default), or each on "
                                             "its own cases.")] = True,
    json_: JsonOpt = False,
) -> None:
    """Theory evaluation: each theory's expected path T against the empirical QCA solution S
    (T·S, T·~S, ~T·S, ~T·~S with consistency, coverage and cases), rival theories side by side
    on the same cases."""
    from rich.table import Table

    from casusbelli.analysis.measured import load_workspace
    from casusbelli.cross.section import evaluate_workspace

    try:
        workspace = load_workspace(workspace_path(ws, workspace_opt))
        if theory is not None and theory not in workspace.theories:
            raise CasusError(f"unknown theory id {theory!r} in workspace {workspace.name!r}",
                             field="--theory", hint=f"theories: {', '.join(workspace.theories)}")
        rows = [r for r in evaluate_workspace(workspace, same_cases=same_cases)
                if theory is None or r["theory_id"] == theory]
    except CasusError as exc:
        fail(exc)
        return
    if json_:
        echo_json(rows)
        return
    shared = next((r for r in rows if r.get("same_cases")), None)
    if shared is not None:
        console.print(f"Compared on the same {shared['cases']} cases (coded by "
                      f"{', '.join(shared['compared_with'])}); --no-same-cases uses each "
                      "theory's own cases.", highlight=False)
    for r in rows:
        if "error" in r:
            console.print(f"[bold]{r['theory_id']}[/]: [yellow]{r['error']}[/]")
            continue
        if r.get("constant"):
            console.print(f"{r['theory_id']}: left out, constant on these cases: "
                          f"{', '.join(r['constant'])}", highlight=False)
        t = Table(title=f"{r['theory_id']}: T = {r['theory']}   S = {r['solution']}   "
                        f"({r['cases']} cases; T inclS {r['theory_inclS']:.3f}, covS "
                        f"{r['theory_covS']:.3f})", title_justify="left")
        for col in ("area", "inclS", "PRI", "covS", "cases with outcome", "cases without"):
            t.add_column(col)
        for a in r["intersections"]:
            t.add_row(a["area"], *("" if a[k] is None else f"{a[k]:.3f}"
                                   for k in ("inclS", "PRI", "covS")),
                      ", ".join(a["cases_in_outcome"]), ", ".join(a["cases_not_in_outcome"]))
        console.print(t)

"""QCA commands: ``casus qca`` (a workspace theory or a CSV file) and ``casus evaluate``."""

from pathlib import Path
from typing import Annotated, Any

import typer

from casusbelli.cli import JsonOpt, WsOpt, app, console, echo_json, workspace_path
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


def _dir_exp(text: str | None, conds: list[str]) -> str | dict[str, Any] | None:
    """Directional expectations from ``--dir-exp``: the old positional form (``1,0,-``, one
    value per condition) or R QCA 3.x's names form (``DEV, URB, ~LIT``; a condition left out
    has no expectation), checked against the conditions."""
    from casusbelli.cross.qca import parse_dir_exp

    if not text or not text.strip():
        return None
    parts = [p.strip() for p in text.split(",")]
    if all(p in ("0", "1", "-") for p in parts):
        if len(parts) != len(conds):
            raise AnalysisError(f"--dir-exp has {len(parts)} values for {len(conds)} conditions",
                                field="--dir-exp",
                                hint="give one of 1, 0, - per condition, or R's names form "
                                     '"DEV, URB, ~LIT"')
        return {c: (p if p == "-" else int(p)) for c, p in zip(conds, parts, strict=True)}
    try:
        parse_dir_exp(text, conds)
    except AnalysisError as exc:
        raise AnalysisError(str(exc.message), field="--dir-exp", hint=exc.hint) from None
    return text


def _calibrations(specs: list[str] | None) -> list[tuple[str, str]]:
    """``--calibrate COL="e=350, c=550, i=900"`` into (column, thresholds) pairs."""
    out = []
    for spec in specs or []:
        col, sep, th = spec.partition("=")
        if not sep or not col.strip() or not th.strip():
            raise AnalysisError(f"--calibrate {spec!r}: expected COLUMN=\"e=..., c=..., i=...\"",
                                field="--calibrate",
                                hint='e.g. --calibrate DEV="e=350, c=550, i=900" (fuzzy) or '
                                     "--calibrate DEV=550 (crisp: unnamed thresholds)")
        out.append((col.strip(), th.strip().strip("\"'")))
    return out


def prepare_data(df: Any, outcome: str, conditions: str | None,
                 calibrations: list[tuple[str, str]]) -> tuple[Any, list[str], list[str]]:
    """Calibrate, choose the conditions and drop incomplete cases of a ``--data`` CSV.

    Returns the frame, the condition names and notes for the user: columns calibrated,
    non-numeric columns ignored (when ``--conditions`` is not given) and cases left out for a
    missing value. Named thresholds calibrate fuzzy sets, unnamed ones crisp sets (as in R,
    where fuzzy thresholds are named ``e``, ``c``, ``i``).
    """
    import pandas as pd

    from casusbelli.cross.calibrate import calibrate, parse_thresholds

    notes: list[str] = []
    df = df.copy()
    for col, th in calibrations:
        if col not in df.columns:
            raise AnalysisError(f"--calibrate: no column {col!r}", field="--calibrate",
                                hint=f"columns: {', '.join(map(str, df.columns))}")
        if not pd.api.types.is_numeric_dtype(df[col]):
            raise AnalysisError(f"--calibrate: column {col!r} is not numeric", field=col)
        _, names = parse_thresholds(th)
        kind = "fuzzy" if names else "crisp"
        try:
            df[col] = calibrate(df[col].to_numpy(dtype=float), th, type=kind)
        except AnalysisError as exc:
            raise AnalysisError(f"--calibrate {col}: {exc.message}", field=exc.field or col,
                                hint=exc.hint) from None
        notes.append(f"calibrated {col} ({kind}, thresholds {th})")
    out_name = outcome.strip().lstrip("~").strip()
    if conditions:
        conds = [c.strip() for c in conditions.split(",") if c.strip()]
    else:
        conds, ignored = [], []
        for c in df.columns:
            if c == out_name:
                continue
            (conds if pd.api.types.is_numeric_dtype(df[c]) else ignored).append(str(c))
        if ignored:
            notes.append(f"non-numeric columns ignored: {', '.join(ignored)} "
                         "(--conditions chooses the conditions)")
    used = [c for c in [*conds, out_name] if c in df.columns]
    missing = df[used].isna().any(axis=1)
    if missing.any() and not missing.all():
        notes.append(f"{int(missing.sum())} case(s) left out for a missing value: "
                     + ", ".join(map(str, df.index[missing][:10]))
                     + (", ..." if missing.sum() > 10 else ""))
        df = df[~missing]
    return df, conds, notes


def _print_robustness(doc: dict[str, Any]) -> None:
    """The robustness grid as a table."""
    from rich.table import Table

    t = Table(title=f"Robustness (baseline {doc['baseline']}; same solution in "
                    f"{doc['robust_share']:.0%} of the variants)", title_justify="left")
    for col in ("variant", "solution", "term overlap", "case retention", "inclS", "covS",
                "cases in", "cases out"):
        t.add_column(col)
    for v in doc["variants"]:
        if v["error"]:
            t.add_row(v["label"], f"[yellow]{v['error']}[/]", "", "", "", "", "", "")
            continue
        t.add_row(v["label"], v["solution"], f"{v['term_overlap']:.2f}",
                  f"{v['case_retention']:.2f}",
                  *("" if v[k] is None else f"{v[k]:.3f}" for k in ("inclS", "covS")),
                  ", ".join(v["flipped_in"]), ", ".join(v["flipped_out"]))
    console.print(t)


@app.command()
def qca(
    ws: Annotated[str | None, typer.Argument(help="Workspace (with --theory).",
                                             show_default=False)] = None,
    workspace_opt: WsOpt = None,
    theory: Annotated[str | None, typer.Option(help="Use this theory's indicators as "
                                               "conditions and the workspace outcome.")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="A CSV of memberships in [0, 1] "
                                              "(first text column = case ids; other "
                                              "non-numeric columns are ignored).")] = None,
    outcome: Annotated[str | None, typer.Option(help="Outcome column; prefix ~ to negate.")] = None,
    conditions: Annotated[str | None, typer.Option(help="Comma-separated condition "
                                                   "columns (default: all other numeric "
                                                   "ones).")] = None,
    calibrate: Annotated[list[str] | None, typer.Option(
        "--calibrate", help='Calibrate a raw column first, as R\'s calibrate(): '
        'COL="e=350, c=550, i=900" (fuzzy; also 6 thresholds e1..e2) or COL=550 (crisp, '
        "unnamed thresholds). Repeat for more columns.")] = None,
    incl_cut: Annotated[float | None, typer.Option(
        "--incl-cut", help="Inclusion cut-off (R's incl.cut; default 0.8, the engine's "
        "DEFAULT_INCL_CUT).", show_default=False)] = None,
    n_cut: Annotated[int, typer.Option("--n-cut")] = 1,
    pri_cut: Annotated[float, typer.Option("--pri-cut")] = 0.0,
    include: Annotated[str | None, typer.Option(
        "--include", help="R's include: '?' gives the parsimonious solution (the "
        "intermediate one with --dir-exp), '?,C' also uses contradictions, '' the complex "
        "one; default: all three.")] = None,
    dir_exp: Annotated[str | None, typer.Option("--dir-exp", help="Directional expectations "
                                                "(intermediate solution), R's names form "
                                                '"DEV, URB, ~LIT" (conditions left out: none) '
                                                "or one of 1, 0, - per condition.")] = None,
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
    plot: Annotated[Path | None, typer.Option("--plot", help="Write the XY plot (solution M1, "
                                              "or --plot-term, against the outcome, cases "
                                              "labelled) to FILE.html or FILE.png.")] = None,
    plot_term: Annotated[str | None, typer.Option("--plot-term", help="Plot this term, "
                                                  "condition or expression (e.g. DEV*~IND) "
                                                  "instead of the solution.")] = None,
    r_script: Annotated[Path | None, typer.Option("--r-script", help="With --data: write an "
                                                  "R script that reruns this analysis with "
                                                  "R's QCA package (calibrate, truthTable, "
                                                  "minimize, same cut-offs).")] = None,
    json_: JsonOpt = False,
) -> None:
    """Qualitative Comparative Analysis: truth table, complex/parsimonious/intermediate
    solutions with inclS, PRI, covS, covU (the same results as R's QCA package), with the
    outcome's base rate beside incl_cut, conditions whose negation also passes, and an
    optional permutation test.
    \fLong: the typer option declarations (signature and help) make it long.
    """
    import warnings

    from casusbelli.cross import qca as engine

    notes: list[str] = []
    if incl_cut is None:
        incl_cut = engine.DEFAULT_INCL_CUT
    if data is not None:
        if theory:
            raise CasusError("give --theory (workspace) or --data FILE, not both")
        if not outcome:
            raise CasusError("--data needs --outcome", field="--outcome")
        df, conds, notes = prepare_data(_read_csv(data, case_col), outcome, conditions,
                                        _calibrations(calibrate))
        out_col = outcome
        note = f"{data}: {len(df)} cases"
    else:
        if calibrate:
            raise CasusError("--calibrate applies to --data (workspace indicators are "
                             "memberships already)", field="--calibrate")
        df, conds, out_col, note = _theory_inputs(ws, workspace_opt, theory, outcome)
    expect = _dir_exp(dir_exp, conds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the 0.5 memberships are noted below
        res = engine.analyze(df, out_col, conds, incl_cut=incl_cut, n_cut=n_cut,
                             pri_cut=pri_cut, dir_exp=expect, include=include)
    half = res.truth_table.half_cases
    if half:
        notes.append(f"warning: {len(half)} case(s) with a membership of exactly 0.5 in a "
                     f"condition ({', '.join(half[:8])}{', ...' if len(half) > 8 else ''}) "
                     "are in no truth-table row: n counts them, cases does not list them; "
                     "move them off 0.5 (recalibrate)")
    doc: dict[str, Any] = res.to_dict()
    doc["notes"] = notes
    if permutations < 0:
        raise CasusError("--permutations must be 0 (off) or more", field="--permutations")
    cuts = {"incl_cut": incl_cut, "n_cut": n_cut, "pri_cut": pri_cut, "dir_exp": expect}
    _add_checks(doc, df, out_col, conds, cuts, seed=seed, permutations=permutations,
                necessity=necessity, robustness=robustness)
    if plot is not None or plot_term:
        doc["plot"] = write_xy_plot(res, df, out_col, plot, plot_term)
    if r_script is not None:
        if data is None:
            raise CasusError("--r-script applies to --data; for a workspace use casus "
                             "export --format r", field="--r-script")
        _write_r_script(r_script, data, df, out_col, conds, cuts, include,
                        _calibrations(calibrate))
        notes.append(f"R script written to {r_script}")
    if json_:
        echo_json(doc)
        return
    _print_text(doc, res, note, notes, out_col)


def _theory_inputs(ws: str | None, workspace_opt: str | None, theory: str | None,
                   outcome: str | None) -> tuple[Any, list[str], str, str]:
    """A workspace theory's frame, conditions, outcome column and a note on the cases."""
    from casusbelli.analysis.cross import theory_frame
    from casusbelli.analysis.measured import load_workspace

    if not theory:
        raise CasusError("give --theory ID (with a workspace) or --data FILE.csv",
                         hint="casus theories lists the theory ids")
    workspace = load_workspace(workspace_path(ws, workspace_opt))
    if theory not in workspace.theories:
        raise CasusError(f"unknown theory id {theory!r} in workspace "
                         f"{workspace.name!r}", field="--theory",
                         hint=f"theories: {', '.join(workspace.theories)}")
    tf = theory_frame(workspace, theory)
    out_col = ("~" if outcome and outcome.startswith("~") else "") + workspace.outcome
    note = (f"theory {theory}: {len(tf['frame'])} cases ({tf['left_out']} with an unknown "
            "left out)" + (f"; conditions left out (coded in too few cases): "
                           f"{', '.join(tf['dropped'])}" if tf["dropped"] else ""))
    return tf["frame"], list(tf["conditions"]), out_col, note


def _add_checks(doc: dict[str, Any], df: Any, out_col: str, conds: list[str],
                cuts: dict[str, Any], *, seed: int, permutations: int, necessity: bool,
                robustness: bool) -> None:
    """Add the skew and negation checks, and the optional permutation test, necessity
    table and robustness grid (with every cut-off of the printed analysis) to ``doc``."""
    import numpy as np

    from casusbelli.cross import qca as engine
    from casusbelli.cross import qca_checks as checks
    from casusbelli.cross.robustness import robustness as run_robustness

    incl_cut = cuts["incl_cut"]
    y = engine.outcome_membership(df, out_col)
    doc["checks"] = {
        "skew": checks.skew_check(y, incl_cut, rng=np.random.default_rng(seed)).to_dict(),
        "negation": checks.negation_check(df[conds].to_numpy(dtype=float), y, conds,
                                          incl_cut).to_dict(),
    }
    if permutations:
        perm = checks.permutation_test(df, out_col, conds, rng=np.random.default_rng(seed),
                                       n_perm=permutations, **cuts)
        doc["checks"]["permutation"] = perm.to_dict()
    if necessity:
        doc["necessity"] = [f.to_dict() for f in engine.necessity(df, out_col, conds)]
    if robustness:
        grid = sorted({round(incl_cut + d, 2) for d in (-0.1, -0.05, 0.05, 0.1)
                       if 0.5 <= incl_cut + d <= 1.0})
        rob = run_robustness(df, out_col, conds, **cuts,
                             solution_type="intermediate" if cuts["dir_exp"] else "parsimonious",
                             incl_cuts=grid, n_cuts=[n for n in (1, 2, 3) if n != cuts["n_cut"]])
        doc["robustness"] = rob.to_dict()


def _write_r_script(path: Path, data: Path, df: Any, out_col: str, conds: list[str],
                    cuts: dict[str, Any], include: str | None,
                    calibrations: list[tuple[str, str]]) -> None:
    """The R script of this ``--data`` analysis (named thresholds: fuzzy, else crisp)."""
    from casusbelli.cross.qca.rscript import RAnalysis, RCalibration, r_script

    cals = [RCalibration(col, th, "fuzzy" if "=" in th else "crisp") for col, th in calibrations]
    analysis = RAnalysis(out_col, out_col, tuple(conds), cuts["incl_cut"], cuts["n_cut"],
                         cuts["pri_cut"], include, cuts["dir_exp"],
                         tuple(str(c) for c in df.index))
    text = r_script(str(data), [analysis], calibrations=cals,
                    comments=["written by casus qca --r-script"])
    path.write_text(text, encoding="utf-8")


def _print_text(doc: dict[str, Any], res: Any, note: str, notes: list[str],
                out_col: str) -> None:
    """Text mode of ``casus qca``: notes, R-style result, necessity, checks, robustness."""
    console.print(note, highlight=False)
    for line in notes:
        console.print(("[yellow]" + line + "[/]") if line.startswith("warning") else line,
                      highlight=False)
    _print_result(res)
    if "necessity" in doc:
        from rich.table import Table

        t = Table(title="Necessity", title_justify="left")
        for col in ("condition", "inclN", "RoN", "covN"):
            t.add_column(col)
        for f in doc["necessity"]:
            t.add_row(str(f["term"]), *(f"{f[k]:.3f}" for k in ("inclN", "RoN", "covN")))
        console.print(t)
    _print_checks(doc["checks"])
    if "robustness" in doc:
        _print_robustness(doc["robustness"])
    if "plot" in doc:
        console.print(f"XY plot of {doc['plot']['x']} -> {out_col} written to "
                      f"{doc['plot']['file']}", highlight=False)


def write_xy_plot(res: Any, df: Any, outcome: str, path: Path | None,
                  term: str | None) -> dict[str, Any]:
    """Write the XY plot of ``term`` (default: model M1 of the main solution) to ``path``.

    ``.html`` is a page with the Vega-Lite chart (Vega from a CDN), ``.png`` and ``.svg`` are
    rendered by vl-convert. Returns ``{"x", "file"}``.
    """
    from casusbelli.cross.boolean import expression_membership
    from casusbelli.cross.qca import outcome_membership
    from casusbelli.report.charts import qca_xy_chart

    if path is None:
        raise CasusError("--plot-term needs --plot FILE.html|FILE.png", field="--plot")
    suffix = path.suffix.lower()
    if suffix not in (".html", ".png", ".svg"):
        raise CasusError(f"--plot {path}: expected a .html, .png or .svg file", field="--plot")
    if term is None:
        sol = res.main_solution
        if sol is None or not sol.models:
            raise AnalysisError("no solution to plot; give --plot-term", field="--plot-term")
        term = sol.models[0].expression
        label = f"{sol.solution_type} M1: {term}"
    else:
        label = term
    cols = {str(c): df[c].to_numpy(dtype=float) for c in df.columns
            if str(c) in res.truth_table.conditions}
    try:
        x = expression_membership(term, cols)
    except AnalysisError as exc:
        raise AnalysisError(exc.message, field="--plot-term", hint=exc.hint) from None
    y = outcome_membership(df, outcome)
    spec = qca_xy_chart(x.tolist(), y.tolist(), [str(i) for i in df.index], x_title=label,
                        y_title=outcome)
    if suffix == ".html":
        import altair as alt

        alt.Chart.from_dict(spec).save(str(path))
    else:
        try:
            import vl_convert
        except ImportError:
            raise CasusError("PNG/SVG plots need vl-convert-python", field="--plot",
                             hint="pip install vl-convert-python, or write FILE.html") from None
        if suffix == ".png":
            path.write_bytes(vl_convert.vegalite_to_png(spec, scale=2))
        else:
            path.write_text(vl_convert.vegalite_to_svg(spec), encoding="utf-8")
    return {"x": label, "file": str(path)}


def _print_result(res: Any) -> None:
    """The truth table and the solutions as R's QCA prints them."""
    from casusbelli.cross.qca.display import format_result

    console.print(format_result(res), markup=False, highlight=False, soft_wrap=True)


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

    from casusbelli.analysis.cross import evaluate_workspace
    from casusbelli.analysis.measured import load_workspace

    workspace = load_workspace(workspace_path(ws, workspace_opt))
    if theory is not None and theory not in workspace.theories:
        raise CasusError(f"unknown theory id {theory!r} in workspace {workspace.name!r}",
                         field="--theory", hint=f"theories: {', '.join(workspace.theories)}")
    rows = [r for r in evaluate_workspace(workspace, same_cases=same_cases)
            if theory is None or r["theory_id"] == theory]
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


@app.command("calibrate")
def calibrate_cmd(
    data: Annotated[Path, typer.Option("--data", help="CSV with the raw values (first text "
                                       "column = case ids).")],
    column: Annotated[str, typer.Option("--column", help="The raw column to calibrate.")],
    thresholds: Annotated[str, typer.Option(
        "--thresholds", help='As R writes them: "e=350, c=550, i=900" (increasing), '
        '"i=…, c=…, e=…" (decreasing), "e1=…, c1=…, i1=…, i2=…, c2=…, e2=…" (bell or '
        'trapezoid; "i1, c1, e1, e2, c2, i2" inverted); crisp: "550" or "300, 600".')],
    type_: Annotated[str, typer.Option("--type", help="fuzzy or crisp (R's type).")] = "fuzzy",
    logistic: Annotated[bool, typer.Option("--logistic/--no-logistic", help="Logistic (R's "
                                           "default) or linear function, 3 thresholds.")] = True,
    idm: Annotated[float, typer.Option("--idm", help="Inclusion degree of membership at "
                                       "the inclusion threshold.")] = 0.95,
    ecdf: Annotated[bool, typer.Option("--ecdf", help="Linear: use the empirical "
                                       "distribution between the thresholds.")] = False,
    below: Annotated[float, typer.Option("--below", help="Exponent of the linear function "
                                         "below the crossover.")] = 1.0,
    above: Annotated[float, typer.Option("--above", help="Exponent above the crossover.")] = 1.0,
    into: Annotated[str | None, typer.Option("--into", help="Write the memberships to this "
                                             "column (default: replace --column).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="CSV to write (default: "
                                             "stdout).")] = None,
    json_: JsonOpt = False,
) -> None:
    """Calibrate a raw column into set memberships, as R QCA's calibrate() (direct method,
    crisp cut points); empty or NA cells stay empty. Writes the CSV with the calibrated
    column (or JSON with --json).
    \fLong: the typer option declarations (signature and help) make it long.
    """
    import math

    import pandas as pd

    from casusbelli.cross.calibrate import calibrate

    df = _read_csv(data, None)
    if column not in df.columns:
        raise SourceError(f"no column {column!r}", file=str(data), field="--column",
                          hint=f"columns: {', '.join(map(str, df.columns))}")
    raw = pd.to_numeric(df[column], errors="coerce")
    bad = raw.isna() & df[column].notna()
    if bad.any():
        k = int(bad.to_numpy().nonzero()[0][0])
        raise SourceError(f"value {df[column].iloc[k]!r} is not a number", file=str(data),
                          line=k + 2, field=column)
    try:
        values = calibrate(raw.to_numpy(dtype=float), thresholds, type=type_,
                           logistic=logistic, idm=idm, ecdf=ecdf, below=below, above=above)
    except AnalysisError as exc:
        raise AnalysisError(exc.message, file=str(data),
                            field=f"--{exc.field}" if exc.field else None,
                            hint=exc.hint) from None
    df[into or column] = (pd.array([None if math.isnan(v) else int(v) for v in values],
                                   dtype="Int64") if type_ == "crisp" else values)
    if json_:
        echo_json({
            "column": column, "into": into or column, "type": type_, "thresholds": thresholds,
            "cases": [{"case": str(c), "raw": None if math.isnan(r) else float(r),
                       "membership": None if math.isnan(v) else
                       (int(v) if type_ == "crisp" else float(v))}
                      for c, r, v in zip(df.index, raw, values, strict=True)],
        })
        return
    index = df.index.name is not None or not isinstance(df.index, pd.RangeIndex)
    text = df.to_csv(index=index, na_rep="")
    if out is None:
        import sys

        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"Wrote {out} ({column} calibrated, {type_}, thresholds {thresholds})",
                  highlight=False)


def export_r(root: Path, matrix: Any, output: Path | None) -> list[Path]:
    """Write ``STEM.csv`` (the case x indicator matrix) and ``STEM.R`` (each theory's QCA).

    Each theory gets the conditions and cases of its ``casus qca --theory`` run (the same
    :func:`~casusbelli.analysis.cross.theory_frame` selection) and the workspace's QCA
    settings; a theory that cannot be analysed is listed in a comment with the reason.
    """
    from casusbelli import __version__
    from casusbelli.analysis.cross import QCA_SETTINGS, theory_frame
    from casusbelli.analysis.measured import load_workspace
    from casusbelli.cross.qca import truth_table
    from casusbelli.cross.qca.rscript import RAnalysis, r_script
    from casusbelli.store import export_matrix

    if output is None:
        raise CasusError("--format r needs --output STEM (writes STEM.csv and STEM.R)",
                         field="--output")
    stem = output.with_suffix("") if output.suffix.lower() in (".r", ".csv") else output
    csv_path, r_path = stem.with_name(stem.name + ".csv"), stem.with_name(stem.name + ".R")
    ws = load_workspace(root)
    analyses, skipped = [], []
    for tid in ws.theory_ids:
        try:
            tf = theory_frame(ws, tid)
        except AnalysisError as exc:
            skipped.append(f"theory {tid}: not analysed ({exc.message})")
            continue
        df = tf["frame"]
        if len(df) < 2 or df[ws.outcome].nunique() < 2 or not tf["conditions"]:
            skipped.append(f"theory {tid}: not analysed ({len(df)} cases, outcome constant "
                           "or no condition)")
            continue
        tt = truth_table(df[[*tf["conditions"], ws.outcome]], ws.outcome, tf["conditions"],
                         incl_cut=QCA_SETTINGS["incl_cut"], n_cut=QCA_SETTINGS["n_cut"])
        analyses.append(RAnalysis(label=f"theory {tid}", outcome=ws.outcome,
                                  conditions=tuple(tf["conditions"]),
                                  incl_cut=QCA_SETTINGS["incl_cut"],
                                  n_cut=QCA_SETTINGS["n_cut"],
                                  cases=tuple(str(c) for c in df.index),
                                  explain=tt.codes(["1"]).size > 0))
    export_matrix(matrix, "csv", csv_path)
    script = r_script(csv_path.name, analyses, comments=[
        f"R QCA rerun of workspace {ws.name!r}, written by casusbelli {__version__}",
        "(casus export --format r). Run it in the folder holding the CSV.",
        *skipped])
    r_path.write_text(script, encoding="utf-8")
    return [csv_path, r_path]

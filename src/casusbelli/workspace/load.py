"""Load a workspace folder: read every file, validate it, check references across files.

:func:`validate_workspace` returns *all* problems found (each naming file, line, column and
field); :func:`load_workspace` raises :class:`~casusbelli.errors.WorkspaceError` carrying them,
or returns a :class:`Workspace`.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from casusbelli.errors import (
    DuplicateIdError,
    Problem,
    SchemaError,
    UnknownIdError,
    WorkspaceError,
)
from casusbelli.workspace.models import (
    Case,
    Coding,
    EvidenceSet,
    Frame,
    Indicator,
    IndicatorsFile,
    Question,
    Signpost,
    Source,
    SourceRef,
    Theory,
    TheoryForecast,
    WorkspaceConfig,
)
from casusbelli.workspace.yamlio import (
    MAX_FILE_BYTES,
    Marks,
    _FileProblem,
    decode_text,
    parse_yaml,
    read_bytes,
    read_text,
    read_yaml,
)

__all__ = [
    "BUILTIN_WORKSPACES",
    "MAX_MEASURES_BYTES",
    "Workspace",
    "WorkspaceLocation",
    "builtin_path",
    "discover_workspace",
    "load_file",
    "load_workspace",
    "resolve_workspace",
    "validate_workspace",
]

BUILTIN_WORKSPACES = ("russia",)
#: Largest ``measures/<corpus>.parquet`` file accepted, in bytes (frame counts per document).
MAX_MEASURES_BYTES = 512 * 1024 * 1024
M = TypeVar("M", bound=BaseModel)


@dataclass
class Workspace:
    """A loaded, validated workspace. Mappings keep file order (cases sorted by id)."""

    root: Path
    config: WorkspaceConfig
    sources: dict[str, Source]
    indicators: dict[str, Indicator]
    theories: dict[str, Theory]
    cases: dict[str, Case]
    evidence: dict[str, EvidenceSet] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    frames: dict[str, Frame] = field(default_factory=dict)
    signposts: dict[str, Signpost] = field(default_factory=dict)
    content_hash: str = ""
    #: where each id was declared: ("case", "hungary-1956") -> (file, line)
    origins: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)
    #: what ``casus validate`` reports without failing (e.g. evidence metadata in a user's
    #: workspace)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The workspace's name from ``casus.toml``."""
        return self.config.name

    @property
    def theory_ids(self) -> list[str]:
        """Theories analysed by default, in display order."""
        return list(self.config.theories) or list(self.theories)

    @property
    def outcome(self) -> str:
        """The outcome indicator's id."""
        return self.config.outcome

    def prior(self) -> dict[str, float]:
        """The prior over the default theories, normalised (flat when not configured)."""
        ids = self.theory_ids
        raw = self.config.prior or {t: 1.0 for t in ids}
        total = sum(raw.get(t, 0.0) for t in ids)
        return {t: raw.get(t, 0.0) / total for t in ids}

    def indicators_of(self, theory: str) -> list[str]:
        """Indicator ids that belong to ``theory``, in file order."""
        return [i.id for i in self.indicators.values() if i.theory == theory]

    def predictors_of(self, theory: str) -> list[tuple[str, int]]:
        """The cross-case predictors of ``theory`` with the sign it expects (+1, -1 or 0).

        A theory's predictors are the indicators its implications name (with ``expect: high``
        as +1 and ``low`` as -1); a theory with no implications uses its own indicators with a
        free sign (0). Only indicators that are observable before the decision and codeable
        for every case (:attr:`Indicator.predictor`) are kept; the rest stay within-case.
        """
        th = self.theories[theory]
        if th.implications:
            pairs = [(m.indicator, 1 if m.expect == "high" else -1) for m in th.implications]
        else:
            pairs = [(i, 0) for i in self.indicators_of(theory)]
        seen: set[str] = set()
        out = []
        for ind, sign in pairs:
            spec = self.indicators.get(ind)
            if spec is None or not spec.predictor or ind in seen:
                continue
            seen.add(ind)
            out.append((ind, sign))
        return out

    def excluded_of(self, theory: str) -> list[str]:
        """Indicators of ``theory`` (own or implied) that cross-case engines leave out, because
        they describe the intervention (``timing: after``) or can be n/a."""
        th = self.theories[theory]
        ids = [m.indicator for m in th.implications] + self.indicators_of(theory)
        out: list[str] = []
        for ind in ids:
            spec = self.indicators.get(ind)
            if spec is not None and not spec.predictor and ind not in out:
                out.append(ind)
        return out


def builtin_path(name: str) -> Path:
    """Return the folder of a built-in workspace that ships inside the package."""
    if name not in BUILTIN_WORKSPACES:
        raise WorkspaceError(
            f"no built-in workspace named {name!r}",
            hint=f"built-in workspaces: {', '.join(BUILTIN_WORKSPACES)}",
        )
    root = resources.files("casusbelli.workspace") / "builtin" / name
    return Path(str(root))


def resolve_workspace(ws: str | Path | None) -> Path:
    """Turn a CLI argument into a folder: ``None`` is the built-in ``russia`` workspace."""
    if ws is None:
        return builtin_path("russia")
    p = Path(ws)
    if not p.exists() and str(ws) in BUILTIN_WORKSPACES:
        return builtin_path(str(ws))
    if not p.is_dir():
        raise WorkspaceError(f"workspace folder not found: {ws}", hint="casus init DIR makes one")
    return p


#: Environment variable naming the workspace when no ``-w/--workspace`` is given.
WORKSPACE_ENV = "CASUS_WORKSPACE"


@dataclass(frozen=True)
class WorkspaceLocation:
    """Where :func:`discover_workspace` found a workspace, and how.

    ``how`` is ``"argument"`` (given explicitly), ``"env"`` (``$CASUS_WORKSPACE``),
    ``"cwd"`` (the nearest folder upward holding ``casus.toml``) or ``"builtin"`` (the
    built-in ``russia`` workspace, because nothing else was found).
    """

    path: Path
    how: str

    @property
    def builtin(self) -> bool:
        return self.how == "builtin"


def discover_workspace(
    ws: str | Path | None = None,
    *,
    cwd: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> WorkspaceLocation:
    """Find the workspace a command should use, as git finds its repository.

    In order: ``ws`` when given (a folder or a built-in name); else ``$CASUS_WORKSPACE``;
    else the nearest folder from ``cwd`` upward that holds ``casus.toml``; else the
    built-in ``russia`` workspace (``how == "builtin"``, so a caller can say so).

    Parameters
    ----------
    ws
        An explicit workspace (the ``-w/--workspace`` option or a positional argument).
    cwd
        Where to start looking upward (default: the current directory).
    environ
        The environment to read ``CASUS_WORKSPACE`` from (default: ``os.environ``).
    """
    if ws is not None and str(ws) != "":
        return WorkspaceLocation(resolve_workspace(ws), "argument")
    env = os.environ if environ is None else environ
    from_env = env.get(WORKSPACE_ENV, "").strip()
    if from_env:
        try:
            return WorkspaceLocation(resolve_workspace(from_env), "env")
        except WorkspaceError as exc:
            raise WorkspaceError(
                f"${WORKSPACE_ENV} names no workspace: {from_env}",
                hint="unset it or point it at a folder holding casus.toml",
            ) from exc
    start = Path.cwd() if cwd is None else Path(cwd)
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "casus.toml").is_file():
            return WorkspaceLocation(folder, "cwd")
    return WorkspaceLocation(builtin_path("russia"), "builtin")


# --------------------------------------------------------------------------- problems
def _friendly(err: dict[str, Any], model: type[BaseModel] | None) -> str:
    """Turn one pydantic error into a sentence a researcher can act on."""
    typ = err.get("type", "")
    inp = err.get("input")
    ctx = err.get("ctx") or {}
    shown = repr(inp) if not isinstance(inp, dict | list) else type(inp).__name__
    if len(shown) > 60:
        shown = shown[:57] + "..."
    if typ == "missing":
        return "required field is missing"
    if typ == "extra_forbidden":
        name = str(err["loc"][-1])
        allowed = _allowed_fields(model, err["loc"][:-1])
        guess = difflib.get_close_matches(name, allowed, n=1)
        tip = f" (did you mean {guess[0]!r}?)" if guess else ""
        return f"unknown field {name!r}{tip}"
    if typ in ("greater_than_equal", "less_than_equal") and "le" not in ctx:
        pass
    if typ in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        if err["loc"] and err["loc"][-1] == "value" or _is_membership(err):
            return f"expected a number in [0, 1], got {shown}"
        bound = next(iter(ctx.values()), None)
        return f"{err.get('msg', 'out of range').lower()}, got {shown} (bound {bound})"
    if typ in ("float_parsing", "float_type", "int_parsing", "int_type"):
        if err["loc"] and err["loc"][-1] == "value":
            return f"expected a number in [0, 1] or null, got {shown}"
        return f"expected a number, got {shown}"
    if typ in ("string_type",):
        return f"expected text, got {shown}"
    if typ in ("list_type",):
        return f"expected a list, got {shown}"
    if typ in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping (key: value), got {shown}"
    if typ == "literal_error":
        return f"expected one of {ctx.get('expected', '?')}, got {shown}"
    if typ == "string_pattern_mismatch":
        return f"invalid id {shown}: use letters, digits, '-' and '_', starting with a letter"
    if typ == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} item(s)"
    if typ == "string_too_short":
        return "must not be empty"
    msg = str(err.get("msg", "invalid value"))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg


def _is_membership(err: dict[str, Any]) -> bool:
    ctx = err.get("ctx") or {}
    return ctx.get("ge") == 0.0 or ctx.get("le") == 1.0


def _allowed_fields(model: type[BaseModel] | None, loc: Iterable[Any]) -> list[str]:
    cls: Any = model
    for part in loc:
        if cls is None or isinstance(part, int):
            continue
        f = getattr(cls, "model_fields", {}).get(part)
        if f is None:
            # a dict key (e.g. a coding's indicator id): stay on the value model
            continue
        cls = _inner_model(f.annotation)
    if cls is None:
        return []
    names: list[str] = []
    for name, f in cls.model_fields.items():
        names.append(f.alias or name)
    return names


def _inner_model(annotation: Any) -> Any:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _dotted(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Collector:
    """Gathers problems from every file, with positions."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.kinds: set[str] = set()
        self.max_bytes = MAX_FILE_BYTES
        #: files that failed their schema: (rel, marks, raw data, kind), still checked for ids
        self.failed: list[tuple[str, Marks, Any, str]] = []
        #: reported by ``casus validate`` without failing it
        self.warnings: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def add(self, problem: Problem, kind: str = "schema") -> None:
        self.problems.append(problem)
        self.kinds.add(kind)

    def add_at(
        self,
        rel: str,
        marks: Marks | None,
        loc: tuple[Any, ...],
        message: str,
        kind: str,
        *,
        key: bool = False,
    ) -> None:
        line, col = marks.locate(loc, key=key) if marks else (None, None)
        self.add(Problem(message, rel, line, col, _dotted(loc) or None), kind)

    def validate(
        self,
        model: type[M],
        data: Any,
        rel: str,
        marks: Marks | None,
        prefix: tuple[Any, ...] = (),
    ) -> M | None:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = prefix + tuple(err["loc"])
                # pydantic reports model-level validators with an empty loc
                self.add_at(
                    rel,
                    marks,
                    loc,
                    _friendly(dict(err), model),
                    "schema",
                    key=err.get("type") == "extra_forbidden",
                )
            return None


# --------------------------------------------------------------------------- loading
def validate_workspace(path: str | Path) -> tuple[Workspace | None, list[Problem]]:
    """Read and check a workspace folder; return the workspace (when valid) and all problems."""
    root = Path(path)
    col = _Collector(root)
    if not root.is_dir():
        return None, [Problem(f"workspace folder not found: {root}")]
    files: list[Path] = []

    config = _load_config(root, col, files)
    if config is not None and config.max_file_bytes:
        col.max_bytes = config.max_file_bytes

    # sources: sources.yaml and sources/*.yaml
    sources: dict[str, Source] = {}
    origins: dict[tuple[str, str], tuple[str, Any]] = {}
    src_files = [root / "sources.yaml"] if (root / "sources.yaml").exists() else []
    src_files += sorted((root / "sources").glob("*.yaml")) if (root / "sources").is_dir() else []
    src_marks: dict[str, tuple[Marks, list[Any]]] = {}
    for p in src_files:
        files.append(p)
        doc = _read(p, col)
        if doc is None:
            continue
        data, marks = doc
        rel = col.rel(p)
        prefix: tuple[str, ...] = ()
        items = data
        if isinstance(data, dict) and "sources" in data and len(data) == 1:
            items, prefix = data["sources"], ("sources",)
        if not isinstance(items, list):
            col.add_at(rel, marks, prefix, "expected a list of sources", "schema")
            continue
        for i, item in enumerate(items):
            src = col.validate(Source, item, rel, marks, prefix + (i,))
            if src is None:
                continue
            _claim(col, origins, "source", src.id, rel, marks, prefix + (i,), prefix + (i, "id"))
            sources[src.id] = src
        src_marks[rel] = (marks, items)

    # indicators
    indicators: dict[str, Indicator] = {}
    ind_path = root / "indicators.yaml"
    ind_marks: Marks | None = None
    if not ind_path.exists():
        col.add(Problem("missing file: indicators.yaml", "indicators.yaml"), "missing")
    else:
        files.append(ind_path)
        doc = _read(ind_path, col)
        if doc is not None:
            data, ind_marks = doc
            if isinstance(data, list):
                data = {"indicators": data}
            parsed = col.validate(IndicatorsFile, data, "indicators.yaml", ind_marks)
            if parsed is not None:
                for i, ind in enumerate(parsed.indicators):
                    _claim(
                        col,
                        origins,
                        "indicator",
                        ind.id,
                        "indicators.yaml",
                        ind_marks,
                        ("indicators", i),
                        ("indicators", i, "id"),
                    )
                    indicators[ind.id] = ind

    theories, th_docs = _load_folder(root, "theories", Theory, "theory", col, files, origins)
    cases, case_docs = _load_folder(root, "cases", Case, "case", col, files, origins)
    evidence, ev_docs = _load_folder(
        root, "evidence", EvidenceSet, "evidence", col, files, origins, id_field="case"
    )
    questions, q_docs = _load_folder(root, "questions", Question, "question", col, files, origins)
    frames, fr_docs = _load_folder(root, "frames", Frame, "frame", col, files, origins)
    signposts, sp_docs = _load_folder(root, "signposts", Signpost, "signpost", col, files, origins)

    # ------------------------------------------------------------ references across files
    def check_ref(ref: SourceRef, rel: str, marks: Marks, loc: tuple[Any, ...]) -> None:
        if ref.source not in sources:
            _unknown(col, rel, marks, loc + ("source",), "source", ref.source, sources)
        elif ref.locator and (problem := check_post_locator(ref.locator, sources[ref.source])):
            col.add_at(rel, marks, loc + ("locator",), problem, "schema")

    if config is not None:
        for t in config.theories:
            if t not in theories:
                col.add(
                    Problem(f"unknown theory id {t!r}", "casus.toml", None, None, "theories"),
                    "unknown",
                )
        for t in config.prior or {}:
            if t not in theories:
                col.add(
                    Problem(f"unknown theory id {t!r}", "casus.toml", None, None, "prior"),
                    "unknown",
                )
        if indicators and config.outcome not in indicators:
            col.add(
                Problem(
                    f"outcome indicator {config.outcome!r} is not in indicators.yaml",
                    "casus.toml",
                    None,
                    None,
                    "outcome",
                ),
                "unknown",
            )

    allowed_owner = set(theories) | {"outcome", "descriptor"}
    for i, ind in enumerate(indicators.values()):
        if theories and ind.theory not in allowed_owner:
            _unknown(
                col,
                "indicators.yaml",
                ind_marks,
                ("indicators", i, "theory"),
                "theory",
                ind.theory,
                allowed_owner,
            )
        if ind.measured:
            for j, fr in enumerate(ind.measured.frames):
                if fr not in frames:
                    _unknown(
                        col,
                        "indicators.yaml",
                        ind_marks,
                        ("indicators", i, "measured", "frames", j),
                        "frame",
                        fr,
                        frames,
                    )
            if ind.measured.source not in sources:
                _unknown(
                    col,
                    "indicators.yaml",
                    ind_marks,
                    ("indicators", i, "measured", "source"),
                    "source",
                    ind.measured.source,
                    sources,
                )
            mfile = root / "measures" / f"{ind.measured.corpus}.parquet"
            if mfile.exists():
                problem = _check_regular(mfile, col, MAX_MEASURES_BYTES)
                if problem is None:
                    files.append(mfile)
                else:
                    col.add(problem, "file")
            else:
                col.add_at(
                    "indicators.yaml",
                    ind_marks,
                    ("indicators", i, "measured", "corpus"),
                    f"no frame counts at measures/{ind.measured.corpus}.parquet",
                    "missing",
                )

    for tid, th in theories.items():
        rel, marks = th_docs[tid]
        for j, ref in enumerate(th.references):
            check_ref(ref, rel, marks, ("references", j))
        for j, imp in enumerate(th.implications):
            if imp.indicator not in indicators:
                _unknown(
                    col,
                    rel,
                    marks,
                    ("implications", j, "indicator"),
                    "indicator",
                    imp.indicator,
                    indicators,
                )

    for cid, case in cases.items():
        rel, marks = case_docs[cid]
        for j, ref in enumerate(case.sources):
            check_ref(ref, rel, marks, ("sources", j))
        for ind_id, coding in case.codings.items():
            if ind_id not in indicators:
                _unknown(col, rel, marks, ("codings", ind_id), "indicator", ind_id, indicators)
                continue
            if indicators[ind_id].measured is not None:
                col.add_at(
                    rel,
                    marks,
                    ("codings", ind_id),
                    f"indicator {ind_id!r} is measured from frames, not coded by hand; "
                    "remove this coding",
                    "schema",
                    key=True,
                )
                continue
            for j, ref in enumerate(coding.sources):
                check_ref(ref, rel, marks, ("codings", ind_id, "sources", j))

    builtin = _is_builtin(root)
    for cid, ev in evidence.items():
        rel, marks = ev_docs[cid]
        if ev.case not in cases:
            _unknown(col, rel, marks, ("case",), "case", ev.case, cases)
        hyps = list(ev.hypotheses or (config.theories if config else []) or theories)
        for h_i, h in enumerate(ev.hypotheses or []):
            if h not in theories:
                _unknown(col, rel, marks, ("hypotheses", h_i), "theory", h, theories)
        seen: dict[str, int] = {}
        for j, item in enumerate(ev.items):
            if item.id in seen:
                col.add_at(
                    rel,
                    marks,
                    ("items", j, "id"),
                    f"duplicate evidence item id {item.id!r} (first declared as item "
                    f"{seen[item.id] + 1})",
                    "duplicate",
                )
            seen.setdefault(item.id, j)
            item_ids = {it.id for it in ev.items}
            for k, dep in enumerate(item.depends_on):
                if dep == item.id:
                    col.add_at(
                        rel, marks, ("items", j, "depends_on", k),
                        f"item {item.id!r} depends on itself", "schema",
                    )
                elif dep not in item_ids:
                    _unknown(
                        col, rel, marks, ("items", j, "depends_on", k), "evidence item", dep,
                        item_ids,
                    )
            _check_item_metadata(col, rel, marks, j, item, strict=builtin)
            for k, ref in enumerate(item.sources):
                check_ref(ref, rel, marks, ("items", j, "sources", k))
            ratings_sets = [("ratings", item.ratings)]
            ratings_sets += [(f"analysts.{a}", r) for a, r in (item.analysts or {}).items()]
            for where, rmap in ratings_sets:
                loc_base: tuple[Any, ...] = ("items", j) + tuple(where.split("."))
                for h in rmap:
                    if h not in hyps:
                        _unknown(col, rel, marks, loc_base + (h,), "hypothesis", h, hyps)
            for h in hyps:
                if h not in item.ratings:
                    col.add_at(
                        rel,
                        marks,
                        ("items", j, "ratings"),
                        f"not rated against hypothesis {h!r} (use NA when it does not apply)",
                        "missing",
                    )
            for h in item.likelihoods or {}:
                if h not in hyps:
                    _unknown(col, rel, marks, ("items", j, "likelihoods", h), "hypothesis", h, hyps)

    for qid, q in questions.items():
        rel, marks = q_docs[qid]
        for j, ref in enumerate(q.sources):
            check_ref(ref, rel, marks, ("sources", j))
        if q.resolution:
            for j, ref in enumerate(q.resolution.sources):
                check_ref(ref, rel, marks, ("resolution", "sources", j))
        for t in q.forecasts:
            if t not in theories:
                _unknown(col, rel, marks, ("forecasts", t), "theory", t, theories)
        computed = _apply_rules(col, rel, marks, q, cases, indicators, check_ref)
        if computed:
            questions[qid] = q.model_copy(update={"forecasts": {**q.forecasts, **computed}})

    for sid, sp in signposts.items():
        rel, marks = sp_docs[sid]
        for t in sp.likelihoods:
            if t not in theories:
                _unknown(col, rel, marks, ("likelihoods", t), "theory", t, theories)
        for t in theories:
            if t not in sp.likelihoods:
                col.add_at(
                    rel,
                    marks,
                    ("likelihoods",),
                    f"no likelihood for theory {t!r} (every theory needs one)",
                    "missing",
                )
        for j, qid_ref in enumerate(sp.questions):
            if qid_ref not in questions:
                _unknown(col, rel, marks, ("questions", j), "question", qid_ref, questions)
        for j, ref in enumerate(sp.sources):
            check_ref(ref, rel, marks, ("sources", j))

    for fid, frame_model in frames.items():
        rel, marks = fr_docs[fid]
        for j, ex in enumerate(frame_model.examples):
            if ex.source not in sources:
                _unknown(col, rel, marks, ("examples", j, "source"), "source", ex.source, sources)

    for th_rel, th in ((th_docs[t][0], th) for t, th in theories.items()):
        del th_rel, th  # (paths are checked by the cross-case engine, which parses them)

    # a file that failed its schema is still checked for unknown ids, so that one run of
    # `casus validate` lists every problem
    for rel, marks, data, kind in col.failed:
        _check_raw_refs(col, rel, marks, data, kind, sources, indicators)

    if col.problems or config is None:
        return None, sorted(col.problems, key=_problem_order)

    if any(i.measured for i in indicators.values()):
        cases = _apply_measured(root, config, indicators, frames, sources, cases, col)
        if col.problems:
            return None, sorted(col.problems, key=_problem_order)

    content_hash = _content_hash(root, files, col)
    if content_hash is None:
        return None, sorted(col.problems, key=_problem_order)

    ws = Workspace(
        root=root,
        config=config,
        sources=sources,
        indicators=indicators,
        theories=theories,
        cases=dict(sorted(cases.items())),
        evidence=evidence,
        questions=questions,
        frames=frames,
        signposts=signposts,
        content_hash=content_hash,
        origins={k: (v[0], None) for k, v in origins.items()},
        warnings=sorted(col.warnings, key=_problem_order),
    )
    return ws, []


_POSTS = re.compile(r"^\s*posts?\s+(?P<list>\d+(?:\s*(?:-|–|,|and)\s*\d+)*)\s*$", re.IGNORECASE)


def check_post_locator(locator: str, source: Source) -> str | None:
    """The problem with a ``post N`` / ``posts N-M, K`` locator on a thread, else ``None``.

    Only sources that record their number of posts (``posts``, written by
    ``casus ingest thread``) are checked; other locators and sources pass.
    """
    m = _POSTS.match(locator)
    if m is None or source.posts is None:
        return None
    numbers = [int(x) for x in re.findall(r"\d+", m["list"])]
    for part in re.split(r"\s*(?:,|and)\s*", m["list"]):
        ends = [int(x) for x in re.split(r"\s*[-–]\s*", part)]
        if len(ends) == 2 and ends[0] > ends[1]:
            return f"post range {part!r} runs backwards"
    bad = next((n for n in numbers if not 1 <= n <= source.posts), None)
    if bad is None:
        return None
    return (
        f"no post {bad} in source {source.id!r}: the thread has {source.posts} posts "
        f"(locator {locator!r})"
    )


def _is_builtin(root: Path) -> bool:
    """Whether ``root`` is one of the built-in workspaces shipped inside the package."""
    try:
        here = root.resolve()
        return any(here == builtin_path(name).resolve() for name in BUILTIN_WORKSPACES)
    except OSError:
        return False


def _check_item_metadata(
    col: _Collector, rel: str, marks: Marks | None, j: int, item: Any, *, strict: bool
) -> None:
    """Process tracing needs each item's kind and the date it became knowable (issue #13).

    Missing metadata is a problem in the built-in workspace (``strict``) and a warning in a
    user's workspace. ``date: null`` states that the date is unknown: allowed, but the item then
    stays out of the pre-decision view, which is said as a warning.
    """
    given = item.model_fields_set
    missing = [f for f, ok in (("date", "date" in given or "knowable" in given),
                               ("kind", "kind" in given)) if not ok]
    for fld in missing:
        what = (
            "when it became knowable (give date or knowable; `date: null` states it is unknown)"
            if fld == "date"
            else "its kind (observation, official_statement or interpretation)"
        )
        line, column = marks.locate(("items", j), key=False) if marks else (None, None)
        problem = Problem(
            f"evidence item {item.id!r} does not state {what}", rel, line, column,
            _dotted(("items", j, fld)),
        )
        if strict:
            col.add(problem, "missing")
        else:
            col.warnings.append(problem)
    if not missing and item.knowable_date is None:
        line, column = marks.locate(("items", j, "date"), key=False) if marks else (None, None)
        col.warnings.append(
            Problem(
                f"evidence item {item.id!r}: date unknown, so it is left out of the "
                "pre-decision view",
                rel, line, column, _dotted(("items", j, "date")),
            )
        )


def _apply_measured(
    root: Path,
    config: WorkspaceConfig,
    indicators: dict[str, Indicator],
    frames: dict[str, Frame],
    sources: dict[str, Source],
    cases: dict[str, Case],
    col: _Collector,
) -> dict[str, Case]:
    """Add the codings of measured indicators to every case (computed, with provenance)."""
    from casusbelli.discourse.service import measured_codings
    from casusbelli.errors import CasusError

    stub = Workspace(
        root=root,
        config=config,
        sources=sources,
        indicators=indicators,
        theories={},
        cases=cases,
        frames=frames,
    )
    try:
        measured = measured_codings(stub)
    except CasusError as exc:
        col.add(Problem(f"cannot measure indicators: {exc}", "indicators.yaml"), "schema")
        return cases
    except (OSError, ValueError, TypeError) as exc:  # pyarrow's errors on a damaged file
        corpora = sorted({i.measured.corpus for i in indicators.values() if i.measured})
        where = f"measures/{corpora[0]}.parquet" if len(corpora) == 1 else "measures"
        what = " ".join(f"{type(exc).__name__}: {exc}".split())
        col.add(Problem(f"cannot read frame counts: {what}"[:300], where), "file")
        return cases
    out: dict[str, Case] = {}
    for cid, case in cases.items():
        extra = {
            ind: Coding(
                value=c["value"],
                rationale=c["rationale"],
                sources=[SourceRef(**s) for s in c["sources"]],
            )
            for ind, c in measured.get(cid, {}).items()
        }
        out[cid] = case.model_copy(update={"codings": {**case.codings, **extra}})
    return out


def load_workspace(path: str | Path | None = None) -> Workspace:
    """Load and validate a workspace (``None``: the built-in ``russia``).

    Raises
    ------
    WorkspaceError
        With every problem found in ``problems``; the subclass says what kind when all
        problems are of one kind (:class:`SchemaError`, :class:`UnknownIdError`,
        :class:`DuplicateIdError`).
    """
    root = resolve_workspace(path)
    ws, problems = validate_workspace(root)
    if ws is None:
        raise _error_of(problems)
    return ws


#: Folder of each kind of workspace file, its model, and the field naming its id.
_KINDS: dict[str, tuple[str, type[BaseModel], str]] = {
    "theory": ("theories", Theory, "id"),
    "case": ("cases", Case, "id"),
    "evidence": ("evidence", EvidenceSet, "case"),
    "question": ("questions", Question, "id"),
    "frame": ("frames", Frame, "id"),
    "signpost": ("signposts", Signpost, "id"),
}


def load_file(
    path: str | Path,
    kind: str,
    *,
    root: str | Path | None = None,
    content: bytes | None = None,
) -> BaseModel:
    """Read and check one workspace file on its own (no references to other files).

    The same per-file code :func:`load_workspace` runs on every ``<folder>/<id>.yaml``:
    safe reading, YAML limits, schema, and the id agreeing with the file name.

    Parameters
    ----------
    path
        The file, e.g. ``cases/ukraine-2014.yaml``.
    kind
        ``"case"``, ``"theory"``, ``"evidence"``, ``"question"``, ``"frame"`` or
        ``"signpost"``.
    root
        The workspace folder (default: the file's grandparent); the file's real path must
        lie inside it.
    content
        The file's bytes when they are already in memory (an editor's buffer, a test); then
        ``path`` only names the file and is not read.

    Raises
    ------
    WorkspaceError
        With every problem found in ``problems``, each naming the file.
    """
    if kind not in _KINDS:
        raise WorkspaceError(f"unknown kind of workspace file {kind!r}",
                             hint=f"one of: {', '.join(_KINDS)}")
    p = Path(path)
    _folder, model, id_field = _KINDS[kind]
    col = _Collector(Path(root) if root is not None else p.parent.parent)
    found = _load_one(p, model, kind, col, id_field, content=content)
    if found is None or col.problems:
        raise _error_of(sorted(col.problems, key=_problem_order))
    return found[1]


def _error_of(problems: list[Problem]) -> WorkspaceError:
    """One error carrying ``problems``; its class says the kind when all are of one kind."""
    kinds = {_kind_of(p) for p in problems}
    cls: type[WorkspaceError] = WorkspaceError
    if kinds == {"unknown"}:
        cls = UnknownIdError
    elif kinds == {"duplicate"}:
        cls = DuplicateIdError
    elif kinds == {"schema"}:
        cls = SchemaError
    first = problems[0] if problems else Problem("invalid workspace")
    return cls(
        first.message,
        problems=problems,
        file=first.file,
        line=first.line,
        column=first.column,
        field=first.field,
        hint="run `casus validate` to list every problem",
    )


def _raw_source_refs(node: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every ``{source: id}`` citation in raw YAML data, with its location."""
    if isinstance(node, dict):
        ref = node.get("source")
        if isinstance(ref, str):
            yield loc + ("source",), ref
        for k, v in node.items():
            yield from _raw_source_refs(v, loc + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _raw_source_refs(v, loc + (i,))


def _check_raw_refs(
    col: _Collector,
    rel: str,
    marks: Marks,
    data: Any,
    kind: str,
    sources: dict[str, Source],
    indicators: dict[str, Indicator],
) -> None:
    """Unknown source and indicator ids in a file whose schema check failed."""
    if sources:
        for loc, ref in _raw_source_refs(data):
            if ref not in sources:
                _unknown(col, rel, marks, loc, "source", ref, sources)
    codings = data.get("codings") if isinstance(data, dict) else None
    if kind == "case" and isinstance(codings, dict) and indicators:
        for ind_id in codings:
            if ind_id not in indicators:
                _unknown(col, rel, marks, ("codings", ind_id), "indicator", str(ind_id),
                         indicators)


def _kind_of(p: Problem) -> str:
    if p.message.startswith("unknown ") and " id " in p.message:
        return "unknown"
    if p.message.startswith("duplicate"):
        return "duplicate"
    return "schema"


def _problem_order(p: Problem) -> tuple[str, int, int]:
    return (p.file or "", p.line or 0, p.column or 0)


def _read(path: Path, col: _Collector, *, content: bytes | None = None) -> tuple[Any, Marks] | None:
    rel = col.rel(path)
    try:
        if content is None:
            doc = read_yaml(path, rel, max_bytes=col.max_bytes, root=col.root)
        elif len(content) > col.max_bytes:
            raise _FileProblem(Problem(
                f"file is {len(content):,} bytes, over the limit of {col.max_bytes:,} bytes; "
                "split it or raise the limit", rel))
        else:
            doc = parse_yaml(decode_text(content, rel), rel)
    except _FileProblem as fp:
        col.add(fp.problem, "file")
        return None
    return doc.data, doc.marks


def _check_regular(path: Path, col: _Collector, max_bytes: int) -> Problem | None:
    """The problem with a file read by another library (a link out, not regular, too big)."""
    import os
    import stat

    rel = col.rel(path)
    real = os.path.realpath(path)
    base = os.path.realpath(col.root)
    if os.path.commonpath([real, base]) != base:
        return Problem(
            "file leads through a symbolic link outside the workspace folder "
            f"({real}); copy the file into the workspace instead",
            rel,
        )
    try:
        st = os.stat(path)
    except OSError as exc:
        return Problem(f"cannot read file: {exc.strerror}", rel)
    if not stat.S_ISREG(st.st_mode):
        return Problem("not a regular file; cannot read it", rel)
    if st.st_size > max_bytes:
        return Problem(
            f"file is {st.st_size:,} bytes, over the limit of {max_bytes:,} bytes", rel
        )
    return None


def _load_config(root: Path, col: _Collector, files: list[Path]) -> WorkspaceConfig | None:
    p = root / "casus.toml"
    if not p.exists():
        col.add(Problem("missing file: casus.toml (run `casus init` to make one)", "casus.toml"))
        return None
    files.append(p)
    try:
        text = read_text(p, "casus.toml", max_bytes=MAX_FILE_BYTES, root=root)
    except _FileProblem as fp:
        col.add(fp.problem, "file")
        return None
    if not text.strip():
        col.add(Problem("file is empty", "casus.toml", 1, 1))
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        line = col_ = None
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if m:
            line, col_ = int(m.group(1)), int(m.group(2))
            msg = msg[: m.start()].strip()
        col.add(Problem(f"invalid TOML: {msg}", "casus.toml", line, col_))
        return None
    except RecursionError:
        col.add(Problem("invalid TOML: nested too deeply", "casus.toml"))
        return None
    except ValueError as exc:  # e.g. an integer with more than 4,300 digits
        digits = re.search(r"[0-9_]{100,}", text)
        line = text.count("\n", 0, digits.start()) + 1 if digits else None
        col.add(Problem(f"invalid TOML: {' '.join(str(exc).split())[:200]}", "casus.toml", line))
        return None
    section = data.get("workspace", data)
    if not isinstance(section, dict):
        col.add(Problem("expected a [workspace] table", "casus.toml", None, None, "workspace"))
        return None
    extra = {k: v for k, v in data.items() if k not in ("workspace", "prior")}
    if "workspace" in data:
        merged = dict(section)
        if "prior" in data:
            merged["prior"] = data["prior"]
        for k, v in extra.items():
            merged[k] = v
    else:
        merged = section
    try:
        return WorkspaceConfig.model_validate(merged)
    except ValidationError as exc:
        lines = text.splitlines()
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else None
            line = None
            if key:
                for n, ln in enumerate(lines, 1):
                    if ln.strip().startswith(key) and "=" in ln:
                        line = n
                        break
            col.add(
                Problem(
                    _friendly(dict(err), WorkspaceConfig),
                    "casus.toml",
                    line,
                    1 if line else None,
                    _dotted(err["loc"]) or None,
                )
            )
        return None


def _load_folder(
    root: Path,
    folder: str,
    model: type[M],
    kind: str,
    col: _Collector,
    files: list[Path],
    origins: dict[tuple[str, str], tuple[str, Any]],
    id_field: str = "id",
) -> tuple[dict[str, M], dict[str, tuple[str, Marks]]]:
    """Load ``folder/*.yaml``; the id is the file stem, and an ``id:`` inside must agree."""
    out: dict[str, M] = {}
    docs: dict[str, tuple[str, Marks]] = {}
    d = root / folder
    if not d.is_dir():
        return out, docs
    paths = sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml"))
    for p in paths:
        files.append(p)
        found = _load_one(p, model, kind, col, id_field)
        if found is None:
            continue
        oid, obj, rel, marks, where = found
        if not _claim(col, origins, kind, oid, rel, marks, where, (id_field,)):
            continue
        out[oid] = obj
        docs[oid] = (rel, marks)
    return out, docs


def _load_one(
    p: Path,
    model: type[M],
    kind: str,
    col: _Collector,
    id_field: str,
    *,
    content: bytes | None = None,
) -> tuple[str, M, str, Marks, tuple[str, ...]] | None:
    """Read and check one ``<folder>/<id>.yaml``: (id, object, rel, marks, where the id is)."""
    rel = col.rel(p)
    doc = _read(p, col, content=content)
    if doc is None:
        return None
    data, marks = doc
    if not isinstance(data, dict):
        col.add_at(rel, marks, (), f"expected a mapping at the top of a {kind} file", "schema")
        return None
    obj = col.validate(model, data, rel, marks)
    if obj is None:
        col.failed.append((rel, marks, data, kind))
        return None
    declared = getattr(obj, id_field, None)
    oid = p.stem
    if kind == "evidence":
        oid = declared or p.stem
    elif declared is not None and declared != p.stem:
        col.add_at(
            rel,
            marks,
            (id_field,),
            f"id {declared!r} differs from the file name {p.stem!r} (a {kind}'s id is its "
            "file stem)",
            "schema",
        )
        return None
    where = (id_field,) if id_field in data else ()
    return oid, obj, rel, marks, where


def _claim(
    col: _Collector,
    origins: dict[tuple[str, str], tuple[str, Any]],
    kind: str,
    oid: str,
    rel: str,
    marks: Marks | None,
    where: tuple[Any, ...],
    loc: tuple[Any, ...],
) -> bool:
    """Record where ``kind`` ``oid`` is declared; report a duplicate naming the first place.

    Positions are looked up only for duplicates (the line marks are costly to build).
    """
    key = (kind, oid)
    if key in origins:
        first_file, first = origins[key]
        first_marks, first_where = first
        first_line = first_marks.locate(first_where)[0] if first_marks else None
        place = f"{first_file}:{first_line}" if first_line else first_file
        col.add_at(
            rel, marks, loc, f"duplicate {kind} id {oid!r} (first declared at {place})",
            "duplicate",
        )
        return False
    origins[key] = (rel, (marks, where))
    return True


def _apply_rules(
    col: _Collector,
    rel: str,
    marks: Marks | None,
    q: Question,
    cases: dict[str, Case],
    indicators: dict[str, Indicator],
    check_ref: Any,
) -> dict[str, TheoryForecast]:
    """Compute every rule-based forecast of ``q``; a typed value that disagrees with its rule,
    an unknown case or indicator, or a rule that cannot be evaluated is a located problem."""
    from casusbelli.errors import ForecastError
    from casusbelli.forecast.rules import apply_rule, expression_names, parse_path

    out: dict[str, TheoryForecast] = {}
    for t, f in q.forecasts.items():
        rule = f.rule
        if rule is None:
            continue
        loc: tuple[Any, ...] = ("forecasts", t, "rule")
        if q.type != "binary":
            col.add_at(rel, marks, loc, "rules give P(yes): only binary questions take them",
                       "schema")
            continue
        for j, ref in enumerate(rule.sources):
            check_ref(ref, rel, marks, loc + ("sources", j))
        if rule.kind == "linear":
            if rule.case not in cases:
                _unknown(col, rel, marks, loc + ("case",), "case", str(rule.case), cases)
                continue
            try:
                names = expression_names(parse_path(str(rule.path)))
            except ForecastError as exc:
                col.add_at(rel, marks, loc + ("path",), exc.message, "schema")
                continue
            bad = [n for n in names if n not in indicators]
            for n in bad:
                _unknown(col, rel, marks, loc + ("path",), "indicator", n, indicators)
            if bad:
                continue
        try:
            result = apply_rule(rule, cases)
        except ForecastError as exc:
            col.add_at(rel, marks, loc, exc.message, "schema")
            continue
        if f.value is not None:
            typed = f.value
            if isinstance(typed, bool) or not isinstance(typed, int | float) \
                    or abs(float(typed) - result.value) > 1e-9:
                s = "" if result.membership is None else f" (S = {result.membership:.4g})"
                col.add_at(rel, marks, ("forecasts", t, "value"),
                           f"value {typed!r} disagrees with its rule, which gives "
                           f"{result.value:.4g}{s}; drop the value or fix the rule", "schema")
                continue
        out[t] = f.model_copy(update={"value": result.value})
    return out


def _unknown(
    col: _Collector,
    rel: str,
    marks: Marks | None,
    loc: tuple[Any, ...],
    kind: str,
    value: str,
    known: Iterable[str],
) -> None:
    guess = difflib.get_close_matches(value, list(known), n=1)
    tip = f" (did you mean {guess[0]!r}?)" if guess else ""
    col.add_at(
        rel,
        marks,
        loc,
        f"unknown {kind} id {value!r}{tip}",
        "unknown",
        key=bool(loc) and loc[-1] == value,
    )


def _content_hash(root: Path, files: list[Path], col: _Collector) -> str | None:
    """SHA-256 over every workspace file's relative path and bytes, in sorted order.

    Files are read again, with the same limits (a file swapped since its check is reported,
    and ``None`` returned).
    """
    h = hashlib.sha256()
    limit = max(col.max_bytes, MAX_MEASURES_BYTES)
    for p in sorted(set(files)):
        try:
            raw = read_bytes(p, col.rel(p), max_bytes=limit, root=root)
        except _FileProblem as fp:
            col.add(fp.problem, "file")
            return None
        h.update(p.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(raw)
        h.update(b"\0")
    return h.hexdigest()


def iter_files(root: Path) -> Iterator[Path]:
    """Yield every file that makes up a workspace (what ``casus init`` copies)."""
    for name in ("casus.toml", "indicators.yaml", "sources.yaml"):
        if (root / name).exists():
            yield root / name
    for folder in ("sources", "theories", "cases", "evidence", "questions", "frames", "signposts"):
        d = root / folder
        if d.is_dir():
            yield from sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml"))
    if (root / "measures").is_dir():
        yield from sorted((root / "measures").glob("*.parquet"))

"""Cross-check a workspace's case list against the peacesciencer conflict datasets.

For every case the script lists the dataset episodes that overlap it in time and involve its
target (CoW MID v5.0 directed disputes with Russia/USSR, GML MID v2.2.1 participants, UCDP/PRIO
ACD conflicts with Gleditsch-Ward code 365, CoW intra-state wars), or says ``no match`` /
``outside coverage``. It then lists every dataset episode from 1956 on in which Moscow used force
(MID hostility level >= 4, i.e. use of force or war; any UCDP conflict, which needs 25 battle
deaths; any CoW war, which needs 1,000) that matches no case: ``not in the case base``.

Verdicts for a case row:

- intervention + an episode with use of force: ``agree``
- intervention + only episodes below use of force: ``partial``
- negative + an episode with Moscow's use of force: ``disagree`` (the dataset records force)
- negative + only episodes below use of force: ``agree`` (a dispute, but no force)
- any case with no episode: ``no match`` (for a negative case this is what we expect)

Usage::

    python scripts/crosscheck.py [--workspace DIR] [--data DIR] [--out docs/crosscheck.md]

Library use: ``crosscheck(workspace, data_dir) -> list[dict]`` and ``render_markdown(rows)``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casusbelli.analysis.measured import load_workspace
from casusbelli.errors import CasusError, SourceError
from casusbelli.workspace.load import Workspace
from casusbelli.workspace.models import date_bounds

RUSSIA = 365
FIRST_YEAR = 1956
USE_OF_FORCE = 4  # CoW hostility level: 1 none, 2 threat, 3 display, 4 use of force, 5 war
FORCE_ACTION = 13  # CoW highest action: 13 blockade and above are uses of force

#: Country names (lower case, matched as substrings of a case's target) -> CoW / G-W codes.
COUNTRY_CODES: dict[str, tuple[int, ...]] = {
    "united states": (2,),
    "usa": (2,),
    "cuba": (40,),
    "venezuela": (101,),
    "united kingdom": (200,),
    "britain": (200,),
    "france": (220,),
    "west germany": (260,),
    "east germany": (265,),
    "gdr": (265,),
    "germany": (255, 260, 265),
    "poland": (290,),
    "austria": (305,),
    "hungary": (310,),
    "czechoslovakia": (315,),
    "czech": (315, 316),
    "slovakia": (317,),
    "yugoslavia": (345,),
    "serbia": (340, 345),
    "kosovo": (347,),
    "bosnia": (346,),
    "bulgaria": (355,),
    "moldova": (359,),
    "transnistria": (359,),
    "romania": (360,),
    "russia": (365,),
    "chechnya": (365,),
    "chechen": (365,),
    "dagestan": (365,),
    "estonia": (366,),
    "latvia": (367,),
    "lithuania": (368,),
    "ukraine": (369,),
    "crimea": (369,),
    "donbas": (369,),
    "donbass": (369,),
    "belarus": (370,),
    "armenia": (371,),
    "georgia": (372,),
    "abkhazia": (372,),
    "south ossetia": (372,),
    "azerbaijan": (373,),
    "nagorno-karabakh": (371, 373),
    "karabakh": (371, 373),
    "finland": (375,),
    "sweden": (380,),
    "norway": (385,),
    "denmark": (390,),
    "mali": (432,),
    "burkina": (439,),
    "niger": (436,),
    "central african": (482,),
    "car": (482,),
    "mozambique": (541,),
    "angola": (540,),
    "ethiopia": (530,),
    "somalia": (520,),
    "libya": (620,),
    "sudan": (625,),
    "iran": (630,),
    "turkey": (640,),
    "iraq": (645,),
    "egypt": (651,),
    "syria": (652,),
    "lebanon": (660,),
    "israel": (666,),
    "yemen": (678, 679, 680),
    "afghanistan": (700,),
    "afghan": (700,),
    "turkmenistan": (701,),
    "tajikistan": (702,),
    "kyrgyzstan": (703,),
    "uzbekistan": (704,),
    "kazakhstan": (705,),
    "china": (710,),
    "mongolia": (712,),
    "north korea": (731,),
    "south korea": (732,),
    "japan": (740,),
    "vietnam": (816, 817),
}


@dataclass
class Episode:
    """One dataset episode involving Moscow: a dispute, a conflict or a war."""

    dataset: str
    id: str
    years: set[int]
    counterparts: set[int]
    force: bool
    detail: str
    start: str = ""
    span: tuple[dt.date, dt.date] | None = None  # first and last day, when the data give them
    matched_by: list[str] = field(default_factory=list)

    def overlaps(self, years: set[int], first: dt.date, last: dt.date) -> bool:
        """True when the episode overlaps the case (by day when known, else by year)."""
        if self.span is not None:
            return self.span[0] <= last and first <= self.span[1]
        return bool(self.years & years)

    def label(self) -> str:
        """Return ``dataset id (years)`` for tables."""
        return f"{self.dataset} {self.id} ({_span(self.years)})"


# --------------------------------------------------------------------------- reading
_FILES = {
    "cow_mid_dirdisps": "cow_mid_dirdisps_ccode1_365.csv",
    "cow_mid_disps": "cow_mid_disps_russia.csv",
    "gml_part": "gml_part_russia_disputes.csv",
    "gml_disps": "gml_mid_disps_russia.csv",
    "ucdp_acd": "ucdp_acd_gwno_365.csv",
    "cow_war_intra": "cow_war_intra_russia.csv",
}
_REQUIRED = {
    "cow_mid_dirdisps": ("dispnum", "ccode1", "ccode2", "year", "hostlev1", "hiact1", "fatality1"),
    "cow_mid_disps": ("dispnum", "styear", "stmon", "fatality", "hostlev"),
    "gml_part": ("dispnum", "ccode", "styear", "endyear", "sidea", "hiact"),
    "gml_disps": ("dispnum", "styear", "stmon", "fatality", "hostlev"),
    "ucdp_acd": (
        "conflict_id",
        "year",
        "gwno_a",
        "gwno_a_2nd",
        "gwno_b",
        "gwno_b_2nd",
        "type_of_conflict",
        "intensity_level",
    ),
    "cow_war_intra": ("warnum", "warname", "year", "ccodea", "ccodeb", "primary_state"),
}


def _read(data_dir: Path, key: str) -> list[dict[str, str]]:
    path = data_dir / _FILES[key]
    if not path.is_file():
        raise SourceError(
            f"missing dataset file {_FILES[key]}",
            file=str(path),
            hint="pass the folder shared/data/conflict/peacesciencer (see its README.md)",
        )
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in _REQUIRED[key] if c not in header]
            if missing:
                raise SourceError(
                    f"missing column(s) {', '.join(missing)}",
                    file=str(path),
                    line=1,
                    hint="expected peacesciencer's columns (CODEBOOK_peacesciencer_roxygen.md)",
                )
            return list(reader)
    except UnicodeDecodeError as err:
        raise SourceError(f"not UTF-8 text: {err}", file=str(path)) from err


def _int(row: dict[str, str], col: str, path: str, line: int) -> int | None:
    raw = (row.get(col) or "").strip()
    if raw == "":
        return None
    try:
        return int(float(raw))
    except ValueError as err:
        raise SourceError(
            f"expected a number, got {raw!r}", file=path, line=line, field=col
        ) from err


def load_episodes(data_dir: str | Path) -> tuple[list[Episode], dict[str, tuple[int, int]]]:
    """Read the peacesciencer Russia subsets; return episodes and each dataset's year coverage.

    Raises
    ------
    SourceError
        When the folder, a file or a column is missing, or a cell is not a number.
    """
    data = Path(data_dir)
    if not data.is_dir():
        raise SourceError(
            f"data folder not found: {data}",
            hint="pass the folder shared/data/conflict/peacesciencer",
        )
    episodes: list[Episode] = []
    coverage: dict[str, tuple[int, int]] = {}

    # CoW MID v5.0: directed dispute-years with Russia as ccode1, plus dispute-level rows.
    dyads = _read(data, "cow_mid_dirdisps")
    disps = {r["dispnum"]: r for r in _read(data, "cow_mid_disps")}
    path = str(data / _FILES["cow_mid_dirdisps"])
    by_disp: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    years_all: list[int] = []
    for i, r in enumerate(dyads, start=2):
        year = _int(r, "year", path, i)
        if year is None:
            raise SourceError("empty year", file=path, line=i, field="year")
        years_all.append(year)
        by_disp[r["dispnum"]].append((i, r))
    coverage["CoW MID"] = (min(years_all), max(years_all)) if years_all else (0, 0)
    for num, rows in by_disp.items():
        years = {_int(r, "year", path, i) or 0 for i, r in rows}
        host = max((_int(r, "hostlev1", path, i) or 0) for i, r in rows)
        act = max((_int(r, "hiact1", path, i) or 0) for i, r in rows)
        fat = max((_int(r, "fatality1", path, i) or 0) for i, r in rows)
        d = disps.get(num, {})
        start = f"{d.get('styear', '')}-{int(d['stmon']):02d}" if d.get("stmon") else ""
        episodes.append(
            Episode(
                dataset="CoW MID",
                id=num,
                years=years,
                counterparts={_int(r, "ccode2", path, i) or 0 for i, r in rows},
                force=host >= USE_OF_FORCE,
                detail=f"Russia hostlev {host}, hiact {act}, fatality {fat}",
                start=start,
                span=_mid_span(d),
            )
        )

    # GML MID v2.2.1: participant episodes; counterparts are those on the other side.
    parts = _read(data, "gml_part")
    gml_disps = {r["dispnum"]: r for r in _read(data, "gml_disps")}
    path = str(data / _FILES["gml_part"])
    by_gml: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for i, r in enumerate(parts, start=2):
        by_gml[r["dispnum"]].append((i, r))
    gml_years: list[int] = []
    for num, rows in by_gml.items():
        mine = [(i, r) for i, r in rows if _int(r, "ccode", path, i) == RUSSIA]
        if not mine:
            continue
        gyears: set[int] = set()
        sides = set()
        act = 0
        days: list[dt.date] = []
        for i, r in mine:
            y0 = _int(r, "styear", path, i) or 0
            y1 = _int(r, "endyear", path, i) or y0
            gyears |= set(range(y0, y1 + 1))
            days += _gml_days(r)
            sides.add(r["sidea"])
            act = max(act, _int(r, "hiact", path, i) or 0)
        gml_years += sorted(gyears)
        others = {
            _int(r, "ccode", path, i) or 0
            for i, r in rows
            if _int(r, "ccode", path, i) != RUSSIA and r["sidea"] not in sides
        }
        d = gml_disps.get(num, {})
        episodes.append(
            Episode(
                dataset="GML MID",
                id=num,
                years=gyears,
                counterparts=others,
                force=act >= FORCE_ACTION,
                detail=f"Russia hiact {act}, dispute hostlev {d.get('hostlev', '?')}, "
                f"fatality {d.get('fatality', '?')}",
                start=f"{d.get('styear', '')}-{int(d['stmon']):02d}" if d.get("stmon") else "",
                span=(min(days), max(days)) if len(days) == 2 * len(mine) else None,
            )
        )
    coverage["GML MID"] = (min(gml_years), max(gml_years)) if gml_years else (0, 0)

    # UCDP/PRIO ACD: conflict-years (one G-W code per cell); Russia is one of the codes.
    acd = _read(data, "ucdp_acd")
    path = str(data / _FILES["ucdp_acd"])
    by_conf: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for i, r in enumerate(acd, start=2):
        by_conf[r["conflict_id"]].append((i, r))
    ucdp_years: list[int] = []
    for cid, rows in by_conf.items():
        years = {_int(r, "year", path, i) or 0 for i, r in rows}
        ucdp_years += sorted(years)
        codes = {
            c
            for i, r in rows
            for c in (_int(r, k, path, i) for k in ("gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd"))
            if c is not None
        }
        others = codes - {RUSSIA} or {RUSSIA}
        kinds = sorted({r["type_of_conflict"] for _, r in rows})
        inten = max((_int(r, "intensity_level", path, i) or 0) for i, r in rows)
        episodes.append(
            Episode(
                dataset="UCDP ACD",
                id=cid,
                years=years,
                counterparts=others,
                force=True,
                detail=f"{'/'.join(kinds)}, intensity {inten}",
                start=rows[0][1].get("start_date2", ""),
            )
        )
    coverage["UCDP ACD"] = (min(ucdp_years), max(ucdp_years)) if ucdp_years else (0, 0)

    # CoW intra-state wars with Russia on a side; the war's location is read from its name.
    wars = _read(data, "cow_war_intra")
    path = str(data / _FILES["cow_war_intra"])
    by_war: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    war_years: list[int] = []
    for i, r in enumerate(wars, start=2):
        by_war[r["warnum"]].append((i, r))
    for num, rows in by_war.items():
        years = {_int(r, "year", path, i) or 0 for i, r in rows}
        war_years += sorted(years)
        name = rows[0][1]["warname"]
        located = set(target_codes(name))
        if not located:
            located = {RUSSIA} if any(r["primary_state"] == "1" for _, r in rows) else set()
        episodes.append(
            Episode(
                dataset="CoW intra-state war",
                id=num,
                years=years,
                counterparts=located,
                force=True,
                detail=name,
            )
        )
    coverage["CoW intra-state war"] = (min(war_years), max(war_years)) if war_years else (0, 0)
    return episodes, coverage


def _mid_span(d: dict[str, str]) -> tuple[dt.date, dt.date] | None:
    """First and last day of a CoW MID from its start year/month and maximum duration."""
    try:
        year, month, maxdur = int(d["styear"]), int(d["stmon"]), int(d["maxdur"])
    except (KeyError, ValueError):
        return None
    if not 1 <= month <= 12 or maxdur < 0:
        return None
    first = dt.date(year, month, 1)
    return first, first + dt.timedelta(days=maxdur + 31)  # day of onset unknown: pad a month


def _gml_days(r: dict[str, str]) -> list[dt.date]:
    """Start and end day of a GML participant episode (dummy days fill unknown days)."""
    out = []
    for y, m, d in (("styear", "stmon", "dummy_stday"), ("endyear", "endmon", "dummy_endday")):
        try:
            out.append(dt.date(int(r[y]), int(r[m]), int(r.get(d) or 1)))
        except (KeyError, ValueError):
            return []
    return out


# --------------------------------------------------------------------------- matching
def target_codes(target: str) -> list[int]:
    """Country codes named in a case's target (``'Nagorno-Karabakh'`` -> Armenia, Azerbaijan).

    >>> target_codes("Czechoslovakia")
    [315]
    """
    text = target.lower()
    codes: set[int] = set()
    # Longest names first, and remove each match, so "east germany" is not also "germany".
    for name in sorted(COUNTRY_CODES, key=len, reverse=True):
        if len(name) <= 3:
            hit = name in {w.strip("(),.;/") for w in text.split()}
        else:
            hit = name in text
        if hit:
            codes.update(COUNTRY_CODES[name])
            text = text.replace(name, " ")
    return sorted(codes)


def _case_years(start: str, end: str | None, today: dt.date) -> set[int]:
    y0 = date_bounds(start)[0].year
    y1 = date_bounds(end)[1].year if end else today.year
    return set(range(y0, y1 + 1))


def _span(years: Iterable[int]) -> str:
    ys = sorted(years)
    if not ys:
        return "?"
    return str(ys[0]) if ys[0] == ys[-1] else f"{ys[0]}-{ys[-1]}"


def crosscheck(
    workspace: Workspace, data_dir: str | Path, *, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Compare the workspace's cases with the conflict datasets; return one dict per table row.

    Each row has ``section`` (``"case"`` or ``"episode"``), ``case``, ``kind``, ``target``,
    ``period``, ``dataset``, ``episode``, ``years``, ``counterparts``, ``detail``, ``force``
    and ``verdict`` (``agree``, ``partial``, ``disagree``, ``no match``, ``outside coverage``,
    ``no country code`` or ``not in the case base``).
    """
    today = today or dt.date.today()
    episodes, coverage = load_episodes(data_dir)
    rows: list[dict[str, Any]] = []
    for cid, case in workspace.cases.items():
        codes = set(target_codes(case.target))
        years = _case_years(case.start, case.end, today)
        first = date_bounds(case.start)[0]
        last = date_bounds(case.end)[1] if case.end else today
        period = f"{case.start} to {case.end or 'ongoing'}"
        base = {
            "section": "case",
            "case": cid,
            "kind": case.kind,
            "target": case.target,
            "period": period,
        }
        if not codes:
            rows.append(
                {
                    **base,
                    "dataset": "",
                    "episode": "",
                    "years": "",
                    "counterparts": "",
                    "detail": "",
                    "force": None,
                    "verdict": "no country code",
                }
            )
            continue
        found = False
        for ep in episodes:
            if not ep.overlaps(years, first, last) or not (ep.counterparts & codes):
                continue
            found = True
            ep.matched_by.append(cid)
            if case.kind == "intervention":
                verdict = "agree" if ep.force else "partial"
            else:
                verdict = "disagree" if ep.force else "agree"
            rows.append(
                {
                    **base,
                    "dataset": ep.dataset,
                    "episode": ep.id,
                    "years": _span(ep.years),
                    "counterparts": ", ".join(str(c) for c in sorted(ep.counterparts)),
                    "detail": ep.detail,
                    "force": ep.force,
                    "verdict": verdict,
                }
            )
        if not found:
            covered = [
                name for name, (lo, hi) in coverage.items() if lo <= max(years) and min(years) <= hi
            ]
            rows.append(
                {
                    **base,
                    "dataset": ", ".join(covered),
                    "episode": "",
                    "years": "",
                    "counterparts": "",
                    "detail": "",
                    "force": None,
                    "verdict": "no match" if covered else "outside coverage",
                }
            )
    for ep in episodes:
        if ep.matched_by or not ep.force or max(ep.years) < FIRST_YEAR:
            continue
        rows.append(
            {
                "section": "episode",
                "case": "",
                "kind": "",
                "target": "",
                "period": "",
                "dataset": ep.dataset,
                "episode": ep.id,
                "years": _span(ep.years),
                "counterparts": ", ".join(str(c) for c in sorted(ep.counterparts)),
                "detail": ep.detail,
                "force": True,
                "verdict": "not in the case base",
            }
        )
    return rows


# --------------------------------------------------------------------------- output
def _cell(value: Any) -> str:
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")


def render_markdown(rows: list[dict[str, Any]], *, data_dir: str = "") -> str:
    """Render :func:`crosscheck` rows as a Markdown report with a summary and two tables."""
    cases = [r for r in rows if r["section"] == "case"]
    extra = [r for r in rows if r["section"] == "episode"]
    counts: dict[str, int] = defaultdict(int)
    for r in cases:
        counts[r["verdict"]] += 1
    out = [
        "# Cross-check of the case base against conflict datasets",
        "",
        "Generated by `scripts/crosscheck.py` from the workspace's cases and the peacesciencer "
        "Russia/USSR subsets"
        + (f" in `{data_dir}`" if data_dir else "")
        + " (CoW MID v5.0, GML MID v2.2.1, UCDP/PRIO ACD v25.1, CoW intra-state wars v4.1). "
        "Do not edit by hand; rerun the script.",
        "",
        "Matching rule: an episode matches a case when their dates overlap (MIDs: by day, from "
        "CoW's start month plus maximum duration padded by a month, or GML's participant "
        "dates; UCDP and CoW wars: by year) and the episode's "
        "counterpart state (CoW MID: `ccode2`; GML: participants on the other side; UCDP: the "
        "other Gleditsch-Ward codes; CoW war: the state named in the war's name) is the case's "
        "target. Use of force means Russia's MID hostility level >= 4 (GML: highest action >= "
        "13); every UCDP conflict (>= 25 battle deaths) and CoW war (>= 1,000) counts as force.",
        "",
        "Verdicts: intervention + force = agree, intervention + lower hostility = partial; "
        "negative + force = disagree, negative + lower hostility = agree; no episode = no match "
        "(expected for negative cases) or outside coverage (no dataset covers those years).",
        "",
        "Summary of case rows: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ".",
        "",
        "## Cases",
        "",
        "| case | kind | target | period | dataset | episode | years | detail | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in cases:
        out.append(
            "| "
            + " | ".join(
                _cell(r[k])
                for k in (
                    "case",
                    "kind",
                    "target",
                    "period",
                    "dataset",
                    "episode",
                    "years",
                    "detail",
                    "verdict",
                )
            )
            + " |"
        )
    out += [
        "",
        "## Dataset episodes (1956 on) with Russian use of force that match no case",
        "",
        "Counterparts are CoW / Gleditsch-Ward country codes (365 = Russia itself).",
        "",
        "| dataset | episode | years | counterparts | detail | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for r in sorted(extra, key=lambda r: (r["years"], r["dataset"], r["episode"])):
        out.append(
            "| "
            + " | ".join(
                _cell(r[k])
                for k in ("dataset", "episode", "years", "counterparts", "detail", "verdict")
            )
            + " |"
        )
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the cross-check and write the Markdown report (default ``docs/crosscheck.md``)."""
    repo = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", default=None, help="workspace folder (default: russia)")
    parser.add_argument(
        "--data", default=str(repo.parent / "shared" / "data" / "conflict" / "peacesciencer")
    )
    parser.add_argument("--out", default=str(repo / "docs" / "crosscheck.md"))
    args = parser.parse_args(argv)
    try:
        ws = load_workspace(args.workspace)
        rows = crosscheck(ws, args.data)
    except (CasusError, OSError) as err:  # a script edge: report and exit 1
        sys.stderr.write(f"error: {err}\n")
        return 1
    Path(args.out).write_text(
        render_markdown(rows, data_dir="shared/data/conflict/peacesciencer"), encoding="utf-8"
    )
    sys.stderr.write(
        f"wrote {args.out}: {sum(r['section'] == 'case' for r in rows)} case rows, "
        f"{sum(r['section'] == 'episode' for r in rows)} unmatched episodes\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

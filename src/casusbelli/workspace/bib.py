"""Import bibliographies (BibTeX, CSL-JSON) into a workspace's ``sources.yaml``.

BibTeX is parsed with bibtexparser and mapped to CSL-JSON field names (the mapping follows
citeproc's conventions: ``journal`` -> ``container-title``, ``pages`` -> ``page``, ...).
Imports are all-or-nothing: a bad entry or a duplicate id leaves ``sources.yaml`` untouched.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import convert_to_unicode, splitname
from pydantic import ValidationError
from pyparsing import ParseException
from ruamel.yaml import YAML

from casusbelli.errors import DuplicateIdError, Problem, SchemaError, SourceError
from casusbelli.workspace.models import Source
from casusbelli.workspace.yamlio import MAX_FILE_BYTES, _FileProblem, check_yaml, read_text

__all__ = ["import_sources", "parse_bibtex", "parse_csl_json", "upsert_source"]

_BIB_TYPES = {
    "article": "article-journal",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "online": "webpage",
    "misc": "document",
    "manual": "book",
    "unpublished": "manuscript",
    "dataset": "dataset",
}


def _names(value: str) -> list[dict[str, str]]:
    out = []
    for raw in re.split(r"\s+and\s+", value.strip()):
        raw = raw.strip()
        if not raw:
            continue
        if raw.startswith("{") and raw.endswith("}"):
            out.append({"literal": raw[1:-1]})
            continue
        parts = splitname(raw, strict_mode=False)
        family = " ".join(parts.get("last", [])).strip("{}")
        given = " ".join(parts.get("first", [])).strip("{}")
        name: dict[str, str] = {"family": family} if family else {"literal": raw}
        if given:
            name["given"] = given
        von = " ".join(parts.get("von", []))
        if von:
            name["non-dropping-particle"] = von
        out.append(name)
    return out


def _bib_entry_to_csl(entry: dict[str, Any]) -> dict[str, Any]:
    typ = entry.get("ENTRYTYPE", "misc").lower()
    csl: dict[str, Any] = {"id": entry.get("ID", ""), "type": _BIB_TYPES.get(typ, "document")}
    clean = {
        k.lower(): str(v).strip().replace("{", "").replace("}", "")
        for k, v in entry.items()
        if k not in ("ENTRYTYPE", "ID")
    }
    if "title" in clean:
        csl["title"] = clean["title"]
    for key in ("author", "editor"):
        if key in entry:
            csl[key] = _names(str(entry[key]))
    mapping = {
        "journal": "container-title",
        "journaltitle": "container-title",
        "booktitle": "container-title",
        "publisher": "publisher",
        "institution": "publisher",
        "school": "publisher",
        "address": "publisher-place",
        "location": "publisher-place",
        "volume": "volume",
        "pages": "page",
        "doi": "DOI",
        "url": "URL",
        "isbn": "ISBN",
        "issn": "ISSN",
        "note": "note",
        "edition": "edition",
        "series": "collection-title",
        "abstract": "abstract",
        "language": "language",
    }
    for bkey, ckey in mapping.items():
        if bkey in clean and ckey not in csl:
            csl[ckey] = clean[bkey].replace("--", "-") if ckey == "page" else clean[bkey]
    if "number" in clean:
        csl["issue" if csl["type"] == "article-journal" else "number"] = clean["number"]
    year = clean.get("year") or (clean.get("date", "")[:4] if clean.get("date") else None)
    if year and year.isdigit():
        parts: list[int] = [int(year)]
        date = clean.get("date", "")
        m = re.match(r"^\d{4}-(\d{2})(?:-(\d{2}))?", date)
        if m:
            parts.append(int(m.group(1)))
            if m.group(2):
                parts.append(int(m.group(2)))
        csl["issued"] = {"date-parts": [parts]}
    return csl


def parse_bibtex(text: str, file: str = "<bibtex>") -> list[dict[str, Any]]:
    """Parse BibTeX into CSL-JSON records (not yet validated)."""
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    parser.customization = convert_to_unicode
    try:
        db = bibtexparser.loads(text, parser=parser)
    except (ParseException, ValueError, KeyError, IndexError, TypeError) as exc:
        raise SourceError(f"invalid BibTeX: {exc}", file=file) from exc
    if not db.entries and "@" in text:
        raise SourceError(
            "no BibTeX entry could be read",
            file=file,
            hint="check braces and the @type{key, ...} form",
        )
    records = [_bib_entry_to_csl(e) for e in db.entries]
    lines = text.splitlines()
    for rec in records:
        rec["_line"] = next(
            (
                n
                for n, ln in enumerate(lines, 1)
                if re.search(r"@\w+\s*\{\s*" + re.escape(rec["id"]) + r"\s*,", ln)
            ),
            None,
        )
    return records


def parse_csl_json(text: str, file: str = "<csl-json>") -> list[dict[str, Any]]:
    """Parse a CSL-JSON array (or one object) of references."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"invalid JSON: {exc.msg}", file=file, line=exc.lineno, column=exc.colno
        ) from exc
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise SourceError("expected a CSL-JSON array of objects", file=file)
    return data


def _checked_records(
    records: list[dict[str, Any]], entries: list[Any], rel: str
) -> list[dict[str, Any]]:
    """The records of an import, each valid and with a new id; raises with every problem."""
    known = {str(e.get("id")) for e in entries if isinstance(e, dict)}
    problems: list[Problem] = []
    seen: set[str] = set()
    clean_records = []
    for i, rec in enumerate(records):
        line = rec.pop("_line", None)
        rid = str(rec.get("id", ""))
        field_prefix = f"[{i}]"
        try:
            Source.model_validate(rec)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(x) for x in err["loc"])
                problems.append(Problem(err["msg"], rel, line, None, f"{field_prefix}.{loc}"))
            continue
        if rid in known or rid in seen:
            where = "sources.yaml" if rid in known else "this file"
            problems.append(
                Problem(
                    f"duplicate source id {rid!r} (already in {where})",
                    rel,
                    line,
                    None,
                    f"{field_prefix}.id",
                )
            )
            continue
        seen.add(rid)
        clean_records.append(rec)
    if problems:
        cls = DuplicateIdError if all("duplicate" in p.message for p in problems) else SchemaError
        first = problems[0]
        raise cls(
            first.message, problems=problems, file=first.file, line=first.line, field=first.field
        )
    return clean_records


def import_sources(workspace: Path, path: Path) -> list[str]:
    """Add the references in ``path`` (``.bib`` or ``.json``) to ``workspace/sources.yaml``.

    Every record is validated first; a duplicate id (within the file or against the
    workspace) or an invalid record aborts the import and writes nothing.
    """
    rel = path.name
    try:
        text = read_text(path, rel, max_bytes=MAX_FILE_BYTES)
    except _FileProblem as fp:
        p = fp.problem
        raise SourceError(p.message, file=p.file, line=p.line, column=p.column) from None
    if path.suffix.lower() == ".bib":
        records = parse_bibtex(text, rel)
    elif path.suffix.lower() == ".json":
        records = parse_csl_json(text, rel)
    else:
        raise SourceError(
            f"unknown bibliography format {path.suffix!r}; use .bib or .json", file=rel
        )
    target = workspace / "sources.yaml"
    yaml = YAML()
    yaml.width = 100
    yaml.allow_unicode = True
    existing: Any = []
    if target.exists():
        try:
            current = read_text(target, "sources.yaml", max_bytes=MAX_FILE_BYTES, root=workspace)
            check_yaml(current, "sources.yaml")  # before the round-trip parser sees it
        except _FileProblem as fp:
            p = fp.problem
            raise SourceError(p.message, file=p.file, line=p.line, column=p.column) from None
        existing = yaml.load(current) or []
    # sources.yaml is a list, or a mapping with one key ``sources`` holding the list
    entries = existing["sources"] if isinstance(existing, dict) and "sources" in existing \
        else existing
    if not isinstance(entries, list):
        raise SourceError("expected a list of sources", file="sources.yaml", line=1)
    clean_records = _checked_records(records, entries, rel)
    for rec in clean_records:
        entries.append(rec)
    buf = io.StringIO()
    yaml.dump(existing, buf)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    os.replace(tmp, target)
    return [str(r["id"]) for r in clean_records]


def _source_files(workspace: Path) -> list[Path]:
    files = [workspace / "sources.yaml"] if (workspace / "sources.yaml").exists() else []
    folder = workspace / "sources"
    return files + (sorted(folder.glob("*.yaml")) if folder.is_dir() else [])


def _entries_of(path: Path, workspace: Path, yaml: YAML) -> tuple[Any, list[Any]]:
    rel = path.relative_to(workspace).as_posix()
    try:
        text = read_text(path, rel, max_bytes=MAX_FILE_BYTES, root=workspace)
        check_yaml(text, rel)
    except _FileProblem as fp:
        p = fp.problem
        raise SourceError(p.message, file=p.file, line=p.line, column=p.column) from None
    doc = yaml.load(text)
    if doc is None:
        doc = []
    entries = doc["sources"] if isinstance(doc, dict) and "sources" in doc else doc
    if not isinstance(entries, list):
        raise SourceError("expected a list of sources", file=rel, line=1)
    return doc, entries


def upsert_source(
    workspace: Path, record: dict[str, Any], default_file: str = "sources/threads.yaml"
) -> tuple[Path, bool]:
    """Add ``record`` to the workspace's sources, or update the entry with its id in place.

    The entry keeps the fields the record does not set (a ``note``, ``verified_at``,
    ``topics`` written by hand); running it twice changes nothing. A new entry goes to
    ``default_file``. Returns the file written and whether the entry was new.

    Raises
    ------
    SchemaError
        When the merged entry is not a valid source (nothing is written).
    """
    yaml = YAML()
    yaml.width = 100
    yaml.allow_unicode = True
    rid = str(record["id"])
    target, doc, entries, found = None, None, None, None
    for path in _source_files(workspace):
        d, es = _entries_of(path, workspace, yaml)
        hit = next((e for e in es if isinstance(e, dict) and str(e.get("id")) == rid), None)
        if hit is not None:
            target, doc, entries, found = path, d, es, hit
            break
    new = found is None
    if new:
        target = workspace / default_file
        doc, entries = _entries_of(target, workspace, yaml) if target.exists() else ([], None)
        entries = doc if entries is None else entries
        found = {}
        entries.append(found)
    assert target is not None and found is not None and entries is not None
    merged = {**dict(found), **record}
    rel = target.relative_to(workspace).as_posix()
    try:
        Source.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise SchemaError(err["msg"], file=rel, field=f"{rid}.{loc}") from None
    if not new and all(found.get(k) == v for k, v in record.items()):
        return target, False
    for key, value in record.items():
        found[key] = value
    buf = io.StringIO()
    yaml.dump(doc, buf)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    os.replace(tmp, target)
    return target, new

"""A cache of the analysis sections, keyed by everything that decides them.

A warm ``casus analyze`` reads the sections instead of importing pandas and the engines and
computing them again:

* the within-case, cross-case and discourse sections read the workspace and nothing else. Their
  key hashes every workspace file but ``questions/`` and ``signposts/``, which only the
  forecasts read, so editing a question keeps them;
* the forecast section also reads the store's journal (forecasts issued, resolutions,
  observations) and today's date. Its key hashes every workspace file, the journal's state
  (:func:`casusbelli.store.registry.journal_state`: the journal is append-only, so row counts
  and largest ids identify it) and the UTC date;
* every key also hashes the source of the code that computes the sections
  (:data:`CODE_PARTS`) and the versions of the numerical libraries.

The verdict is derived from the sections and the audit (which has its own cache) on every run.

Entries are JSON in the store's model cache (:mod:`casusbelli.store.cache`), written by
pydantic from the section's dataclass and validated back into it when read (never pickle). A
section is only written when that round trip gives back the same object: the same JSON
document (``to_dict()``) and the same ``repr`` (which tells ``3`` from ``3.0`` and a named tuple
from a dict), with no NaN or infinity. A result JSON cannot hold exactly is computed every
time instead of read back changed. An entry that no longer validates, or that validation
would complete with defaults, is ignored. Writing a section deletes the workspace's older
entries of that section, which no key can reach again.
"""

from __future__ import annotations

import functools
import importlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casusbelli.analysis.digests import (
    library_versions,
    source_digest,
    workspace_files_digests,
)

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from casusbelli.analysis.sections import Section
    from casusbelli.store.db import Store

__all__ = ["CACHED_SECTIONS", "CODE_PARTS", "SectionCache", "section_key"]

#: Section name -> ``"module:Class"`` of its typed result; only these are cached.
CACHED_SECTIONS: dict[str, str] = {
    "within": "casusbelli.analysis.within:WithinSection",
    "cross": "casusbelli.analysis.cross:CrossSection",
    "discourse": "casusbelli.analysis.discourse:DiscourseSection",
    "forecasts": "casusbelli.analysis.forecasts:ForecastSection",
}
#: Sections that also read the store's journal and today's date.
JOURNAL_SECTIONS = frozenset({"forecasts"})
#: Workspace folders the cached sections do not read.
SKIP_FOLDERS = ("questions", "signposts")
#: casusbelli's code that computes the cached sections.
CODE_PARTS = ("analysis", "cross", "within", "discourse", "forecast", "workspace", "errors.py",
              "expression.py", "text.py", "pipeline.py", "store/registry.py", "store/journal.py")
#: Libraries whose versions can change a cached number.
LIBRARIES = ("numpy", "scipy", "pandas", "pyarrow")


def _section_class(name: str) -> type[Section]:
    module, _, cls = CACHED_SECTIONS[name].partition(":")
    found: type[Section] = getattr(importlib.import_module(module), cls)
    return found


@functools.cache
def _adapter(name: str) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(_section_class(name))


def section_key(name: str, inputs: str) -> str:
    """The cache key of section ``name`` computed from workspace inputs digest ``inputs``."""
    from casusbelli.store.cache import cache_key

    return cache_key(inputs, f"section:{name}", _settings())


@functools.cache
def _settings() -> dict[str, str]:
    return {"code": source_digest(CODE_PARTS), "versions": library_versions(LIBRARIES)}


def _canonical(section: Section) -> tuple[str, str]:
    """The section's JSON document as text, and its ``repr``: a round trip that changes a
    value or its type (``3`` read back as ``3.0``, a named tuple as a dict) changes one."""
    return json.dumps(section.to_dict(), sort_keys=True, default=repr), repr(section)


class SectionCache:
    """Read and write the cached sections of one workspace in one store."""

    def __init__(self, store: Store, workspace: str, content_hash: str,
                 inputs: tuple[str, str]) -> None:
        self.store = store
        self.workspace = workspace
        self.content_hash = content_hash
        #: digests of the workspace's files: without ``questions/`` and ``signposts/``, all
        self.inputs = inputs
        self._keys: dict[str, str] = {}

    @classmethod
    def open(cls, store_url: str, root: Path, workspace: str,
             content_hash: str) -> SectionCache | None:
        """The cache for the workspace at ``root`` in the store at ``store_url`` (``None``: a
        workspace file cannot be read, so nothing is cached)."""
        from casusbelli.store.db import Store

        inputs = workspace_files_digests(root, salt="sections", skip_folders=SKIP_FOLDERS)
        if inputs is None:
            return None
        return cls(Store(store_url), workspace, content_hash, inputs)

    def close(self) -> None:
        """Release the store's connections (the cache is not used afterwards)."""
        self.store.dispose()

    def key(self, name: str) -> str:
        """Section ``name``'s key, fixed at its first use in this run: a section computed after
        a miss is written under the journal state and date read before it was computed."""
        if name not in self._keys:
            inputs = self.inputs[0]
            if name in JOURNAL_SECTIONS:
                from casusbelli.store.registry import journal_state, utc_now

                inputs = "\0".join((self.inputs[1], journal_state(self.store),
                                     utc_now().date().isoformat()))
            self._keys[name] = section_key(name, inputs)
        return self._keys[name]

    def read(self, name: str) -> Section | None:
        """The cached section ``name``, or ``None`` (not cacheable, no entry, or an entry that
        no longer validates)."""
        from pydantic import ValidationError

        from casusbelli.store.cache import read_cache

        if name not in CACHED_SECTIONS:
            return None
        hit = read_cache(self.store, self.key(name))
        if hit is None:
            return None
        adapter, doc = _adapter(name), hit.get("section")
        try:
            section: Section = adapter.validate_python(doc)
        except ValidationError:
            return None
        # an entry missing fields (filled with defaults) or with unknown ones is not the
        # document this code wrote
        return section if adapter.dump_python(section, mode="json") == doc else None

    def write(self, name: str, section: Section) -> bool:
        """Cache ``section`` if it is cacheable and survives the JSON round trip unchanged."""
        from casusbelli.store.cache import write_cache

        if name not in CACHED_SECTIONS or section.error is not None:
            return False
        if type(section) is not _section_class(name):
            return False
        adapter = _adapter(name)
        doc = adapter.dump_python(section, mode="json")
        try:
            json.dumps(doc, allow_nan=False)  # PostgreSQL's JSON has no NaN or Infinity
        except ValueError:
            return False
        if _canonical(adapter.validate_python(doc)) != _canonical(section):
            return False
        return write_cache(self.store, self.key(name), engine=f"section:{name}",
                           workspace=self.workspace, content_hash=self.content_hash,
                           settings=_settings(), result={"section": doc}, prune=True)

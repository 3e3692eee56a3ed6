"""The workspace's validated frames, converted into the discourse engine's plain frames."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusbelli.analysis.frames import lexicon_frame, lexicon_frames, load_frames
from casusbelli.discourse.lexicon import Example, Frame
from casusbelli.errors import SchemaError
from casusbelli.workspace import builtin_path, load_workspace

FRAME = """label: Fascism
description: The adversary as Nazi.
terms:
  en: [nazism, neo-nazi]
  ru: [нацизм]
examples:
  - text: They are neo-Nazis.
    source: src1
"""


def test_a_frame_file_becomes_an_engine_frame(tmp_path: Path) -> None:
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / "fascism.yaml").write_text(FRAME, encoding="utf-8")
    (frame,) = load_frames(folder, known_sources={"src1"})
    assert frame == Frame("fascism", "Fascism", "The adversary as Nazi.",
                          {"en": ("nazism", "neo-nazi"), "ru": ("нацизм",)},
                          (Example("They are neo-Nazis.", "src1", None),))


def test_a_bad_frame_file_keeps_its_located_error(tmp_path: Path) -> None:
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / "fascism.yaml").write_text(FRAME.replace("en: [", "en: [Neo-Nazi, "), "utf-8")
    with pytest.raises(SchemaError) as err:
        load_frames(folder)
    assert (err.value.file, err.value.line, err.value.field) == (
        "frames/fascism.yaml", 4, "terms.en[2]")


def test_builtin_frames_from_the_folder_equal_those_of_the_workspace() -> None:
    ws = load_workspace(builtin_path("russia"))
    from_ws = lexicon_frames(ws.frames)
    assert [f.id for f in from_ws] == sorted(ws.frames)
    assert from_ws == load_frames(Path(builtin_path("russia")) / "frames")
    gpw = lexicon_frame("gpw", ws.frames["gpw"])
    assert all(isinstance(ts, tuple) for ts in gpw.terms.values())
    assert gpw.examples and all(ex.locator for ex in gpw.examples)

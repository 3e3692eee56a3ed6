"""Shared fixtures: the ``../shared/data`` folder, temporary workspaces, stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    env = os.environ.get("CASUS_SHARED_DATA")
    if env:
        return Path(env)
    return REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ``../shared/data``; skips when absent, fails when CASUS_REQUIRE_SHARED=1 (CI)."""
    path = _shared_dir()
    if not path.is_dir():
        if os.environ.get("CASUS_REQUIRE_SHARED") == "1":
            pytest.fail(f"shared data required (CASUS_REQUIRE_SHARED=1) but {path} is absent")
        pytest.skip(f"shared data not present at {path}")
    return path

"""Fixtures for the IVR core tests: the shipped scripts, loaded once, and copies to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hotline.ivr import Script, load_scripts

SHIPPED = Path(__file__).resolve().parents[3] / "ivr_scripts"


@pytest.fixture(scope="session")
def script() -> Script:
    return load_scripts(SHIPPED)


@pytest.fixture
def scripts_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped scripts, for a test to edit."""
    target = tmp_path / "ivr_scripts"
    shutil.copytree(SHIPPED, target)
    return target

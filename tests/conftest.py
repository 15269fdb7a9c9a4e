"""Shared fixtures. The project tree is the one this test suite lives in; ``../shared`` (the
workplace's reference material) is optional and tests that need it skip without it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from rrii_graph.build import load_dataset
from rrii_graph.layout import ProjectLayout

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
BASE = DATA / "shapes" / "valid" / "base.trig"
SHARED = Path(os.environ.get("RRII_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def layout() -> ProjectLayout:
    return ProjectLayout(ROOT)


@pytest.fixture(scope="session")
def shipped_dataset(layout):
    """The project's own ontology, vocabularies, shapes and curated data."""
    return load_dataset(layout)


@pytest.fixture(scope="session")
def base_fixture_dataset(layout):
    """The fictional, fully conforming fixture world of tests/data/shapes/base.trig."""
    return load_dataset(layout, DATA / "shapes" / "valid")


def fixture_folder(tmp_path: Path, *files: Path) -> Path:
    """A data folder holding copies of the given fixture files."""
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


@pytest.fixture
def shared_conformance() -> Path:
    folder = SHARED / "conformance"
    if not folder.is_dir():
        pytest.skip(f"official SEMIC shapes not available: {folder} is absent "
                    "(set RRII_SHARED to a folder holding conformance/)")
    return folder


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def chromium_command(profile: Path) -> list[str]:
    """Debian's headless Chromium with the flags that keep it off the network; skips the test
    when it is not installed."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return [found, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)")

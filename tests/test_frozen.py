"""The frozen app's runtime set-up: numba's cache in the per-user cache folder (DESIGN §2)."""

from __future__ import annotations

import os
import sys

import platformdirs
import pytest

from playground.frozen import APP_NAME, configure_frozen_runtime, user_cache_dir


@pytest.fixture
def frozen(monkeypatch, tmp_path):
    """Pretend to run frozen, with the per-user cache root in tmp_path (on Linux)."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


def test_the_cache_folder_is_the_platforms_own():
    assert user_cache_dir() == platformdirs.user_cache_path(
        APP_NAME, appauthor=False, opinion=False
    )
    assert user_cache_dir().name == APP_NAME


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG folders are Linux's")
def test_linux_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert user_cache_dir() == tmp_path / "nn-playground"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "nn-playground"


def test_frozen_sets_and_creates_the_numba_cache(frozen):
    configure_frozen_runtime()
    expected = user_cache_dir() / "numba"
    assert os.environ["NUMBA_CACHE_DIR"] == str(expected) and expected.is_dir()
    if sys.platform.startswith("linux"):
        assert expected == frozen / "cache" / "nn-playground" / "numba"


def test_a_numba_cache_dir_given_by_the_user_is_kept(frozen, monkeypatch):
    mine = frozen / "mine"
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(mine))
    configure_frozen_runtime()
    assert os.environ["NUMBA_CACHE_DIR"] == str(mine) and mine.is_dir()


def test_an_unwritable_cache_folder_does_not_stop_the_app(frozen, monkeypatch):
    blocker = frozen / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(blocker / "numba"))  # under a file: mkdir fails
    configure_frozen_runtime()
    assert os.environ["NUMBA_CACHE_DIR"] == str(blocker / "numba")


def test_not_frozen_changes_nothing(monkeypatch):
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    configure_frozen_runtime()
    assert "NUMBA_CACHE_DIR" not in os.environ

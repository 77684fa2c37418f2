"""``hngraph.validation.incremental.cache``: entries by key, nothing corrupt is ever used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hngraph.validation.incremental.cache import Cache, cache_dir

KEY = "ab" + "0" * 62
OTHER = "cd" + "1" * 62


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HNGRAPH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_folder_is_the_environment_variable_else_the_user_cache(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert cache_dir() == isolated
    monkeypatch.delenv("HNGRAPH_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "hngraph"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "hngraph"


def test_an_entry_comes_back_as_it_was_stored() -> None:
    cache = Cache()
    assert cache.get(KEY) is None and cache.misses == 1
    cache.put(KEY, {"results": [], "text": "任务 1"})
    assert cache.get(KEY) == {"results": [], "text": "任务 1"}
    assert cache.hits == 1
    assert not [p for p in cache.folder.rglob("*") if p.name.startswith(".tmp-")]


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[:-5],  # cut short
        lambda raw: raw.replace(b'"text"', b'"txet"'),  # a byte changed, checksum kept
        lambda raw: b"\xff\xfe" + raw,  # not the format
        lambda raw: b"",  # empty
    ],
    ids=["truncated", "edited", "garbage", "empty"],
)
def test_a_damaged_entry_is_a_miss(damage) -> None:
    cache = Cache()
    cache.put(KEY, {"text": "x"})
    path = cache.path(KEY)
    path.write_bytes(damage(path.read_bytes()))
    assert cache.get(KEY) is None
    assert cache.rejected == 1 and cache.hits == 0
    cache.put(KEY, {"text": "y"})  # recomputed and overwritten
    assert cache.get(KEY) == {"text": "y"}


def test_an_entry_under_another_key_is_a_miss() -> None:
    cache = Cache()
    cache.put(OTHER, {"text": "other"})
    target = cache.path(KEY)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(cache.path(OTHER).read_bytes())  # a valid entry, in the wrong place
    assert cache.get(KEY) is None and cache.rejected == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_cache_that_cannot_be_written_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        cache = Cache(folder)
        cache.put(KEY, {"text": "x"})
        assert cache.get(KEY) is None
    finally:
        folder.chmod(0o700)


def test_a_cache_folder_that_is_a_file_is_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = Cache(blocker)
    cache.put(KEY, {"text": "x"})  # no exception
    assert cache.get(KEY) is None

"""Structures kept on disk between processes (parkloop.kept): taken again only while the
package is as it was, built again after any change, never a reason to fail."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from parkloop import kept as kept_module
from parkloop.catalog import recognise
from parkloop.kept import kept


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PARKLOOP_CACHE_DIR", str(tmp_path / "kept"))
    return tmp_path / "kept"


def counting(value: object, calls: list[int]):  # type: ignore[no-untyped-def]
    def build() -> object:
        calls.append(1)
        return value

    return build


def test_a_structure_is_built_once_then_read_from_disk(folder: Path) -> None:
    calls: list[int] = []
    assert kept("thing", counting({"a": (1, 2)}, calls)) == {"a": (1, 2)}
    assert kept("thing", counting({"a": "other"}, calls)) == {"a": (1, 2)}
    assert calls == [1]
    assert [p.name.split("-")[0] for p in folder.iterdir()] == ["thing"]


def test_a_changed_package_builds_it_again_and_drops_the_old_one(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    kept("thing", counting(1, calls))
    monkeypatch.setattr(kept_module, "fingerprint", lambda: "changed")
    assert kept("thing", counting(2, calls)) == 2
    assert calls == [1, 1]
    assert [p.name for p in folder.iterdir()] == ["thing-changed.pickle"]


def test_the_fingerprint_follows_every_file_of_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "pkg"
    (package / "data").mkdir(parents=True)
    (package / "data" / "terms.csv").write_text("a,b\n")
    monkeypatch.setattr(kept_module, "PACKAGE", package)
    kept_module.fingerprint.cache_clear()
    try:
        before = kept_module.fingerprint()
        kept_module.fingerprint.cache_clear()
        (package / "data" / "terms.csv").write_text("a,b,c\n")
        assert kept_module.fingerprint() != before
    finally:
        kept_module.fingerprint.cache_clear()


def test_a_damaged_file_is_built_again(folder: Path) -> None:
    kept("thing", lambda: [1])
    (path,) = folder.iterdir()
    path.write_bytes(b"not a pickle")
    assert kept("thing", lambda: [2]) == [2]
    assert pickle.loads(path.read_bytes()) == [2]


def test_keeping_off_or_impossible_still_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setenv("PARKLOOP_CACHE_DIR", "off")
    kept("thing", counting(1, calls))
    kept("thing", counting(1, calls))
    assert calls == [1, 1]
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("PARKLOOP_CACHE_DIR", str(blocker / "below"))
    assert kept("thing", counting(3, calls)) == 3


def test_a_recogniser_read_from_disk_reads_as_one_built_here(folder: Path) -> None:
    texts = ["Tro trấu đã qua sử dụng", "xi lo cao", "Bùn thải có kim loại", "vải vụn"]
    env = {**os.environ, "PARKLOOP_CACHE_DIR": str(folder)}
    script = (
        "from parkloop.catalog.recognise import recognise_material as r;"
        f"print([(x.code, x.confidence, x.basis) for x in map(r, {texts!r})])"
    )
    first, second = (
        subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    )
    assert any(p.name.startswith("material-recogniser-") for p in folder.iterdir())
    here = [(x.code, x.confidence, x.basis) for x in map(recognise.recognise_material, texts)]
    assert first == second == f"{here}\n"

"""The installable package: pyproject lists every code package, and a real wheel installed in a
fresh venv outside the repository carries the data and runs every command there (offline).

The wheel is built from a copy of the checkout's files with the installed setuptools
(``pip wheel --no-deps --no-build-isolation``), installed with ``--no-deps --no-index`` into a
``venv --system-site-packages`` (the dependencies come from this environment), and run from an
empty folder, so nothing can come from the checkout.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DATA_FOLDERS = ("ontology", "queries", "data")
COPIED = ("pyproject.toml", "README.md", "LICENSE", "LICENSE-DATA", "hngraph", *DATA_FOLDERS)


def test_pyproject_lists_every_code_package() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    code = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "hngraph").rglob("__init__.py")
    }
    data = {f"hngraph._files.{folder}" for folder in DATA_FOLDERS}
    assert listed == code | data
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {
        f"hngraph._files.{folder}": folder for folder in DATA_FOLDERS
    }


def test_metadata() -> None:
    project = PYPROJECT["project"]
    assert project["version"] == "0.2.0"
    assert project["authors"] == [{"name": "hngraph contributors"}]
    assert project["license"] == {"text": "Apache-2.0 AND CC-BY-4.0"}
    assert PYPROJECT["tool"]["setuptools"]["license-files"] == ["LICENSE", "LICENSE-DATA"]
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in (ROOT / "LICENSE-DATA").read_text(encoding="utf-8")
    assert set(project["optional-dependencies"]["analysis"]) <= set(
        project["optional-dependencies"]["test"]
    )
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert 'version: "0.2.0"' in citation and "hngraph contributors" in citation
    assert "doi:" not in citation.lower() and "date-released" not in citation


def test_version_prints_on_stdout(capsys: pytest.CaptureFixture) -> None:
    from hngraph.commands.main import main

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr() == ("hngraph 0.2.0\n", "")


@dataclass(frozen=True)
class Installed:
    """A fresh venv holding the wheel, and an empty folder to run it from."""

    wheel: Path
    venv: Path
    cwd: Path

    @property
    def hngraph(self) -> str:
        return str(self.venv / "bin" / "hngraph")

    @property
    def python(self) -> str:
        return str(self.venv / "bin" / "python")

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.hngraph, *args],
            cwd=self.cwd,
            env=_clean_env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )


def _clean_env() -> dict[str, str]:
    """The environment without PYTHONPATH (which would bring the checkout back)."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def _pip(python: str, *args: str, cwd: Path) -> None:
    subprocess.run(
        [python, "-m", "pip", *args, "--disable-pip-version-check", "-q"],
        cwd=cwd,
        env={**_clean_env(), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": ""},
        check=True,
        capture_output=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    source = tmp_path_factory.mktemp("source")
    for name in COPIED:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    dist = tmp_path_factory.mktemp("dist")
    _pip(
        sys.executable,
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        str(dist),
        ".",
        cwd=source,
    )
    (wheel,) = dist.glob("hngraph-*.whl")
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300
    )
    _pip(str(venv / "bin" / "python"), "install", "--no-deps", "--no-index", str(wheel), cwd=dist)
    yield Installed(wheel, venv, tmp_path_factory.mktemp("elsewhere"))


def test_the_wheel_carries_every_data_file(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    for folder in DATA_FOLDERS:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file():
                packaged = "hngraph/_files/" + path.relative_to(ROOT).as_posix()
                assert packaged in names, f"{path.relative_to(ROOT)} is not in the wheel"
    assert {"hngraph/py.typed", "hngraph/publish/templates/base.html"} <= names
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    assert {metadata.replace("METADATA", f) for f in ("LICENSE", "LICENSE-DATA")} <= names


def test_the_installed_package_is_the_wheels(installed: Installed) -> None:
    done = subprocess.run(
        [
            installed.python,
            "-c",
            "import hngraph, hngraph.project as p; print(hngraph.__file__);"
            " print(p.project_root())",
        ],
        cwd=installed.cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    module, root = done.stdout.splitlines()
    assert Path(module).is_relative_to(installed.venv)
    assert Path(root) == Path(module).parent / "_files"
    assert installed.run("--version").stdout == "hngraph 0.2.0\n"


def test_query_in_the_venv(installed: Installed) -> None:
    done = installed.run("query", "department-workload", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 21
    assert sum(int(row["lead_count"]) for row in rows) == 30
    here = subprocess.run(
        [sys.executable, "-m", "hngraph", "query", "department-workload", "--format", "csv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == here.stdout
    by_name = installed.run("query", "tasks-by-department", "--param", "department=省财政厅")
    assert by_name.returncode == 0 and "hnlist:hunan-vet-reform" in by_name.stdout


def test_validate_and_sparql_in_the_venv(installed: Installed) -> None:
    validated = installed.run("validate")
    assert validated.returncode == 0, validated.stderr
    assert "conforms" in validated.stdout
    answer = installed.run(
        "sparql", "-", "--format", "csv", stdin="SELECT (COUNT(?t) AS ?n) { ?t a hn:Task }"
    )
    assert (answer.returncode, answer.stdout) == (0, "n\n30\n")


def test_build_in_the_venv_writes_where_out_says(installed: Installed) -> None:
    refused = installed.run("build")
    assert refused.returncode == 2 and refused.stdout == ""
    assert (
        "read-only copy; give --out DIR" in refused.stderr and len(refused.stderr.splitlines()) == 1
    )
    packaged = installed.cwd / "packaged"  # from the packaged sources: the committed bytes
    done = installed.run("build", "--out", str(packaged))
    assert done.returncode == 0, done.stderr
    committed = (ROOT / "data" / "dataset" / "hngraph.ttl").read_bytes()
    assert (packaged / "hngraph.ttl").read_bytes() == committed
    mine = installed.cwd / "lists" / "hunan-vet-reform.txt"  # the user's own copy of a list
    mine.parent.mkdir()
    for name in ("hunan-vet-reform.txt", "hunan-vet-reform.json"):
        shutil.copy2(ROOT / "data" / "source" / name, mine.parent / name)
    out = installed.cwd / "built"
    done = installed.run("build", "--source", str(mine), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"wrote {out / 'hngraph.ttl'}\nwrote {out / 'SHA256SUMS'}\n"
    built = (out / "hngraph.ttl").read_text(encoding="utf-8")
    assert built == committed.decode().replace(
        'hn:sourcePath "data/source/hunan-vet-reform.txt"', 'hn:sourcePath "hunan-vet-reform.txt"'
    )
    assert installed.run("build", "--check").returncode == 0  # the packaged dataset is fresh


def test_the_api_in_the_venv_prints_the_clis_numbers(installed: Installed) -> None:
    code = (
        "import hngraph; frame = hngraph.open().query('department-workload').to_pandas();"
        " print(frame.to_csv(index=False), end='')"
    )
    done = subprocess.run(
        [installed.python, "-c", code],
        cwd=installed.cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == installed.run("query", "department-workload", "--format", "csv").stdout


def test_serve_in_the_venv(installed: Installed) -> None:
    process = subprocess.Popen(
        [installed.hngraph, "serve", "--port", "0", "--workers", "1"],
        cwd=installed.cwd,
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        found: list[str] = []
        reader = threading.Thread(
            target=lambda: found.append(process.stdout.readline()), daemon=True
        )
        reader.start()
        reader.join(120)
        assert found and re.fullmatch(r"http://127\.0\.0\.1:\d+/?\n", found[0]), found
        query = "SELECT (COUNT(?t) AS ?n) WHERE { ?t a <https://w3id.org/hngraph/def/Task> }"
        url = found[0].strip().rstrip("/") + "/sparql?" + urllib.parse.urlencode({"query": query})
        request = urllib.request.Request(url, headers={"Accept": "text/csv"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=60) as response:
            assert response.status == 200
            assert response.read().decode().split() == ["n", "30"]
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

"""Regenerate the expected SHACL results that the validation tests compare against.

    python scripts/validation_golden.py            # check: print every difference, exit 1 if any
    python scripts/validation_golden.py --write    # rewrite the files that differ
    python scripts/validation_golden.py --only corpus   # or: fixtures

Two sets, both in the one format of ``hngraph.validation.compare``:

* ``tests/fixtures/shapes*/invalid/*.expected.json``: plain pySHACL (rdflib graph) on each invalid
  fixture, with the shapes file of its layer (``shapes.ttl`` for ``shapes/``; for
  ``shapes-knowledge/`` ``shapes-knowledge.ttl``, the fixture read with ``ontology/knowledge.ttl``).
* ``tests/fixtures/corpus/broken-{2,8,60}.expected.json``: plain pySHACL with every project
  shapes file on the two-list synthetic corpus (``bench/generate.py``, built by ``hngraph build``)
  with 2, 8 and 60 injected violations (seed = count). Plain pySHACL takes minutes there, so the
  fast engine's test compares with these files instead of running it.

Never write without reading the diff: each file is a reviewed statement of what a rule reports.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = FIXTURES / "corpus"
COUNTS = (2, 8, 60)


def layer_shapes(fixture: Path) -> Path:
    """The shapes file of a fixture's layer."""
    name = "shapes-knowledge.ttl" if fixture.parents[1].name == "shapes-knowledge" else "shapes.ttl"
    return ONTOLOGY / name


def layer_data(fixture: Path) -> list[Path]:
    """The files a fixture is validated as: itself, plus the knowledge ontology for its layer."""
    if fixture.parents[1].name == "shapes-knowledge":
        return [fixture, ONTOLOGY / "knowledge.ttl"]
    return [fixture]


def invalid_fixtures() -> list[Path]:
    """Every invalid shapes fixture, core and knowledge layer."""
    return sorted(FIXTURES.glob("shapes*/invalid/*.ttl"))


def plain_pyshacl(data: list[Path], shapes: list[Path]) -> tuple[bool, list[dict]]:
    """``(conforms, rows)`` of plain pySHACL on the union of ``data``."""
    from rdflib import Graph

    from hngraph.rdf.read import read_graph
    from hngraph.validation import validate
    from hngraph.validation.compare import conforms, result_rows

    graph, shapes_graph = Graph(), Graph()
    for path in data:
        graph += read_graph(path)
    for path in shapes:
        shapes_graph += read_graph(path)
    report = validate(graph, shapes_graph, engine="rdflib")
    result = conforms(report.results_graph)
    assert result is not None
    return result, result_rows(report.results_graph)


def _generate() -> ModuleType:
    """``bench/generate.py`` as a module (bench/ is not a package)."""
    if "bench_generate" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "bench_generate", ROOT / "bench" / "generate.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_generate"] = module
        spec.loader.exec_module(module)
    return sys.modules["bench_generate"]


def build_corpus(folder: Path) -> Path:
    """Two synthetic lists built into one dataset by ``hngraph build``, as N-Triples."""
    from hngraph.rdf.read import read_graph

    sources = _generate().write_corpus(folder, 2, project=ROOT)
    out = folder / "out"
    argv = [sys.executable, "-m", "hngraph", "build", "--out", str(out)]
    for source in sources:
        argv += ["--source", str(source.relative_to(folder))]
    subprocess.run(argv, cwd=folder, check=True, capture_output=True)
    nt = out / "hngraph.nt"
    read_graph(out / "hngraph.ttl").serialize(nt, format="nt", encoding="utf-8")
    return nt


def broken_corpus(corpus: Path, folder: Path, count: int) -> Path:
    """The corpus with ``count`` injected violations (seed ``count``)."""
    path = folder / f"broken-{count}.nt"
    described = _generate().inject_violations(corpus, path, count, seed=count)
    assert len(described) == count
    return path


def _compare(path: Path, fresh: dict, write: bool) -> bool:
    """True when ``path`` holds ``fresh``; otherwise print the difference (and write it)."""
    from hngraph.validation.compare import read_expected, write_expected

    try:
        old = read_expected(path)
    except (OSError, KeyError, TypeError, ValueError):  # missing, or not in this format
        old = {"conforms": None, "results": []}
    if old == fresh:
        return True
    print(f"{path.relative_to(ROOT)}:")
    if old["conforms"] != fresh["conforms"]:
        print(f"  conforms: {old['conforms']} -> {fresh['conforms']}")
    for row in old["results"]:
        if row not in fresh["results"]:
            print(f"  - {json.dumps(row, ensure_ascii=False)}")
    for row in fresh["results"]:
        if row not in old["results"]:
            print(f"  + {json.dumps(row, ensure_ascii=False)}")
    if write:
        write_expected(path, fresh["conforms"], fresh["results"])
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite the files that differ")
    parser.add_argument("--only", choices=("fixtures", "corpus"), help="one of the two sets")
    args = parser.parse_args(argv)
    same = True
    if args.only in (None, "fixtures"):
        for fixture in invalid_fixtures():
            ok, rows = plain_pyshacl(layer_data(fixture), [layer_shapes(fixture)])
            target = fixture.with_suffix(".expected.json")
            same &= _compare(target, {"conforms": ok, "results": rows}, args.write)
    if args.only in (None, "corpus"):
        shapes = sorted(ONTOLOGY.glob("shapes*.ttl"))
        with tempfile.TemporaryDirectory() as tmp:
            corpus = build_corpus(Path(tmp))
            for count in COUNTS:
                ok, rows = plain_pyshacl([broken_corpus(corpus, Path(tmp), count)], shapes)
                target = CORPUS / f"broken-{count}.expected.json"
                same &= _compare(target, {"conforms": ok, "results": rows}, args.write)
    print("no difference" if same else ("written" if args.write else "differences found"))
    return 0 if same or args.write else 1


if __name__ == "__main__":
    sys.exit(main())

"""Property tests over generated task lists: valid ones survive parse → build → round trip byte for
byte; invalid ones give exit 2, one line, and write nothing."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from hngraph.build.dataset import subject_key
from hngraph.build.inputs import BuildInputs, load_inputs
from hngraph.build.triples import prepare_build
from hngraph.commands.main import main
from hngraph.errors import SourceError
from hngraph.rdf.turtle import TurtleWriter
from hngraph.source import write as roundtrip
from hngraph.source.parse import parse_file
from hngraph.vocab import DATASET_PREFIXES, list_iri

ROOT = Path(__file__).resolve().parents[2]
SLUG = "generated-list"
META = json.loads((ROOT / "tests/fixtures/lists/synthetic-second-list.json").read_text("utf-8"))
DEPARTMENTS = [
    "省教育厅",
    "省财政厅",
    "省国资委",
    "省工业和信息化厅",
    "省人力资源社会保障厅",
    "省科技厅",
]
# Measure text: CJK, ASCII letters and digits, full-width punctuation (never the separators).
CHARACTERS = st.sampled_from(
    list("职业教育改革产教融合推进建立完善机制abcXYZ0123456789，（）“”%《》。 -")
)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def inputs() -> BuildInputs:
    return load_inputs(ROOT)


@st.composite
def measure(draw: st.DrawFn) -> str:
    text = draw(st.text(CHARACTERS, min_size=1, max_size=30))
    return text if text == text.strip() else "举" + text.strip() + "措"


@st.composite
def task_list_text(draw: st.DrawFn) -> str:
    rows = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        measures = draw(st.lists(measure(), min_size=1, max_size=4))
        departments = draw(
            st.lists(st.sampled_from(DEPARTMENTS), min_size=1, max_size=4, unique=True)
        )
        rows.append(f"\t{number}\n\t{'；'.join(measures)}\n\t{'、'.join(departments)}\n")
    head = "附件9\n生成的测试清单（测试用，非真实文件）\n\t序号\n\t政策内容\n\t责任部门\n\n"
    return head + "\n".join(rows) + "\n\n"


def _subjects(triples: Iterable[tuple]) -> dict:
    """Triples filed by subject, as ``TurtleWriter.write_subjects`` takes them."""
    subjects: dict = {}
    for subject, predicate, value in triples:
        subjects.setdefault(subject, []).append((predicate, value))
    return subjects


def _write(folder: Path, text: str | bytes) -> Path:
    source = folder / f"{SLUG}.txt"
    source.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    (folder / f"{SLUG}.json").write_text(json.dumps({**META, "slug": SLUG}), encoding="utf-8")
    return source


@SETTINGS
@given(text=task_list_text())
def test_generated_lists_round_trip_byte_for_byte(
    tmp_path_factory: pytest.TempPathFactory, inputs: BuildInputs, text: str
) -> None:
    source = _write(tmp_path_factory.mktemp("list"), text)
    task_list = parse_file(source)
    build = prepare_build([task_list], inputs)
    sink = io.BytesIO()
    TurtleWriter(sink, DATASET_PREFIXES, "", key=subject_key).write_subjects(
        _subjects(build.list_triples(task_list))
    )
    graph = Graph().parse(data=sink.getvalue().decode("utf-8"), format="turtle")
    regenerated = roundtrip.source_bytes_verified(graph, URIRef(list_iri(SLUG)))
    assert regenerated == source.read_bytes()


BREAKS = {
    "zero-padded number": lambda t: t.replace("\t1\n", "\t01\n", 1),
    "plus-signed number": lambda t: t.replace("\t1\n", "\t+1\n", 1),
    "full-width number": lambda t: t.replace("\t1\n", "\t１\n", 1),
    "carriage returns": lambda t: t.replace("\n", "\r\n"),
    "byte-order mark": lambda t: "\ufeff" + t,
    "empty measure": lambda t: t.replace("\n\t1\n\t", "\n\t1\n\t；", 1),
    "department twice": lambda t: t.replace("\t省", "\t省教育厅、省教育厅、省", 1),
    "unknown department": lambda t: t.replace("\t省", "\t省不存在厅、省", 1),
    "control character": lambda t: t.replace("\t1\n\t", "\t1\n\t\x07", 1),
    "missing tab": lambda t: t.replace("\n\t1\n", "\n1\n", 1),
    "gap in numbers": lambda t: t.replace("\t1\n", "\t2\n", 1),
    "no rows": lambda t: t.split("\n\n", 1)[0] + "\n\n",
    "two blank lines between rows": lambda t: t.replace("\n\n\t", "\n\n\n\t", 1),
    "no final blank lines": lambda t: t.rstrip("\n") + "\n",
    "trailing spaces": lambda t: t.replace("\n\t1\n", "\n\t1 \n", 1),
}


@SETTINGS
@given(text=task_list_text(), broken=st.sampled_from(sorted(BREAKS)))
def test_generated_invalid_lists_exit_2_and_write_nothing(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    text: str,
    broken: str,
) -> None:
    folder = tmp_path_factory.mktemp("bad")
    source = _write(folder, BREAKS[broken](text))
    out = folder / "out"
    capsys.readouterr()
    assert main(["build", "--source", str(source), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and source.name in captured.err, captured.err
    assert captured.out == ""
    assert not out.exists()
    shutil.rmtree(folder)


def test_a_zero_padded_number_names_the_place(tmp_path: Path) -> None:
    source = _write(
        tmp_path, "附件9\n题\n\t序号\n\t政策内容\n\t责任部门\n\n\t01\n\t做。\n\t省教育厅\n\n\n"
    )
    with pytest.raises(SourceError, match=r"generated-list.txt:7 \(task 1\): task number '01'"):
        parse_file(source)

"""``hngraph.validation`` and ``hngraph validate``: results, renderers, exit codes, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from hngraph.commands.main import main
from hngraph.rdf.read import read_graph
from hngraph.validation import (
    conforming_report,
    load_shapes,
    merge_reports,
    render_json,
    render_text,
    render_turtle,
    restrict_shapes,
    validate,
)
from hngraph.validation.run import TARGETS
from hngraph.vocab import HNID

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
VALID = FIXTURES / "valid" / "task-with-supporting-department.ttl"
LEAD_DISAGREES = FIXTURES / "invalid" / "lead-disagrees.ttl"
NO_TRANSLATION = FIXTURES / "invalid" / "task-translation-missing.ttl"
TASK = HNID["list/fixture/task/2"]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT / "ontology" / "shapes.ttl")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ---------------------------------------------------------------------------------------------
# Library
# ---------------------------------------------------------------------------------------------


def test_results_carry_task_department_and_both_messages(shapes) -> None:
    report = validate(read_graph(LEAD_DISAGREES), shapes)
    assert not report.conforms
    assert report.count("Violation") == 2
    departments = [result.department for result in report.results]
    assert departments == ["中共湖南省委宣传部", "湖南省教育厅"]  # sorted by value
    for result in report.results:
        assert result.task_number == 2
        assert result.task_list == HNID["list/fixture"]
        assert result.message("zh") == "牵头部门与位次 1 的牵头责任分工不一致。"
        assert (
            result.message("en")
            == "The lead department does not match the rank-1 lead responsibility."
        )
        assert result.rule("en") == "lead department agrees with the responsibilities"


def test_responsibility_and_measure_focus_are_located(shapes) -> None:
    name = validate(read_graph(FIXTURES / "invalid" / "responsibility-name-not-zh.ttl"), shapes)
    (result,) = name.results
    assert (result.task_number, result.department) == (2, "省委宣传部")
    text = validate(read_graph(FIXTURES / "invalid" / "measure-text-not-zh.ttl"), shapes)
    (result,) = text.results
    assert (result.task_number, result.measure_number) == (2, 1)


def test_organisation_focus_names_the_department(shapes) -> None:
    report = validate(
        read_graph(FIXTURES / "invalid" / "organisation-division-code-invalid.ttl"), shapes
    )
    (result,) = report.results
    assert result.department == "湖南省教育厅"
    assert result.task_number is None


def _fields(report) -> list[tuple]:
    names = ("severity", "focus_node", "result_path", "value", "source_shape", "message_en")
    names += ("task_list", "task_number", "measure_number", "department")
    return [tuple(getattr(r, name) for name in names) for r in report.results]


def test_a_pyoxigraph_store_is_validated_as_it_is(shapes) -> None:
    import pyoxigraph

    data = read_graph(FIXTURES / "invalid" / "responsibility-name-not-zh.ttl")
    store = pyoxigraph.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    from_store = validate(store, shapes)
    assert _fields(from_store) == _fields(validate(data, shapes))
    (result,) = from_store.results
    assert (result.task_number, result.department) == (2, "省委宣传部")  # context from the store


def test_focus_runs_only_those_shapes_on_those_nodes(shapes) -> None:
    data = read_graph(LEAD_DISAGREES)
    everything = validate(data, shapes)
    shape = everything.results[0].source_shape
    focused = validate(data, shapes, focus={shape: [TASK]})
    assert _fields(focused) == [f for f in _fields(everything) if f[4] == shape]
    assert validate(data, shapes, focus={shape: [HNID["list/fixture/task/1"]]}).results == ()


def test_focus_keeps_the_results_of_nested_shapes() -> None:
    """pySHACL's own ``focus_nodes`` option would skip the sh:node shape on the source page."""
    path = ROOT / "tests" / "fixtures" / "shapes-knowledge" / "invalid"
    data = read_graph(path / "change-source-without-publisher.ttl")
    shapes = load_shapes()
    event = HNID["org/old-office/change/2021-04-30"]
    everything = validate(data, shapes)
    (shape,) = {s for s in shapes.subjects(SH.targetClass, None) if "ChangeEvent" in str(s)}
    focused = validate(data, shapes, focus={shape: [event]})
    expected = [f for f in _fields(everything) if "/knowledge/" in str(f[4])]
    assert _fields(focused) == expected
    components = [str(r.constraint_component).rsplit("#")[-1] for r in focused.results]
    assert components == ["NodeConstraintComponent"]


def test_nested_details_are_not_top_level_results() -> None:
    """The sh:node result carries the nested sh:minCount result as sh:detail, as pySHACL does."""
    path = ROOT / "tests" / "fixtures" / "shapes-knowledge" / "invalid"
    data = read_graph(path / "change-source-without-publisher.ttl")
    data += read_graph(ROOT / "ontology" / "knowledge.ttl")
    report = validate(data, load_shapes(ROOT / "ontology" / "shapes-knowledge.ttl"))
    graph = report.results_graph
    assert len(set(graph.subjects(RDF.type, SH.ValidationResult))) == 2
    ((outer,),) = [list(graph.objects(None, SH.result))]
    (inner,) = graph.objects(outer, SH.detail)
    assert graph.value(inner, SH.sourceConstraintComponent) == SH.MinCountConstraintComponent
    assert [r.constraint_component for r in report.results] == [SH.NodeConstraintComponent]


def test_restricted_shapes_target_only_the_focus(shapes) -> None:
    shape = next(iter(shapes.subjects(SH.targetClass, None)))
    restricted = restrict_shapes(shapes, {shape: [TASK]})
    assert set(restricted.subject_objects(SH.targetNode)) == {(shape, TASK)}
    assert not any(restricted.subjects(SH.targetClass, None))
    targets = sum(1 for p in TARGETS for _ in shapes.subject_objects(p))
    assert len(shapes) - len(restricted) == targets - 1  # targets dropped, one targetNode added


def test_merged_reports(shapes) -> None:
    bad = validate(read_graph(LEAD_DISAGREES), shapes)
    warned = validate(read_graph(NO_TRANSLATION), shapes)
    merged = merge_reports([bad, conforming_report(), warned])
    assert not merged.conforms
    assert len(merged.results) == len(bad.results) + len(warned.results)
    (root,) = merged.results_graph.subjects(SH.conforms, None)
    assert len(list(merged.results_graph.objects(root, SH.result))) == len(merged.results)
    assert merge_reports([warned, conforming_report()]).conforms


def test_warnings_do_not_break_conformance(shapes) -> None:
    report = validate(read_graph(NO_TRANSLATION), shapes)
    assert report.conforms
    assert [result.severity for result in report.results] == ["Warning"]


def test_results_are_sorted_and_stable(shapes) -> None:
    data = read_graph(FIXTURES / "invalid" / "rank-duplicate.ttl")
    first = validate(data, shapes).results
    assert first == validate(data, shapes).results
    keys = [(str(r.focus_node), r.result_path or "", str(r.source_shape)) for r in first]
    assert keys == sorted(keys)


def test_default_shapes_are_the_projects(shapes) -> None:
    assert validate(read_graph(VALID)).results == ()


def test_renderers(shapes) -> None:
    report = validate(read_graph(LEAD_DISAGREES), shapes)
    english = render_text(report, "en")
    assert english.startswith("validation: does not conform (2 violations, 0 warnings)")
    assert "[violation] task 2 of fixture · 湖南省教育厅" in english
    assert "The lead department does not match the rank-1 lead responsibility." in english
    assert "hnsh:TaskLeadAgreementShape" in english
    chinese = render_text(report, "zh")
    assert chinese.startswith("验证结果：不符合（2 个违规，0 个警告）")
    assert "[违规] 清单 fixture 任务 2 · 湖南省教育厅" in chinese
    assert "牵头部门与位次 1 的牵头责任分工不一致。" in chinese

    document = json.loads(render_json(report))
    assert (document["conforms"], document["violations"], document["warnings"]) == (False, 2, 0)
    first = document["results"][0]
    assert first["taskNumber"] == 2
    assert first["department"] == "中共湖南省委宣传部"
    assert first["value"] == {
        "type": "uri",
        "value": str(HNID["org/cpc-hunan-publicity-department"]),
    }
    assert first["message"]["zh"] and first["message"]["en"]
    assert first["sourceConstraintComponent"] == str(SH.SPARQLConstraintComponent)

    results = Graph().parse(data=render_turtle(report), format="turtle")
    (node,) = results.subjects(SH.conforms, None)
    assert len(list(results.objects(node, SH.result))) == 2
    assert set(results.objects(None, SH.focusNode)) == {TASK}


def test_control_characters_are_escaped_in_the_text_report(shapes) -> None:
    report = validate(read_graph(FIXTURES / "invalid" / "control-character-text.ttl"), shapes)
    text = render_text(report, "en")
    assert '"第一行\\n第二行"@zh' in text
    assert all(ord(char) >= 32 for line in text.splitlines() for char in line)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def test_cli_conforming_data_exits_0(capsys) -> None:
    code, out, err = run(capsys, "--data", str(VALID))
    assert (code, err) == (0, "")
    assert out == "validation: conforms (0 violations, 0 warnings)\n"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "The lead department does not match the rank-1 lead responsibility."),
        ("zh", "牵头部门与位次 1 的牵头责任分工不一致。"),
    ],
)
def test_cli_violations_exit_1_in_either_language(capsys, lang: str, expected: str) -> None:
    code, out, _ = run(capsys, "--data", str(LEAD_DISAGREES), "--lang", lang)
    assert code == 1
    assert out.count(expected) == 2


def test_cli_warnings_only_exit_0(capsys) -> None:
    code, out, _ = run(capsys, "--data", str(NO_TRANSLATION), "--lang", "zh")
    assert code == 0
    assert "[警告] 清单 fixture 任务 2" in out
    assert "任务没有英文非官方译文（hn:unofficialTranslation）。" in out


@pytest.mark.parametrize("fmt", ["json", "turtle"])
def test_cli_machine_formats(capsys, fmt: str) -> None:
    code, out, _ = run(capsys, "--data", str(LEAD_DISAGREES), "--format", fmt)
    assert code == 1
    if fmt == "json":
        assert json.loads(out)["violations"] == 2
    else:
        graph = Graph().parse(data=out, format="turtle")
        assert (None, SH.conforms, None) in graph


def test_cli_merges_several_data_files(capsys, tmp_path: Path) -> None:
    text = VALID.read_text(encoding="utf-8")
    split = text.index("hnid:org\\/cpc-hunan-publicity-department a org:Organization")
    prefixes = text[: text.index("hnid:list")]
    tasks, organisations = tmp_path / "tasks.ttl", tmp_path / "organisations.ttl"
    tasks.write_text(text[:split], encoding="utf-8")
    organisations.write_text(prefixes + text[split:], encoding="utf-8")
    assert run(capsys, "--data", str(tasks))[0] == 1  # departments are not organisations
    assert run(capsys, "--data", str(tasks), "--data", str(organisations))[0] == 0
    assert run(capsys, "--data", str(tasks), str(organisations))[0] == 0


def test_cli_default_data_is_the_projects_dataset(capsys, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "ontology").mkdir()
    shutil.copy(ROOT / "ontology" / "shapes.ttl", tmp_path / "ontology" / "shapes.ttl")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys)
    assert code == 2
    assert str(Path("data") / "dataset" / "hngraph.ttl") in err and "file not found" in err
    (tmp_path / "data" / "dataset").mkdir(parents=True)
    shutil.copy(VALID, tmp_path / "data" / "dataset" / "hngraph.ttl")
    assert run(capsys)[0] == 0


def test_cli_missing_file_exits_2(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "missing.ttl"
    code, out, err = run(capsys, "--data", str(missing))
    assert (code, out) == (2, "")
    assert err == f"hngraph validate: error: {missing}: file not found\n"


def test_cli_bad_turtle_names_file_and_line(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "x .\n')
    code, _, err = run(capsys, "--data", str(bad))
    assert code == 2
    assert f"{bad}:3: not valid turtle" in err


def test_cli_unsupported_file_type_exits_2(capsys, tmp_path: Path) -> None:
    other = tmp_path / "data.csv"  # JSON-LD is read since the one format table
    other.write_text("a,b\n", encoding="utf-8")
    code, _, err = run(capsys, "--data", str(other))
    assert code == 2
    assert "unsupported file type" in err and ".ttl" in err


def test_cli_help_names_the_options(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    out = capsys.readouterr().out
    for option in ("--data", "--lang", "--format"):
        assert option in out


def test_built_dataset_conforms(capsys) -> None:
    dataset = ROOT / "data" / "dataset" / "hngraph.ttl"
    if not dataset.is_file():
        pytest.skip("data/dataset/hngraph.ttl is not built")
    code, out, _ = run(capsys, "--data", str(dataset))
    assert code == 0, out
    assert out == "validation: conforms (0 violations, 0 warnings)\n"

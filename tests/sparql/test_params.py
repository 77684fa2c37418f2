"""Parameters by name (``hngraph.sparql.params``): every way of naming a thing, ambiguity,
"did you mean", values that name nothing; on each backend, from the CLI and the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from hngraph.commands.main import main
from hngraph.sparql.catalogue import ParameterError, get_query
from hngraph.sparql.params import AmbiguousValueError, Resolver, UnknownValueError
from hngraph.store import IRI, Store
from hngraph.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"
ID = "https://w3id.org/hngraph/id/"
FINANCE = ID + "org/hunan-finance-department"
HUNAN = ID + "list/hunan-vet-reform"
IEI = ID + "concept/policy-area/industry-education-integration"
CENTRAL = ID + "concept/organisation-kind/central-agency-in-hunan"


def resolve(store: Store, name: str, value: str) -> str:
    return Resolver(store).resolve(name, value)


@pytest.mark.parametrize(
    "value",
    [
        FINANCE,
        f"<{FINANCE}>",
        " hnorg:hunan-finance-department ",
        "hnid:org/hunan-finance-department",
        "hnid:org\\/hunan-finance-department",
        "hunan-finance-department",
        "省财政厅",  # as written in the list (hn:nameAsWritten, skos:altLabel)
        "湖南省财政厅",  # the official Chinese name
        "Department of Finance of Hunan Province",  # the English name
        "department of finance of  HUNAN province",  # case and white space do not matter
        "ｈｕｎａｎ－ｆｉｎａｎｃｅ－ｄｅｐａｒｔｍｅｎｔ",  # fullwidth forms fold (NFKC)
    ],
)
def test_a_department_by_any_name(embedded_store: Store, value: str) -> None:
    assert resolve(embedded_store, "department", value) == FINANCE


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("list", "hunan-vet-reform", HUNAN),
        ("list", "湖南省工作任务清单", HUNAN),
        ("list", "Hunan Province Work Task List", HUNAN),
        ("list", "hnlist:hunan-vet-reform", HUNAN),
        ("area", "产教融合", IEI),
        ("area", "industry-education-integration", IEI),
        ("area", "hnarea:industry-education-integration", IEI),
        ("kind", "中央驻湘机构", CENTRAL),
        ("kind", "central agency branch in Hunan", CENTRAL),
        ("partner", "省教育厅", ID + "org/hunan-education-department"),
    ],
)
def test_lists_areas_and_kinds_by_slug_or_label(
    embedded_store: Store, name: str, value: str, expected: str
) -> None:
    assert resolve(embedded_store, name, value) == expected


def test_every_backend_resolves_the_same(any_store: Store) -> None:
    resolver = Resolver(any_store)
    assert resolver.resolve("department", "省财政厅") == FINANCE
    assert resolver.resolve("area", "产教融合") == IEI
    with pytest.raises(UnknownValueError) as error:
        resolver.resolve("department", "省财政")
    assert error.value.suggestions[0] == FINANCE


def test_unknown_names_suggest_the_nearest(embedded_store: Store) -> None:
    with pytest.raises(UnknownValueError) as error:
        resolve(embedded_store, "department", "省财政")
    assert FINANCE in error.value.suggestions
    assert "did you mean: hnorg:hunan-finance-department (湖南省财政厅" in str(error.value)
    with pytest.raises(UnknownValueError) as error:
        resolve(embedded_store, "department", ID + "org/hunan-finanse-department")  # misspelled
    assert error.value.suggestions[0] == FINANCE
    assert "no organisation in the dataset has the IRI" in str(error.value)


def test_an_iri_of_another_kind_names_no_department(embedded_store: Store) -> None:
    with pytest.raises(UnknownValueError, match="no organisation in the dataset has the IRI"):
        resolve(embedded_store, "department", HUNAN)


def test_a_bad_iri_is_still_refused(embedded_store: Store) -> None:
    with pytest.raises(ParameterError, match="is not allowed in an IRI"):
        resolve(embedded_store, "department", "https://w3id.org/hngraph/id/org/x> } DROP ALL {")


def test_an_iri_parameter_of_no_known_kind_must_be_mentioned(embedded_store: Store) -> None:
    resolver = Resolver(embedded_store)
    assert resolver.resolve("thing", f"<{FINANCE}>") == FINANCE
    assert resolver.resolve("thing", "hnorg:hunan-finance-department") == FINANCE
    with pytest.raises(UnknownValueError, match="does not mention hnorg:nobody"):
        resolver.resolve("thing", ID + "org/nobody")


AMBIGUOUS = """\
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/hngraph/id/org/a-office> a org:Organization ;
    skos:prefLabel "甲办公室"@zh ; skos:altLabel "办公室"@zh .
<https://w3id.org/hngraph/id/org/b-office> a org:Organization ;
    skos:prefLabel "乙办公室"@zh ; skos:altLabel "办公室"@zh .
"""


@pytest.fixture
def ambiguous(tmp_path: Path) -> Path:
    path = tmp_path / "ambiguous.ttl"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    return path


def test_a_name_of_two_things_lists_both(ambiguous: Path) -> None:
    with pytest.raises(AmbiguousValueError) as error:
        resolve(EmbeddedStore([ambiguous]), "department", "办公室")
    assert error.value.candidates == (ID + "org/a-office", ID + "org/b-office")
    listed = "hnorg:a-office (甲办公室 / 办公室); hnorg:b-office (乙办公室 / 办公室)"
    assert listed in str(error.value)
    assert resolve(EmbeddedStore([ambiguous]), "department", "甲办公室") == ID + "org/a-office"


def test_task_numbers_must_exist(embedded_store: Store) -> None:
    resolver = Resolver(embedded_store)
    query = get_query("task-detail", QUERIES)
    assert resolver.bindings(query, {"task_number": "7", "list": "hunan-vet-reform"})
    with pytest.raises(UnknownValueError, match=r"the dataset has no task 99 \(.* 1–30\)"):
        resolver.bindings(query, {"task_number": "99"})
    with pytest.raises(ParameterError, match="not a valid integer"):
        resolver.bindings(query, {"task_number": "seven"})


def test_bindings_hold_the_resolved_terms(embedded_store: Store) -> None:
    query = get_query("tasks-by-department", QUERIES)
    bindings = Resolver(embedded_store).bindings(query, {"department": "省财政厅"})
    assert bindings == {"_department_iri": IRI(FINANCE)}


def run(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_by_name_equals_by_iri(capsys: pytest.CaptureFixture) -> None:
    base = ["query", "tasks-by-department", "--format", "csv", "--param"]
    by_iri = run([*base, f"department={FINANCE}"], capsys)
    assert by_iri[0] == 0 and len(by_iri[1].splitlines()) > 1
    assert run([*base, "department=省财政厅"], capsys) == by_iri


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tasks-by-department", "--param", "department=省财政"], "did you mean: hnorg:hunan-fin"),
        (["task-detail", "--param", "task_number=99"], "the dataset has no task 99"),
        (["tasks-by-policy-area", "--param", "area=产教"], "no policy area in the dataset is"),
    ],
)
def test_cli_refuses_what_names_nothing(
    argv: list[str], message: str, capsys: pytest.CaptureFixture
) -> None:
    code, out, err = run(["query", *argv], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("hngraph query: error: parameter ") and message in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_cli_lists_the_candidates_of_an_ambiguous_name(
    ambiguous: Path, capsys: pytest.CaptureFixture
) -> None:
    argv = ["query", "tasks-by-department", "--data", str(ambiguous)]
    code, out, err = run([*argv, "--param", "department=办公室"], capsys)
    assert (code, out) == (2, "")
    assert "'办公室' names 2 organisations: hnorg:a-office" in err and "hnorg:b-office" in err

"""The tabular release: CSV + CSVW (a real CSVW validator), XLSX (openpyxl), SQLite (datasette).

Every answer is checked against the independent oracle (``tests/expected/oracle.py``: parsed
source records and curated data, no SPARQL, no graph), never against a hard-coded figure.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import io
import json
import shutil
import sqlite3
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import rdflib

from hngraph.publish.graph import load_site_graph
from hngraph.publish.site import PublishConfig, render_release
from hngraph.publish.tables import render_tables
from hngraph.publish.tables.database import DATABASE_NAME
from hngraph.publish.tables.model import build_tables
from hngraph.publish.tables.workbook import ZIP_EPOCH

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
BASE = "https://w3id.org/hngraph/"
TABLES = (
    "task_lists",
    "tasks",
    "measures",
    "responsibilities",
    "organisations",
    "policy_area_assignments",
    "judgements",
)
PHRASE = "产教融合"  # a phrase inside sentences: found only if search reads Chinese text


def _load_oracle() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "hngraph_test_oracle", ROOT / "tests" / "expected" / "oracle.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


oracle = _load_oracle()


@pytest.fixture(scope="module")
def world(project_root: Path) -> Any:
    return oracle.World(project_root)


@pytest.fixture(scope="module")
def site() -> Any:
    return load_site_graph(DATASET)


@pytest.fixture(scope="module")
def files(site: Any) -> dict[str, bytes]:
    return render_tables(site)


@pytest.fixture(scope="module")
def folder(files: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("release")
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root / "tables"


@pytest.fixture(scope="module")
def rows(site: Any) -> dict[str, list[dict[str, Any]]]:
    """Each table's rows as dicts (from the model, before any file format)."""
    return {
        t.name: [dict(zip([c.name for c in t.columns], r, strict=True)) for r in t.rows]
        for t in build_tables(site)
    }


def _tasks(world: Any) -> list[str]:
    return world.ordered_tasks({})


# --- the tables hold the facts -----------------------------------------------------------------


def test_the_release_has_every_table_in_every_format(files: dict[str, bytes]) -> None:
    expected = {f"tables/{name}.csv" for name in TABLES}
    expected |= {f"tables/{n}" for n in ("csv-metadata.json", "hngraph.xlsx", DATABASE_NAME)}
    expected.add("tables/metadata.json")
    assert set(files) == expected


def test_tasks_match_the_source(rows: dict, world: Any) -> None:
    got = [(r["iri"], r["task_number"], r["text_zh"], r["lead_department"]) for r in rows["tasks"]]
    expected = [(t, world.number(t), world.text(t), world.lead(t)) for t in _tasks(world)]
    assert got == expected
    for row in rows["tasks"]:
        listings = world.listings_of(row["iri"])
        assert row["departments"] == len(listings)
        assert row["lead_department_zh"] == world.orgs[listings[0].org].name_zh
        assert row["lead_department_en"] == world.orgs[listings[0].org].name_en
        assert row["text_en"]  # every task has its unofficial translation


def test_measures_match_the_source_and_translations(rows: dict, world: Any) -> None:
    got = [
        (r["task"], r["task_number"], r["measure_number"], r["text_zh"], r["text_en"])
        for r in rows["measures"]
    ]
    expected = [
        (task, number, m, text, world.translations[(oracle.slug_of(task), number, m)])
        for task, number, m, text in world.ordered_measures({})
    ]
    assert got == expected


def test_responsibilities_match_the_department_cells(rows: dict, world: Any) -> None:
    got = [
        (r["task"], r["rank"], r["role"], r["organisation"], r["name_as_written"])
        for r in rows["responsibilities"]
    ]
    expected = [(x.task_iri, x.rank, x.role, x.org, x.name) for x in world.ordered_listings({})]
    assert got == expected
    for row in rows["responsibilities"]:
        assert row["organisation_zh"] == world.orgs[row["organisation"]].name_zh
        assert row["role_zh"] == ("牵头" if row["rank"] == 1 else "配合")


def test_organisations_are_the_registry_with_their_workload(rows: dict, world: Any) -> None:
    by_iri = {r["iri"]: r for r in rows["organisations"]}
    assert set(by_iri) == set(world.orgs)
    for iri, org in world.orgs.items():
        row = by_iri[iri]
        assert (row["name_zh"], row["name_en"], row["kind"], row["parent"]) == (
            org.name_zh,
            org.name_en,
            org.kind,
            org.parent,
        )
        assert (row["names_as_written"] or "").split("|") == (org.aliases or [""])
    workload = oracle.department_workload(world, {})
    got = sorted(
        (r for r in rows["organisations"] if r["tasks_total"]),
        key=lambda r: (-r["tasks_total"], r["name_zh"], r["iri"]),
    )
    assert [
        (r["iri"], r["name_zh"], r["tasks_led"], r["tasks_supported"], r["tasks_total"])
        for r in got
    ] == [(w[0].value, w[1].value, *(int(v.value) for v in w[3:])) for w in workload]


def test_every_judgement_with_its_evidence(rows: dict, world: Any) -> None:
    got = {
        (
            r["kind"].removeprefix(oracle.HN),
            r["target"],
            r["concept"] or r["target_year"],
            r["evidence"],
        )
        for r in rows["judgements"]
    }
    expected = {(j.kind, j.target, j.value, j.evidence) for j in world.judgements}
    assert len(rows["judgements"]) == len(world.judgements)
    assert got == expected
    for row in rows["judgements"]:
        assert row["evidence"] in world.target_text(_judgement(world, row))
        assert row["kind_zh"] and row["kind_en"]


def _judgement(world: Any, row: dict) -> Any:
    return next(j for j in world.judgements if j.target == row["target"])


def test_policy_area_assignments_roll_up_to_a_top_area(rows: dict, world: Any) -> None:
    areas = [j for j in world.judgements if j.kind == "AreaAssignment"]
    got = {(r["target"], r["area"], r["evidence"]) for r in rows["policy_area_assignments"]}
    assert got == {(j.target, j.value, j.evidence) for j in areas}
    assert len(rows["policy_area_assignments"]) == len(areas)
    for row in rows["policy_area_assignments"]:
        assert row["top_area"] in world.tops(row["area"])
        assert row["area_zh"] == world.label_zh(row["area"])
        assert row["task"] == row["target"].split("/measure/")[0]


# --- CSV + CSVW --------------------------------------------------------------------------------


def _csvw_valid(metadata: Path) -> tuple[bool, list[str]]:
    from csvw import CSVW

    try:
        checked = CSVW(str(metadata), validate=True)
        return checked.is_valid, [str(w.message) for w in checked.warnings]
    except ValueError as error:  # how csvw reports the first invalid cell
        return False, [str(error)]


def test_a_csvw_validator_accepts_the_table_group(folder: Path) -> None:
    valid, warnings = _csvw_valid(folder / "csv-metadata.json")
    assert valid, warnings
    assert not warnings


@pytest.mark.parametrize(
    ("table", "column", "bad"),
    [
        ("tasks", "task_number", "seven"),  # not an integer
        ("responsibilities", "organisation", BASE + "id/org/no-such-organisation"),  # no row
        ("tasks", "iri", BASE + "id/list/hunan-vet-reform/task/2"),  # a key twice
    ],
    ids=["datatype", "foreign-key", "duplicate-key"],
)
def test_the_validator_rejects_a_broken_copy(
    folder: Path, tmp_path: Path, table: str, column: str, bad: str
) -> None:
    """The validator is real: one wrong cell in a copy makes it fail."""
    import csv

    copy = tmp_path / "tables"
    shutil.copytree(folder, copy)
    path = copy / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    lines[1][lines[0].index(column)] = bad
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(lines)
    valid, _ = _csvw_valid(copy / "csv-metadata.json")
    assert not valid


def test_csvw_reads_back_the_typed_values(folder: Path, rows: dict) -> None:
    from csvw import TableGroup

    group = TableGroup.from_file(folder / "csv-metadata.json")
    assert [str(t.url) for t in group.tables] == [f"{n}.csv" for n in TABLES]
    for table in group.tables:
        name = str(table.url).removesuffix(".csv")
        got = [dict(r) for r in table.iterdicts()]
        expected = rows[name]
        assert len(got) == len(expected)
        for read, row in zip(got, expected, strict=True):
            for key, value in row.items():
                if key == "names_as_written":
                    assert read[key] == (value.split("|") if value else [])
                else:
                    assert read[key] == value, (name, key)


def test_csvw_metadata_states_licence_source_languages_and_keys(folder: Path, world: Any) -> None:
    metadata = json.loads((folder / "csv-metadata.json").read_text(encoding="utf-8"))
    assert metadata["dc:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    sources = {oracle.list_iri(t.slug) + "/source" for t in world.lists}
    assert {s["@id"] for s in metadata["dc:source"]} == sources
    assert {t["@language"] for t in metadata["dc:title"]} == {"zh", "en"}
    tasks = next(t for t in metadata["tables"] if t["url"] == "tasks.csv")
    languages = {c["name"]: c.get("lang") for c in tasks["tableSchema"]["columns"]}
    assert (languages["text_zh"], languages["text_en"]) == ("zh", "en")
    assert tasks["tableSchema"]["primaryKey"] == "iri"


# --- XLSX --------------------------------------------------------------------------------------


def test_workbook_has_the_same_sheets_and_cells(files: dict[str, bytes], rows: dict) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(files["tables/hngraph.xlsx"]), read_only=True)
    assert book.sheetnames == ["about", *TABLES, "columns"]
    for name in TABLES:
        cells = list(book[name].iter_rows(values_only=True))
        header, *body = cells
        assert list(header) == list(rows[name][0])
        assert [dict(zip(header, r, strict=True)) for r in body] == rows[name]


def test_workbook_bytes_carry_no_time(site: Any, files: dict[str, bytes]) -> None:
    data = files["tables/hngraph.xlsx"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {i.date_time for i in archive.infolist()} == {ZIP_EPOCH}
        core = archive.read("docProps/core.xml")
    assert b"dcterms:created" not in core and b"dcterms:modified" not in core
    assert render_tables(site)["tables/hngraph.xlsx"] == data


# --- SQLite + datasette ------------------------------------------------------------------------


def test_sqlite_keys_and_chinese_full_text_search(folder: Path, world: Any) -> None:
    connection = sqlite3.connect(folder / DATABASE_NAME)
    try:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        keys = connection.execute("PRAGMA foreign_key_list(responsibilities)").fetchall()
        assert {(k[2], k[3]) for k in keys} == {
            ("tasks", "task"),
            ("organisations", "organisation"),
        }
        found = connection.execute(
            "SELECT m.iri FROM measures m JOIN measures_fts f ON f.rowid = m.rowid "
            "WHERE measures_fts MATCH ? ORDER BY m.rowid",
            (f'"{PHRASE}"',),
        ).fetchall()
    finally:
        connection.close()
    expected = [
        f"{task}/measure/{m}" for task, _, m, text in world.ordered_measures({}) if PHRASE in text
    ]
    assert expected
    assert [r[0] for r in found] == expected


def test_sqlite_bytes_are_stable(site: Any, files: dict[str, bytes]) -> None:
    assert render_tables(site)["tables/hngraph.db"] == files["tables/hngraph.db"]


def _datasette(folder: Path, tmp_path: Path, paths: list[str]) -> list[Any]:
    from datasette.app import Datasette

    database = tmp_path / DATABASE_NAME
    shutil.copy(folder / DATABASE_NAME, database)
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))

    async def run() -> list[Any]:
        ds = Datasette([str(database)], metadata=metadata)
        await ds.invoke_startup()
        return [await ds.client.get(path) for path in paths]

    return asyncio.run(run())


def test_datasette_answers_the_workload_like_the_oracle(
    folder: Path, tmp_path: Path, world: Any
) -> None:
    (canned, search, page, by_name) = _datasette(
        folder,
        tmp_path,
        [
            "/hngraph/department_workload.json?_shape=array",
            f"/hngraph/measures.json?_search={PHRASE}&_shape=array",
            "/hngraph/tasks",
            "/hngraph/tasks_of_department.json?name=省财政厅&_shape=array",
        ],
    )
    assert canned.status_code == 200, canned.text
    got = [
        (r["iri"], r["name_zh"], r["tasks_led"], r["tasks_supported"], r["tasks_total"])
        for r in canned.json()
    ]
    expected = oracle.department_workload(world, {})
    assert got == [(w[0].value, w[1].value, *(int(v.value) for v in w[3:])) for w in expected]
    assert search.status_code == 200, search.text
    assert sorted(r["iri"] for r in search.json()) == sorted(
        f"{task}/measure/{m}" for task, _, m, text in world.ordered_measures({}) if PHRASE in text
    )
    assert page.status_code == 200
    html = page.text
    assert "任务 / Tasks" in html and "CC BY 4.0" in html
    assert 'name="_search"' in html  # datasette found the full-text index
    assert by_name.status_code == 200, by_name.text
    finance = oracle.tasks_by_department(world, {"department": oracle.FINANCE})
    assert [(r["task_number"], r["role_zh"], r["text_zh"]) for r in by_name.json()] == [
        (int(r[1].value), "牵头" if r[2].value == oracle.LEAD else "配合", r[3].value)
        for r in finance
    ]


def test_datasette_metadata_names_licence_and_source(folder: Path, world: Any) -> None:
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [metadata["source_url"]] == [oracle.list_iri(t.slug) + "/source" for t in world.lists]
    tables = metadata["databases"]["hngraph"]["tables"]
    assert set(tables) == set(TABLES)
    for table in tables.values():
        assert table["title"] and table["description"] and table["columns"]


# --- DCAT --------------------------------------------------------------------------------------


def test_dcat_lists_each_tabular_file(site: Any) -> None:
    release = render_release(load_site_graph(DATASET), DATASET.name, PublishConfig())
    graph = rdflib.Graph().parse(data=release["void.ttl"], format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    found = {}
    for node in graph.objects(rdflib.URIRef(BASE + "id/dataset"), dcat.distribution):
        url = str(graph.value(node, dcat.downloadURL)).removeprefix(BASE)
        found[url] = str(graph.value(node, dcat.mediaType)).rsplit("media-types/", 1)[1]
        spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
        digest = graph.value(graph.value(node, spdx.checksum), spdx.checksumValue)
        assert str(digest) == hashlib.sha256(release[url]).hexdigest()
    tabular = {k: v for k, v in found.items() if k.startswith("tables/")}
    assert tabular == {
        **{f"tables/{n}.csv": "text/csv" for n in TABLES},
        "tables/csv-metadata.json": "application/csvm+json",
        "tables/hngraph.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "tables/hngraph.db": "application/vnd.sqlite3",
    }


def test_a_text_that_looks_like_a_formula_stays_text(site: Any) -> None:
    """Hostile or odd texts reach the workbook as text, never as a formula a spreadsheet runs."""
    from openpyxl import load_workbook

    from hngraph.publish.tables.about import about
    from hngraph.publish.tables.model import Column, Table
    from hngraph.publish.tables.workbook import render_workbook

    formula = '=HYPERLINK("https://example.org/x","click")'
    table = Table(
        "odd",
        "怪",
        "Odd",
        "A table with a formula-like text.",
        (Column("iri", "IRI", "IRI", "key", "anyURI"), Column("text", "文", "Text", "text")),
        rows=[(BASE + "id/odd/1", formula)],
    )
    book = load_workbook(io.BytesIO(render_workbook([table], about(site))))
    cell = book["odd"]["B2"]
    assert (cell.value, cell.data_type) == (formula, "s")

"""Parser: the seed's counts, exact texts, and a located error for every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from hngraph.errors import SourceError
from hngraph.source.parse import parse_file

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "source" / "hunan-vet-reform.txt"


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_seed_counts() -> None:
    task_list = parse_file(SEED)
    assert task_list.slug == "hunan-vet-reform"
    assert task_list.attachment_label == "附件2"
    assert task_list.title == "湖南省工作任务清单"
    assert [t.number for t in task_list.tasks] == list(range(1, 31))
    assert sum(len(t.measures) for t in task_list.tasks) == 67
    assert len(task_list.department_names) == 21
    assert task_list.byte_size == SEED.stat().st_size


def test_measures_keep_exact_text_and_rejoin_to_the_task(seed_text: str) -> None:
    for task in parse_file(SEED).tasks:
        assert "；".join(m.text for m in task.measures) == task.text
        assert f"\t{task.text}\n" in seed_text
        assert [m.number for m in task.measures] == list(range(1, len(task.measures) + 1))


def test_task_seven_measures_and_departments() -> None:
    task = parse_file(SEED).tasks[6]
    assert task.number == 7
    assert task.line == 31
    assert [m.text for m in task.measures] == [
        "出台专科高职院校教学条件建设标准，推动学校举办者依法落实办学责任，确保2022年达标",
        "完善专科高职院校适应社会需求能力评估办法。",
    ]
    assert task.departments == ("省教育厅", "省发展改革委", "各市州人民政府")
    assert task.departments_text == "省教育厅、省发展改革委、各市州人民政府"


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "bad-list.txt"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# (id, edit of the seed text, expected line, expected task, words in the message)
BAD_INPUTS = [
    (
        "missing-department-cell",
        ("加强劳动教育。\n\t省教育厅\n", "加强劳动教育。\n"),
        16,
        3,
        "责任部门",
    ),
    (
        "empty-content-cell",
        (
            "\t研究制定普通高中阶段教育普职融通实施方案；支持有条件的地区开展综合高中试点。\n",
            "\t\n",
        ),
        24,
        5,
        "empty",
    ),
    ("duplicate-task-number", ("\t6\n", "\t5\n"), 27, 5, "repeats the task at line 23"),
    ("skipped-task-number", ("\t6\n", "\t7\n"), 27, 7, "expected task number 6"),
    ("non-numeric-task-number", ("\t6\n", "\t六\n"), 27, None, "not a whole number"),
    (
        "empty-department-name",
        ("\t省教育厅、省委组织部\n", "\t省教育厅、、省委组织部\n"),
        9,
        1,
        "department name 2 is empty",
    ),
    (
        "empty-measure",
        ("实施思想政治工作质量提升工程。", "；实施思想政治工作质量提升工程。"),
        12,
        2,
        "measure 2 is empty",
    ),
    ("carriage-return", ("\t1\n", "\t1\r\n"), 7, None, "carriage return"),
    ("control-character", ("加强劳动教育。", "加强劳动\x07教育。"), 16, None, "U+0007"),
    ("wrong-heading", ("\t政策内容\n", "\t内容\n"), 4, None, "column heading"),
    (
        "extra-cell",
        ("\t省教育厅、省委组织部\n", "\t省教育厅、省委组织部\n\t多余\n"),
        10,
        1,
        "more than three",
    ),
]


@pytest.mark.parametrize(
    ("edit", "line", "task", "words"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_names_the_place(
    tmp_path: Path, seed_text: str, edit: tuple[str, str], line: int, task: int | None, words: str
) -> None:
    old, new = edit
    assert old in seed_text
    path = _write(tmp_path, seed_text.replace(old, new, 1))
    with pytest.raises(SourceError) as caught:
        parse_file(path)
    error = caught.value
    assert (error.path, error.line, error.task) == (str(path), line, task)
    assert words in str(error)
    assert str(error).startswith(f"{path}:{line}")


def test_not_utf8_names_the_line(tmp_path: Path, seed_text: str) -> None:
    path = _write(tmp_path, seed_text.encode("gb18030"))
    with pytest.raises(SourceError, match="not UTF-8") as caught:
        parse_file(path)
    assert caught.value.line == 1


def test_not_utf8_later_in_the_file(tmp_path: Path, seed_text: str) -> None:
    head, tail = seed_text.split("\t2\n", 1)
    path = _write(tmp_path, head.encode() + b"\t2\n" + tail.encode("gb18030"))
    with pytest.raises(SourceError, match="not UTF-8") as caught:
        parse_file(path)
    assert caught.value.line == 12


def test_byte_order_mark_is_refused(tmp_path: Path, seed_text: str) -> None:
    path = _write(tmp_path, b"\xef\xbb\xbf" + seed_text.encode())
    with pytest.raises(SourceError, match="byte-order mark"):
        parse_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read"):
        parse_file(tmp_path / "absent.txt")


def test_slug_from_metadata_or_stem(tmp_path: Path, seed_text: str) -> None:
    path = tmp_path / "Other-List.txt"
    path.write_text(seed_text, encoding="utf-8")
    assert parse_file(path).slug == "other-list"
    (tmp_path / "Other-List.json").write_text('{"slug": "zz-list"}', encoding="utf-8")
    assert parse_file(path).slug == "zz-list"


def test_slug_that_is_not_ascii_is_refused(tmp_path: Path, seed_text: str) -> None:
    path = tmp_path / "湖南.txt"
    path.write_text(seed_text, encoding="utf-8")
    with pytest.raises(SourceError, match="slug"):
        parse_file(path)


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ('{"slug": "x-list", "coverge_en": "typo"}', "unknown key.*'coverge_en'"),
        ('{"spatial": "http://www.wikidata.org/entity/Q1"}', "go together"),
        ('{"spatial_evidence": "some evidence"}', "go together"),
        ('{"spatial": "Q45761", "spatial_evidence": "e"}', "not an absolute http"),
    ],
)
def test_bad_metadata_is_refused_naming_the_file(
    tmp_path: Path, seed_text: str, metadata: str, message: str
) -> None:
    """A typo or a half-given place is not ignored: the error names the metadata file."""
    path = tmp_path / "x-list.txt"
    path.write_text(seed_text, encoding="utf-8")
    (tmp_path / "x-list.json").write_text(metadata, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as caught:
        parse_file(path)
    assert "x-list.json" in str(caught.value)


def test_committed_metadata_uses_only_known_keys() -> None:
    """Every key the repository's source metadata uses is one the parser knows and documents."""
    from hngraph.source.parse import METADATA_KEYS

    readme = (ROOT / "data" / "source" / "README.md").read_text(encoding="utf-8")
    for key in METADATA_KEYS:
        assert f"`{key}`" in readme, key
    for path in sorted((ROOT / "data" / "source").glob("*.json")):
        assert parse_file(path.with_suffix(".txt")).slug == path.stem

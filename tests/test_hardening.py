"""Hardening of the CLI and data paths (issue 15): durable writes, clear errors, no hangs."""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hngraph.commands.main import main
from hngraph.rdf import files

ROOT = Path(__file__).resolve().parents[1]

if TYPE_CHECKING:
    from conftest import Listener


def hngraph(*argv: str, **options: object) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process (never hangs the test: a timeout ends it)."""
    return subprocess.run(
        [sys.executable, "-m", "hngraph", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        **options,  # type: ignore[arg-type]
    )


def one_error_line(done: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert done.returncode == code, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    return done.stderr


#: A two-task list that conforms by itself, and the edit that makes its task number ill-typed.
SMALL_VALID_LIST = ROOT / "tests" / "fixtures" / "shapes" / "valid" / "two-tasks-and-source.ttl"
ILL_TASK_NUMBER = ("    hn:taskNumber 2 ;", '    hn:taskNumber "abc"^^xsd:integer ;')


# --- item 11: durable atomic writes, no temp files left, a manifest -------------------------


def test_every_write_is_fsynced_before_and_after_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync-folder" if os.path.isdir(f"/proc/self/fd/{fd}") else "fsync-file")
        real_fsync(fd)

    def replace(source: str, target: str) -> None:
        events.append("replace")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    files.write_atomically({tmp_path / "a.txt": b"a"})
    assert events == ["fsync-file", "replace", "fsync-folder"]
    events.clear()
    with files.atomic_stream(tmp_path / "b.txt") as stream:
        stream.write(b"b")
    assert events == ["fsync-file", "replace", "fsync-folder"]


def test_build_writes_a_manifest_that_matches(tmp_path: Path) -> None:
    assert main(["build", "--out", str(tmp_path)]) == 0
    data = (tmp_path / "hngraph.ttl").read_bytes()
    manifest = (tmp_path / "SHA256SUMS").read_text(encoding="ascii")
    assert manifest == f"{hashlib.sha256(data).hexdigest()}  hngraph.ttl\n"
    committed = ROOT / "data" / "dataset"
    assert (committed / "SHA256SUMS").read_bytes() == manifest.encode()


def test_a_temp_file_left_by_a_killed_build_is_removed_by_the_next(tmp_path: Path) -> None:
    assert main(["build", "--out", str(tmp_path)]) == 0
    good = (tmp_path / "hngraph.ttl").read_bytes()
    stale = tmp_path / ".hngraph.ttl.abcd1234.tmp"
    stale.write_bytes(good[:100])
    unrelated = tmp_path / ".hngraph.ttl.notes"
    unrelated.write_text("kept", encoding="utf-8")
    assert main(["build", "--out", str(tmp_path)]) == 0
    assert not stale.exists() and unrelated.exists()


def test_sigkill_during_builds_never_leaves_a_broken_file(tmp_path: Path) -> None:
    """SIGKILL at several points: the file is always the old or the new version, and the next
    build leaves no temporary file."""
    out = tmp_path / "out"
    assert main(["build", "--out", str(out)]) == 0
    good = (out / "hngraph.ttl").read_bytes()
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0):
        process = subprocess.Popen(
            [sys.executable, "-m", "hngraph", "build", "--out", str(out)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        assert (out / "hngraph.ttl").read_bytes() == good
    assert main(["build", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", "hngraph.ttl"]


# --- item 8: build --check names a missing file ---------------------------------------------


def test_build_check_says_missing(tmp_path: Path) -> None:
    done = hngraph("build", "--check", "--out", str(tmp_path / "none"))
    assert done.returncode == 1
    assert f"missing: {tmp_path / 'none' / 'hngraph.ttl'}" in done.stderr
    assert "differs" not in done.stderr
    assert not (tmp_path / "none").exists()


# --- item 7: bad --out, bad --source, bad numbers, huge and ill-typed literals -------------


def test_out_that_is_a_file_or_under_proc_is_refused(tmp_path: Path) -> None:
    afile = tmp_path / "file"
    afile.write_text("x", encoding="utf-8")
    for out, message in ((afile, "not a folder"), (Path("/proc/hngraph"), "kernel file system")):
        err = one_error_line(hngraph("build", "--out", str(out)))
        assert message in err
    assert afile.read_text(encoding="utf-8") == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_out_is_refused(tmp_path: Path) -> None:
    tmp_path.chmod(0o555)
    try:
        assert "permission denied" in one_error_line(hngraph("build", "--out", str(tmp_path)))
    finally:
        tmp_path.chmod(0o755)


def test_a_failing_write_is_one_line_and_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A write refused by the system (read-only even for root, quota) is one error line."""
    assert main(["build", "--out", str(tmp_path)]) == 0
    before = (tmp_path / "hngraph.ttl").read_bytes()

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    capsys.readouterr()
    assert main(["build", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Read-only file system" in err
    assert (tmp_path / "hngraph.ttl").read_bytes() == before


def _small_disk() -> None:
    """A file-size limit of 64 kB, with SIGXFSZ ignored: writes fail as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000))


def test_a_full_disk_is_one_line_and_leaves_the_old_file(tmp_path: Path) -> None:
    assert main(["build", "--out", str(tmp_path)]) == 0
    before = (tmp_path / "hngraph.ttl").read_bytes()
    err = one_error_line(hngraph("build", "--out", str(tmp_path), preexec_fn=_small_disk))
    assert "cannot write the dataset" in err
    assert (tmp_path / "hngraph.ttl").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["SHA256SUMS", "hngraph.ttl"]


def test_special_sources_are_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "list.txt"
    os.mkfifo(fifo)
    for source in (Path("/dev/zero"), fifo):
        err = one_error_line(hngraph("build", "--source", str(source), "--out", str(tmp_path)))
        assert f"{source}: not a regular file" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.txt"]


#: A file name longer than any file system allows (NAME_MAX is 255 bytes): stat() fails with
#: ENAMETOOLONG, where Path.exists() raises instead of answering False.
TOO_LONG_NAME = "x" * 300 + ".ttl"


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "--source", TOO_LONG_NAME],
        ["validate", "--data", TOO_LONG_NAME],
        ["query", "list-summary", "--data", TOO_LONG_NAME],
        ["sparql", str(ROOT / "queries" / "list-summary.rq"), "--data", TOO_LONG_NAME],
    ],
    ids=["build", "validate", "query", "sparql"],
)
def test_a_file_name_too_long_is_one_line_naming_it(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--out", str(tmp_path)] if argv[0] == "build" else argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"hngraph {argv[0]}: error: {TOO_LONG_NAME}")
    assert "File name too long" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["load", "--endpoint", "http://127.0.0.1:9/store", "--timeout", "-1"],
        ["query", "list-summary", "--endpoint", "http://127.0.0.1:9/q", "--timeout", "-1"],
        ["query", "list-summary", "--endpoint", "http://127.0.0.1:9/q", "--deadline", "0"],
        ["sparql", "-", "--timeout", "nan"],
    ],
    ids=["load", "query-timeout", "query-deadline", "sparql-nan"],
)
def test_non_positive_timeouts_are_usage_errors(argv: list[str]) -> None:
    done = hngraph(*argv)
    assert done.returncode == 2 and "must be a number greater than 0" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_literal_over_the_parser_buffer_is_one_line(tmp_path: Path) -> None:
    """pyoxigraph reads terms up to 16 MiB; a 200 MB literal takes the same path as this one."""
    big = tmp_path / "big.nt"
    with big.open("w", encoding="utf-8") as stream:
        stream.write(
            '<https://w3id.org/hngraph/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "'
        )
        stream.write("a" * (17 << 20))
        stream.write('" .\n')
    for argv in (["validate", "--data", str(big)], ["query", "list-summary", "--data", str(big)]):
        assert "too large to read" in one_error_line(hngraph(*argv))


def test_an_ill_typed_literal_is_a_violation_without_tracebacks(tmp_path: Path) -> None:
    # Validators: a two-task list that conforms by itself (plain pySHACL on the whole dataset
    # costs 15 s of the suite and tests nothing more); the round trip: the whole dataset.
    fixture = SMALL_VALID_LIST.read_text(encoding="utf-8")
    ill_list = tmp_path / "ill-list.ttl"
    ill_list.write_text(fixture.replace(*ILL_TASK_NUMBER, 1), "utf-8")
    for engine in ("fast", "rdflib"):
        assert (
            hngraph("validate", "--data", str(SMALL_VALID_LIST), "--engine", engine).returncode == 0
        )
        done = hngraph("validate", "--data", str(ill_list), "--engine", engine)
        assert done.returncode == 1 and done.stderr == "", done.stderr
        assert '"abc"^^xsd:integer' in done.stdout
    text = (ROOT / "data/dataset/hngraph.ttl").read_text(encoding="utf-8")
    ill = tmp_path / "ill.ttl"
    ill.write_text(
        text.replace("    hn:taskNumber 1 ;", '    hn:taskNumber "abc"^^xsd:integer ;', 1), "utf-8"
    )
    assert "not a canonical whole number" in one_error_line(
        hngraph("roundtrip", "--data", str(ill))
    )


# --- item 9: empty data -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "# only a comment\n", "@prefix a: <https://e.x/> .\n"])
def test_an_empty_data_file_is_an_error(tmp_path: Path, text: str) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text(text, encoding="utf-8")
    query = tmp_path / "q.rq"
    query.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    for argv in (
        ["validate", "--data", str(empty)],
        ["validate", "--data", str(empty), "--engine", "rdflib"],
        ["query", "list-summary", "--data", str(empty)],
        ["sparql", str(query), "--data", str(empty), "--backend", "rdflib"],
    ):
        assert "holds no triples" in one_error_line(hngraph(*argv))


def test_data_without_a_task_list_is_named_in_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    ontology = ROOT / "tests" / "badinput" / "violations" / "link-javascript.ttl"
    assert main(["validate", "--data", str(ontology)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hngraph validate: warning: no task list") and str(ontology) in err
    assert main(["validate"]) == 0
    assert capsys.readouterr().err == ""


# --- item 4: load ---------------------------------------------------------------------------


def test_load_never_prints_credentials(tmp_path: Path) -> None:
    for url in ("http://hngraph:s3cret-pw@127.0.0.1:9/store", "http://s3cret-pw@127.0.0.1:9/x"):
        done = hngraph("load", "--endpoint", url)
        one_error_line(done)
        assert "s3cret-pw" not in done.stderr + done.stdout
        assert "user name or password" in done.stderr


def test_load_parses_before_uploading(tmp_path: Path, connection_listener: Listener) -> None:
    url = f"http://127.0.0.1:{connection_listener.port}/store"
    for text in ("<https://e.x/a> <https://e.x/p> .\n", "# nothing\n"):
        broken = tmp_path / "broken.ttl"
        broken.write_text(text, encoding="utf-8")
        err = one_error_line(hngraph("load", "--endpoint", url, "--data", str(broken)))
        assert "broken.ttl" in err
    time.sleep(0.2)
    assert connection_listener.connections == 0


# --- item 17: CLI consistency ---------------------------------------------------------------


def test_status_lines_go_to_stdout() -> None:
    version = hngraph("--version")
    assert version.returncode == 0 and version.stdout.startswith("hngraph ")
    assert version.stderr == ""
    roundtrip = hngraph("roundtrip")
    assert roundtrip.returncode == 0 and roundtrip.stdout.startswith("ok: hunan-vet-reform")
    assert roundtrip.stderr == ""


def test_query_list_name_shows_that_query_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--list", "tasks-by-department"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tasks-by-department: ")
    assert [line for line in out.splitlines() if not line.startswith(" ")] == [out.splitlines()[0]]


def test_a_misspelled_query_suggests_the_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "task-by-departmnt"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "did you mean tasks-by-department " in err
    assert "department-workload, " not in err  # not the whole catalogue on one line


def test_ctrl_c_exits_130(tmp_path: Path) -> None:
    fifo = tmp_path / "query.rq"
    os.mkfifo(fifo)  # `sparql` blocks reading it until the signal arrives
    process = subprocess.Popen(
        [sys.executable, "-m", "hngraph", "sparql", str(fifo)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err == "hngraph sparql: interrupted\n"


# --- check 10: a hermetic build and validation ----------------------------------------------

AUDIT = """
import os, sys, sysconfig
allowed = [os.path.realpath(p) for p in (sys.argv[1], sys.argv[2], sys.prefix, sys.base_prefix,
           sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"])] + ["/dev/", "/proc/"]
def hook(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        raise RuntimeError(f"network: {event} {args!r}")
    if event == "open" and isinstance(args[0], str):
        path = os.path.realpath(args[0])
        if not any(path == a or path.startswith(a.rstrip("/") + "/") for a in allowed):
            raise RuntimeError(f"open outside the project: {path}")
sys.addaudithook(hook)
from hngraph.commands.main import main
out = sys.argv[2]
assert main(["build", "--out", out]) == 0
assert main(["validate", "--data", out + "/hngraph.ttl"]) == 0
assert main(["validate", "--data", sys.argv[3], "--engine", "rdflib"]) == 0
for probe in (lambda: open("/etc/hostname"), lambda: __import__("socket").getaddrinfo("x", 80)):
    try:
        probe()
    except RuntimeError:
        continue
    raise AssertionError("the audit hook let a probe through")
print("HERMETIC")
"""


def test_build_and_validation_are_hermetic(tmp_path: Path) -> None:
    """An audit hook refuses every connection, name lookup, URL request and any open outside the
    project, the interpreter and the output folder; build and both validators still pass (plain
    pySHACL on a two-task list: its code path is the same on the whole dataset, 15 s slower)."""
    done = subprocess.run(
        [sys.executable, "-c", AUDIT, str(ROOT), str(tmp_path), str(SMALL_VALID_LIST)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.rstrip().endswith("HERMETIC")

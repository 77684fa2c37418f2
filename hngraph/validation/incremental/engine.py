"""Validate a dataset part by part, from a cache where nothing changed.

``validate_incremental(files)`` gives the fast engine's report on ``files``
(``hngraph.validation.fast.engine.validate_fast``), the same results in the same order:

1. ``parts`` splits the data into the shared part and one part per list, each with a digest
   (the build's Turtle cut by bytes; any other input parsed and grouped).
2. Each part's cache key is the digest of: this module's format, the hngraph, pySHACL, rdflib
   and pyoxigraph versions, the shapes files' bytes, the shared part's digest and the part's own
   digest. A hit gives the part's results and ``Summary`` (read from the pack of the last run
   with this shared part, else from the part's own entry); a miss is parsed.
3. ``locality.prove`` checks, on the summaries of all parts, that every shape reads for a
   list's node only that list and the shared part (its verdict is cached by the shapes and the
   summaries). If it cannot, the dataset is validated whole, as ``validate_fast`` would.
4. The missed parts are validated: the whole files when more than half of the lists missed,
   else the missed lists with the shared part in batches of about ``BATCH_TRIPLES`` triples;
   each run's results are filed under the part of their focus node (``codec.split_report``)
   and cached.
5. The parts' results are merged (``merge_reports``: sorted as every report is).

A block of the build's file that does not parse on its own makes the split try every list node
line as a cut, then parse the whole input; input that cannot be split at all is validated whole.
``stats`` (optional) receives what happened: parts, validated, cached, the route, timings.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph

from hngraph.validation import report as reports
from hngraph.validation.incremental import codec, locality
from hngraph.validation.incremental.cache import Cache
from hngraph.validation.incremental.parts import (
    NotSplit,
    Parsed,
    Part,
    Split,
    Summary,
    digest,
    owner,
    split_files,
    split_parsed,
)
from hngraph.validation.report import Fallback, ValidationReport

FORMAT = "hngraph-incremental-2"  # 2: documents carry the fast engine's fallbacks
BATCH_TRIPLES = 400_000  # triples of the missed lists validated together in one run, at most


def validate_incremental(
    files: Sequence[Path],
    *,
    cache: Cache | None = None,
    shapes_files: Sequence[Path] | None = None,
    jobs: int = 1,
    stats: dict | None = None,
) -> ValidationReport:
    """The fast engine's report on ``files``, from ``cache`` for the parts that did not change.

    ``cache`` None: nothing is read or written, every part is validated (still part by part).
    """
    from hngraph.validation.fast.engine import validate_fast
    from hngraph.validation.run import project_shapes_files

    stats = stats if stats is not None else {}
    started = time.perf_counter()
    files = [Path(f) for f in files]
    shapes_paths = list(shapes_files) if shapes_files is not None else project_shapes_files()
    environment = _environment(shapes_paths)
    try:
        report = None
        for attempt in ("fast", "exhaustive", "parsed"):  # cuts guessed, then all tried, then parse
            clock = time.perf_counter()
            if attempt == "parsed":
                split = split_parsed(files)
            else:
                split = split_files(files, exhaustive=attempt == "exhaustive")
            stats["split"], stats["split_s"] = split.how, time.perf_counter() - clock
            try:
                report = _validate(split, files, environment, shapes_paths, cache, jobs, stats)
                break
            except NotSplit:  # a block of the file does not parse on its own
                if split.how == "parsed":
                    raise
        assert report is not None
    except NotSplit as why:
        stats["fallback"] = f"validated whole: {why}"
        report = validate_fast(files, _shapes(shapes_paths), jobs=jobs)
    stats["total_s"] = time.perf_counter() - started
    return report


def _validate(
    split: Split,
    files: Sequence[Path],
    environment: str,
    shapes_paths: Sequence[Path],
    cache: Cache | None,
    jobs: int,
    stats: dict,
) -> ValidationReport:
    from hngraph.validation.fast.engine import validate_fast

    clock = time.perf_counter()
    parts: list[Part] = [split.shared, *split.lists]
    keys = [
        digest(environment.encode(), split.shared.digest.encode(), _name(p), p.digest.encode())
        for p in parts
    ]
    pack_key = digest(b"pack", environment.encode(), split.shared.digest.encode())
    pack = _load_pack(cache, pack_key)
    documents, found, summaries = _lookup(parts, keys, pack, cache)
    stats["lookup_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    parsed: dict[int, Parsed] = {}
    for index, (part, document) in enumerate(zip(parts, documents, strict=True)):
        if document is None:
            parsed[index] = part.parse()
            summaries[index] = parsed[index].summary
    stats["parse_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    verdict = _verdict([summaries[i] for i in range(len(parts))], environment, shapes_paths, cache)
    stats["prove_s"] = time.perf_counter() - clock
    stats["parts"] = len(parts)
    stats["lists"] = len(split.lists)
    if not verdict.local:
        stats["fallback"] = "validated whole: " + "; ".join(verdict.reasons[:3])
        stats["validated"], stats["cached"] = len(parts), 0
        return validate_fast(list(files), _shapes(shapes_paths), jobs=jobs)
    clock = time.perf_counter()
    missed = sorted(parsed)
    stats["validated"], stats["cached"] = len(missed), len(parts) - len(missed)
    stats["validated_lists"] = [parts[i].slug for i in missed if parts[i].slug is not None]
    if missed:
        shared = parsed[0] if 0 in parsed else split.shared.parse()
        chosen = [(parts[i].slug, parsed[i]) for i in missed if i != 0]
        fresh = _run(files, shared, chosen, len(split.lists), shapes_paths, jobs, stats)
        for index in missed:
            document = {
                "slug": parts[index].slug,
                "summary": parsed[index].summary.to_json(),
                **fresh[parts[index].slug],
            }
            documents[index] = document
            found[index] = codec.decode(document)
            if cache is not None:
                cache.put(keys[index], document)
    if cache is not None and (missed or len(pack) != len(parts)):
        _save_pack(cache, pack_key, keys, documents, summaries)
    stats["validate_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    merged = [r for r in (found[i] for i in sorted(found)) if r is not None]
    report = reports.merge_reports(merged) if merged else reports.conforming_report()
    fallbacks = {Fallback(*entry) for d in documents if d for entry in d.get("fallbacks", ())}
    report = dataclasses.replace(report, fallbacks=tuple(sorted(fallbacks, key=str)))
    stats["merge_s"] = time.perf_counter() - clock
    return report


def _fallbacks(report: ValidationReport) -> list[list[str]]:
    """A run's fallbacks as a document holds them (every part of the run shares them)."""
    return [[f.shape, f.reason, f.route] for f in report.fallbacks]


def _lookup(
    parts: list[Part], keys: list[str], pack: dict[str, tuple[dict, Summary]], cache: Cache | None
) -> tuple[list[dict | None], dict[int, ValidationReport | None], dict[int, Summary]]:
    """Each part's cached document (None: a miss), report and summary, by index."""
    documents: list[dict | None] = []
    found: dict[int, ValidationReport | None] = {}
    summaries: dict[int, Summary] = {}
    for index, (part, key) in enumerate(zip(parts, keys, strict=True)):
        packed = pack.get(key)
        document = packed[0] if packed else cache.get(key) if cache is not None else None
        if document is not None:
            try:
                summary, found[index] = _decode(document, part, packed[1] if packed else None)
                summaries[index] = summary
            except (KeyError, TypeError, ValueError, AttributeError):
                if cache is not None:
                    cache.rejected += 1
                document = None
        documents.append(document)
    return documents, found, summaries


def _run(
    files: Sequence[Path],
    shared: Parsed,
    lists: list[tuple[str | None, Parsed]],
    total: int,
    shapes_paths: Sequence[Path],
    jobs: int,
    stats: dict,
) -> dict[str | None, dict]:
    """Validate the shared part with the given lists; each part's encoded results.

    When more than half of the ``total`` lists are to be validated, the files are validated
    whole (the same results, by the same proof: the whole is the shared part with every list);
    else the lists go in batches of about ``BATCH_TRIPLES`` triples, each with the shared part.
    """
    from hngraph.validation.fast.engine import validate_fast

    shapes = _shapes(shapes_paths)
    wanted = [slug for slug, _ in lists] + [None]
    if 2 * len(lists) > total:
        stats["route"] = "whole"
        whole = validate_fast(list(files), shapes, jobs=jobs)
        split = codec.split_report(whole, _node_owner)
        return {
            slug: {**codec.encode(*split.get(slug, ([], None))), "fallbacks": _fallbacks(whole)}
            for slug in wanted
        }
    stats["route"] = "batches"
    batches: list[list[tuple[str | None, Parsed]]] = [[]]
    size = 0
    for item in lists:
        if batches[-1] and size + item[1].triples > BATCH_TRIPLES:
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += item[1].triples
    out: dict[str | None, dict] = {}
    with tempfile.TemporaryDirectory(prefix="hngraph-incremental-") as folder:
        for number, batch in enumerate(batches):
            paths = []
            if shared.triples:
                paths.append(_write(Path(folder) / f"shared.{shared.format}", shared.text))
            if batch:
                body = b"".join(parsed.text for _, parsed in batch)
                paths.append(_write(Path(folder) / f"lists-{number}.{batch[0][1].format}", body))
            found, fallbacks = {}, []
            if paths:
                report = validate_fast(paths, shapes, jobs=jobs)
                found, fallbacks = codec.split_report(report, _node_owner), _fallbacks(report)
            for slug in [slug for slug, _ in batch] + ([None] if number == 0 else []):
                out[slug] = {**codec.encode(*found.get(slug, ([], None))), "fallbacks": fallbacks}
    return out


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _node_owner(node: object) -> str | None:
    from rdflib import URIRef

    return owner(str(node)) if isinstance(node, URIRef) else None


def _verdict(
    summaries: list[Summary],
    environment: str,
    shapes_paths: Sequence[Path],
    cache: Cache | None,
) -> locality.Verdict:
    """The locality verdict for the data these summaries describe (cached)."""
    problems = sorted({p for summary in summaries for p in summary.problems})
    if problems:
        return locality.Verdict(False, [f"the data crosses parts: {p}" for p in problems[:3]])
    shared: dict[str, set[str]] = {}
    lists: dict[str, set[str]] = {}
    distinct = {id(summary): (index, summary) for index, summary in enumerate(summaries)}
    for index, summary in distinct.values():  # each distinct summary once (they repeat)
        target = shared if index == 0 else lists
        for predicate, kinds in summary.objects.items():
            target.setdefault(predicate, set()).update(kinds)
    facts = locality.Facts(
        {p: frozenset(k) for p, k in shared.items()}, {p: frozenset(k) for p, k in lists.items()}
    )
    text = json.dumps(
        [sorted((p, "".join(sorted(k))) for p, k in d.items()) for d in (shared, lists)]
    )
    key = digest(b"verdict", environment.encode(), text.encode())
    document = cache.get(key) if cache is not None else None
    if document is not None:
        local, reasons = document.get("local"), document.get("reasons")
        if isinstance(local, bool) and isinstance(reasons, list):
            return locality.Verdict(local, [str(r) for r in reasons])
    verdict = locality.prove(_shapes(shapes_paths), facts)
    if cache is not None:
        cache.put(key, {"local": verdict.local, "reasons": verdict.reasons})
    return verdict


def _decode(
    document: dict, part: Part, summary: Summary | None = None
) -> tuple[Summary, ValidationReport | None]:
    """A cached document's summary and report; raises if this module did not write it so."""
    if document.get("slug") != part.slug:
        raise ValueError("the entry is another part's")
    if summary is None:
        summary = Summary.from_json(document["summary"])
    return summary, codec.decode(document)


def _load_pack(cache: Cache | None, key: str) -> dict[str, tuple[dict, Summary]]:
    """The last run's documents of every part, in one entry (summaries stored once each).

    A damaged or unexpected pack is no pack: each part's own entry is read instead.
    """
    document = cache.get(key) if cache is not None else None
    if document is None:
        return {}
    try:
        summaries = {sid: Summary.from_json(value) for sid, value in document["summaries"].items()}
        found = {}
        for part_key, entry in document["entries"].items():
            found[str(part_key)] = (dict(entry), summaries[entry["summary"]])
        return found
    except (KeyError, TypeError, ValueError, AttributeError):
        if cache is not None:
            cache.rejected += 1
        return {}


def _save_pack(
    cache: Cache,
    key: str,
    keys: list[str],
    documents: list[dict | None],
    summaries: dict[int, Summary],
) -> None:
    table: dict[str, dict] = {}
    ids: dict[int, str] = {}
    entries = {}
    for index, (part_key, document) in enumerate(zip(keys, documents, strict=True)):
        if document is None:
            continue
        summary = summaries[index]
        if id(summary) not in ids:
            value = summary.to_json()
            sid = digest(json.dumps(value, sort_keys=True).encode())
            ids[id(summary)], table[sid] = sid, value
        entry = {k: v for k, v in document.items() if k != "summary"}
        entries[part_key] = {**entry, "summary": ids[id(summary)]}
    cache.put(key, {"summaries": table, "entries": entries})


def _name(part: Part) -> bytes:
    return b"shared" if part.slug is None else b"list:" + part.slug.encode()


_SHAPES: dict[tuple, Graph] = {}


def _shapes(paths: Sequence[Path]) -> Graph:
    """The shapes graph of these files (parsed once per process)."""
    from hngraph.rdf.read import read_graph

    key = tuple((str(p), p.stat().st_mtime_ns) for p in paths)
    if key not in _SHAPES:
        graph = Graph()
        for path in paths:
            graph += read_graph(path)
        _SHAPES[key] = graph
    return _SHAPES[key]


def _environment(shapes_paths: Sequence[Path]) -> str:
    """What every cached result depends on besides the data: versions and the shapes' bytes."""
    import pyoxigraph
    import pyshacl
    import rdflib

    import hngraph

    versions = [FORMAT, f"hngraph {hngraph.__version__}"]
    for module in (pyshacl, rdflib, pyoxigraph):
        versions.append(f"{module.__name__} {getattr(module, '__version__', '?')}")
    shapes = [digest(p.name.encode(), p.read_bytes()) for p in shapes_paths]
    return digest(*(text.encode() for text in versions + shapes))

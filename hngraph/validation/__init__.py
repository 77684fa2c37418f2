"""Validation: run the SHACL shapes (``run``), report (``report``) and render (``render``).

The fast engine for large datasets lives in ``hngraph.validation.fast``.
"""

from hngraph.validation.render import render_json, render_text, render_turtle
from hngraph.validation.report import (
    Fallback,
    ValidationError,
    ValidationReport,
    ValidationResult,
    build_report,
    conforming_report,
    merge_reports,
)
from hngraph.validation.run import load_shapes, project_shapes_files, restrict_shapes, validate

__all__ = [
    "Fallback",
    "ValidationError",
    "ValidationReport",
    "ValidationResult",
    "build_report",
    "conforming_report",
    "load_shapes",
    "merge_reports",
    "project_shapes_files",
    "render_json",
    "render_text",
    "render_turtle",
    "restrict_shapes",
    "validate",
]

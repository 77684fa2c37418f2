"""Argument types shared by several commands."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def positive(kind: type[float] | type[int]) -> Callable[[str], float | int]:
    """An argparse type: a finite number greater than 0 (``--timeout -1`` is a usage error)."""

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"must be a number greater than 0, got {text}")
        return value

    return parse

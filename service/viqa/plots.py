"""PNG plots (precision-recall curves of `viqa eval`, calibration curves): one way to make a
figure, headless."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def png(path: str | Path, *, size: tuple[float, float] = (5, 4)) -> Iterator[Any]:
    """Axes to draw on; on exit, the figure is laid out, saved to `path` and closed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=size, dpi=120)
    try:
        yield axes
        figure.tight_layout()
        figure.savefig(Path(path))
    finally:
        plt.close(figure)

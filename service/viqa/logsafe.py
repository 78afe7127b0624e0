"""Logs that carry no user content: tracebacks keep their frames (where it failed) and the
exception types, and drop the messages that can quote data (a database error's DETAIL, a
validation error's input, a value in a ValueError). SQL parameters are never rendered
(viqa.store.db sets `hide_parameters`); this covers what else an exception might say.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType
from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def _safe_message(exc: BaseException) -> str:
    """The message only for exceptions whose text is about the system, never the data."""
    import sqlalchemy.exc

    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        orig = exc.orig
        code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
        return f"{type(orig).__module__}.{type(orig).__name__}" + (f" [{code}]" if code else "")
    if isinstance(exc, OSError | TimeoutError | ConnectionError | MemoryError | RecursionError):
        return str(exc)[:300]
    try:
        import httpx

        if isinstance(exc, httpx.TransportError):
            return str(exc)[:300]
    except ImportError:  # pragma: no cover
        pass
    return "(message withheld: it may quote user data)"


def format_exception(exc_info: ExcInfo) -> str:
    lines: list[str] = []
    exc: BaseException | None = exc_info[1]
    seen: set[int] = set()
    chain: list[BaseException] = []
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    for position, item in enumerate(reversed(chain)):
        if position:
            lines.append("\nThe above exception led to the following one:\n")
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_list(traceback.extract_tb(item.__traceback__)))
        lines.append(f"{type(item).__module__}.{type(item).__qualname__}: "
                     f"{_safe_message(item)}\n")
    return "".join(lines).rstrip("\n")


class AccessWithoutQuery(logging.Filter):
    """uvicorn's access lines without query strings (filters, article ids)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


class ScrubbingFormatter(logging.Formatter):
    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def, override]
        return format_exception(ei)


def config(level: str = "INFO") -> dict[str, Any]:
    """A logging dictConfig (uvicorn's `log_config`): every logger through one stderr handler
    with the scrubbing formatter."""
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"safe": {"()": ScrubbingFormatter, "fmt": FORMAT}},
        "filters": {"no_query": {"()": AccessWithoutQuery}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "safe",
                                "stream": "ext://sys.stderr"}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {"uvicorn": {"level": level, "handlers": [], "propagate": True},
                    "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
                    "uvicorn.access": {"level": level, "handlers": [], "propagate": True,
                                       "filters": ["no_query"]}},
    }


def install() -> None:
    """Give every handler on the root logger the scrubbing formatter (for `viqa worker`)."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(ScrubbingFormatter(FORMAT))

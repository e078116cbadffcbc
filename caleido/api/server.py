"""How `caleido serve` runs the app under uvicorn: the HTTP protocol that bounds a request's head
(caleido.api.limits), and logs that never hold a key.

A key sent where it does not belong (in a URL, which the API refuses) would otherwise be written whole to
the access log; every log line is passed through `redact` first. A Caleido key keeps its public id, which
says which key to revoke.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from uvicorn.config import LOGGING_CONFIG

from caleido.api.keys import KEY_PREFIX
from caleido.api.limits import BoundedH11Protocol
from caleido.settings import Settings

REDACTED = "[redacted]"
_KEY = re.compile(rf"\b({KEY_PREFIX}_[a-z0-9]{{8}}_)[A-Za-z0-9_-]+")
# Query parameters named like a credential (api_key, key, X-API-Key, access_token, password, ...), unless the
# value is a Caleido key already redacted.
_PARAMETER = re.compile(
    rf"(?i)([?&;][\w.-]*(?:key|token|secret|passw|auth)[\w.-]*=)(?!{KEY_PREFIX}_[a-z0-9]{{8}}_\[)[^&#\s\"']*"
)
# A header written out as "Authorization: Bearer ...", "x-api-key=...", "'cookie': '...'".
_HEADER = re.compile(
    r"(?i)\b(authorization|x-api-key|cookie)(['\"]?\s*[:=]\s*['\"]?)(?:(?:bearer|basic)\s+)?[^\s'\",;&]+"
)


def redact(text: str) -> str:
    """`text` without credentials: key-like query parameters and credential headers lose their values,
    Caleido keys their secret part."""
    text = _KEY.sub(rf"\1{REDACTED}", text)
    text = _PARAMETER.sub(rf"\1{REDACTED}", text)
    return _HEADER.sub(rf"\1\2{REDACTED}", text)


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """A handler filter that redacts a record's message, its arguments (the access log's request line is one)
    and its traceback, before any formatter sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(a) for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: _redacted(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with every handler redacting, and Caleido's and other libraries' warnings through
    the same handler (rather than Python's last-resort one)."""
    config: dict[str, Any] = {
        **LOGGING_CONFIG,
        "filters": {"redact": {"()": f"{__name__}.RedactSecrets"}},
        "handlers": {name: {**handler, "filters": ["redact"]} for name, handler in LOGGING_CONFIG["handlers"].items()},
        "loggers": {
            **LOGGING_CONFIG["loggers"],
            "caleido": {"handlers": ["default"], "level": "INFO", "propagate": False},
        },
        "root": {"handlers": ["default"], "level": "WARNING"},
    }
    return config


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The options `caleido serve` gives uvicorn (`uvicorn.run(app, **uvicorn_options(settings))`).

    h11 rather than httptools: h11 stops buffering a request's head at `h11_max_incomplete_event_size`
    (431), httptools has no such limit and read a 100 MB header whole."""
    return {
        "host": settings.host,
        "port": settings.port,
        "http": BoundedH11Protocol,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "log_config": log_config(),
        "log_level": "info",
    }

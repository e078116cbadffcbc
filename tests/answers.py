"""Use-case answers as the API serialises them, so tests can compare them with plain literals."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def plain(answer: BaseModel | list[BaseModel] | dict[str, BaseModel]) -> Any:
    """The answer as JSON-ready dicts and lists, keyed by the public names (`class`, `from`)."""
    if isinstance(answer, list):
        return [item.model_dump(by_alias=True) for item in answer]
    if isinstance(answer, dict):
        return {key: item.model_dump(by_alias=True) for key, item in answer.items()}
    return answer.model_dump(by_alias=True)

"""Pydantic models of nodes and links, generated from the SHACL shapes, and their store rows.

A *record* is what a person writes (YAML, CSV, RDF, a form); a *row* is what a store holds:
flat columns, concepts by notation, dates and times as ISO 8601 text (so both stores return
identical values).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    create_model,
    model_validator,
)
from pydantic import (
    Field as PydanticField,
)

from caleido.ontology.model import LANGUAGES, Field, FieldKind, load_ontology
from caleido.ontology.study_checks import CLASS_CHECKS

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"
NodeId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
URL_PATTERN = re.compile(r"^https?://[^\s<>\"]+$")
MAX_TEXT = 20000
# The whole numbers both stores hold (Ladybug INT64, Neo4j Integer): a larger one must be refused on input,
# not crash the write.
MIN_INT64, MAX_INT64 = -(2**63), 2**63 - 1


class LangText(BaseModel):
    """Text in Dutch and/or English."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    nl: str | None = None
    en: str | None = None

    @model_validator(mode="after")
    def _one_language(self) -> LangText:
        if not (self.nl or self.en):
            raise ValueError("give the text in at least one language (nl or en)")
        return self


def _concept_validator(f: Field) -> AfterValidator:
    scheme = load_ontology().schemes[f.scheme or ""]
    allowed = f.allowed or tuple(scheme.concepts)

    def check(value: str) -> str:
        if value not in allowed:
            shown = ", ".join(allowed[:12]) + (" ..." if len(allowed) > 12 else "")
            raise ValueError(f"unknown term {value!r} in {scheme.name}; use one of: {shown}")
        return value

    return AfterValidator(check)


def _text_length(shortest: int, longest: int) -> Callable[[LangText], LangText]:
    def check(value: LangText) -> LangText:
        for lang in LANGUAGES:
            text = getattr(value, lang)
            if text is not None and not shortest <= len(text) <= longest:
                raise ValueError(
                    f"the {lang} text should have {shortest} to at most {longest} characters, not {len(text)}"
                )
        return value

    return check


def _url(value: str) -> str:
    if not URL_PATTERN.match(value):
        raise ValueError("not an http(s) URL")
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("give a time zone, e.g. 2025-11-26T10:00:00Z")
    return value.astimezone(UTC)


def _annotation(f: Field, *, for_input: bool) -> Any:
    """The Python type of one field."""
    base: Any
    if f.kind is FieldKind.LANGTEXT:
        base = Annotated[LangText, AfterValidator(_text_length(f.min_length or 1, f.max_length or MAX_TEXT))]
    elif f.kind is FieldKind.CONCEPT:
        base = Annotated[str, _concept_validator(f)]
    elif f.kind is FieldKind.REFERENCE:
        base = NodeId
    elif f.kind is FieldKind.URI:
        base = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_url)]
    elif f.kind is FieldKind.INTEGER:
        lowest = f.minimum if f.minimum is not None else MIN_INT64
        highest = f.maximum if f.maximum is not None else MAX_INT64
        base = Annotated[int, PydanticField(strict=True, ge=lowest, le=highest)]
    elif f.kind is FieldKind.DOUBLE:
        base = Annotated[float, PydanticField(allow_inf_nan=False, ge=f.minimum, le=f.maximum)]
    elif f.kind is FieldKind.DATE:
        base = date
    elif f.kind is FieldKind.DATETIME:
        base = Annotated[datetime, AfterValidator(_aware)]
    else:  # TEXT, AGENT
        base = Annotated[
            str,
            StringConstraints(min_length=f.min_length or None, max_length=f.max_length or MAX_TEXT, pattern=f.pattern),
        ]
    if f.many:
        return (list[base], PydanticField(default_factory=list))
    # Who and when may be left out of input: the loader fills them in.
    optional_in_input = for_input and f.kind in (FieldKind.AGENT, FieldKind.DATETIME)
    if f.required and not optional_in_input:
        return (base, ...)
    return (base | None, None)


class LinkBase(BaseModel):
    """A relationship written inside its source record: `{rel: runs, to: int-x, locator: ...}`."""

    model_config = ConfigDict(extra="forbid")
    rel: str
    to: NodeId


@cache
def link_model() -> type[BaseModel]:
    fields = {f.name: _annotation(f, for_input=True) for f in load_ontology().link_fields}
    return create_model("LinkRecord", __base__=LinkBase, **fields)


@cache
def node_model(class_name: str) -> type[BaseModel]:
    """The input model of one class: its fields and its provenance (links are validated apart)."""
    cls = load_ontology().classes[class_name]
    fields: dict[str, Any] = {"id": (NodeId, ...)}
    fields |= {f.name: _annotation(f, for_input=True) for f in cls.fields}
    checks = CLASS_CHECKS.get(class_name, ())

    def _cross_field(record: BaseModel) -> BaseModel:
        for check in checks:
            check(record)
        return record

    validators: dict[str, Any] = {"_cross_field": model_validator(mode="after")(_cross_field)} if checks else {}
    return create_model(
        class_name,
        __config__=ConfigDict(extra="forbid", str_strip_whitespace=False),
        __validators__=validators or None,
        **fields,
    )


# ---------------------------------------------------------------- rows


@dataclass
class Origin:
    """Where a record came from, for messages."""

    file: str
    location: str


@dataclass
class NodeRow:
    cls: str
    id: str
    values: dict[str, Any]
    origin: Origin | None = None
    explicit: frozenset[str] = field(default_factory=frozenset)  # provenance columns given in the input


@dataclass
class LinkRow:
    rel: str  # store relationship type, e.g. RUNS
    source_id: str
    target_id: str
    values: dict[str, Any]
    origin: Origin | None = None
    explicit: frozenset[str] = field(default_factory=frozenset)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source_id, self.rel, self.target_id)


def _scalar_to_column(f: Field, value: Any) -> Any:
    if value is None:
        return None
    if f.kind is FieldKind.DATETIME:
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if f.kind is FieldKind.DATE:
        return value.isoformat()
    return value


def fields_to_columns(fields: tuple[Field, ...], model: BaseModel) -> dict[str, Any]:
    """Flatten validated field values to store columns."""
    out: dict[str, Any] = {}
    for f in fields:
        value = getattr(model, f.name)
        if f.kind is FieldKind.LANGTEXT:
            for lang in LANGUAGES:
                out[f"{f.name}_{lang}"] = getattr(value, lang) if value is not None else None
        elif f.many:
            out[f.name] = [_scalar_to_column(f, v) for v in value]
        else:
            out[f.name] = _scalar_to_column(f, value)
    return out


def columns_to_input(fields: tuple[Field, ...], columns: dict[str, Any]) -> dict[str, Any]:
    """The inverse of fields_to_columns: a flat row back to input-shaped values."""
    out: dict[str, Any] = {}
    for f in fields:
        if f.kind is FieldKind.LANGTEXT:
            texts = {lang: columns.get(f"{f.name}_{lang}") for lang in LANGUAGES}
            if any(texts.values()):
                out[f.name] = {k: v for k, v in texts.items() if v is not None}
        elif columns.get(f.name) not in (None, []):
            out[f.name] = columns[f.name]
    return out


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)

"""The evidence form posted as a plain HTML form: names resolved to ids on the server, the fields turned into the
API's request model and written by the function the API route calls (caleido.api.evidence_routes.record_finding),
and every problem put beside the field it is about, in the page's language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from caleido.api import schemas
from caleido.api.evidence_routes import record_finding
from caleido.errors import InvalidData, RequestError
from caleido.graph import usecases
from caleido.graph.store import GraphStore
from caleido.graph.usecases.results import SearchHit
from caleido.viz.i18n import Lang, class_label, labelled, text

FACTOR_CLASSES = ("RiskFactor", "ProtectiveFactor")
TEXT_FIELDS = (
    "statement_nl",
    "statement_en",
    "factor",
    "intervention",
    "direction",
    "grade",
    "effect_size",
    "effect_measure",
    "ci_lower",
    "ci_upper",
    "n_studies",
    "sample_size",
    "study_design",
    "maryland_level",
    "country",
    "follow_up_months",
    "risk_of_bias",
    "population",
    "outcome",
    "method",
    "source",
    "citation",
    "doi",
    "year",
    "url",
    "locator",
    "note",
)
NUMBERS = ("effect_size", "ci_lower", "ci_upper", "follow_up_months")
WHOLE_NUMBERS = ("n_studies", "sample_size", "maryland_level", "year")
# The API's names of the fields the form names otherwise.
FORM_FIELD = {
    "statement": "statement_nl",
    "statement.nl": "statement_nl",
    "statement.en": "statement_en",
    "source.id": "source",
    "source.citation": "citation",
    "source.doi": "doi",
    "source.year": "year",
    "source.url": "url",
    "source.locator": "locator",
    "source": "citation",
    "evidence.factor": "factor",
    "evidence.intervention": "intervention",
    "evidence.direction": "direction",
    "evidence.note": "note",
    "body": "statement_nl",
}
# Fields with a message of their own in the page's language (form.fix.<field>); others get form.fix.
EXPLAINED = {"ci_lower", "ci_upper", "country", "doi", "direction", "locator", "citation", "statement_nl"}
_DECIMAL = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_WHOLE = re.compile(r"^\d{1,18}$")


@dataclass
class FieldMessage:
    text: str  # in the page's language
    detail: str | None = None  # the API's own words (English), when they add something


@dataclass
class Outcome:
    values: dict[str, str]
    errors: dict[str, FieldMessage] = field(default_factory=dict)
    created: dict[str, Any] | None = None
    problem: str | None = None  # a problem no field owns (a refused key, a conflict)


def form_values(form: Mapping[str, Any]) -> dict[str, str]:
    """The form's text fields, stripped; anything else the browser sent is ignored."""
    return {name: str(form.get(name) or "").strip() for name in TEXT_FIELDS}


def blank_values() -> dict[str, str]:
    """A new form's values: nothing chosen (the direction above all), the grade not assessed."""
    return {**form_values({}), "grade": "not-assessed"}


def _number(raw: str, whole: bool) -> int | float | None:
    if not raw:
        return None
    if whole:
        return int(raw) if _WHOLE.match(raw) else None
    return float(raw.replace(",", ".")) if _DECIMAL.match(raw) else None


def _resolve(store: GraphStore, name: str, classes: tuple[str, ...], lang: Lang) -> tuple[str | None, str | None]:
    """The id of the node a typed name (or id) means, or a message in the page's language: unknown (with the
    nearest names) or ambiguous (with each candidate's id, which may be typed instead)."""
    if store.find_classes([name]).get(name) in classes:
        return name, None
    hits = usecases.search(store, name, limit=8, classes=classes)
    exact = [h for h in hits if h.rank == 0]
    if len(exact) == 1:
        return exact[0].id, None

    def named(hit: SearchHit) -> str:
        return f"{labelled(hit, lang)} ({class_label(hit.class_, lang)}, {hit.id})"

    if exact:
        return None, f"{text(lang, 'form.name_ambiguous')} " + "; ".join(named(h) for h in exact)
    message = text(lang, "form.name_unknown")
    if hits:
        message += f" {text(lang, 'form.did_you_mean')} " + "; ".join(labelled(h, lang) for h in hits[:3]) + "?"
    return None, message


def _message(form_field: str, api_message: str, lang: Lang) -> FieldMessage:
    key = f"form.fix.{form_field}" if form_field in EXPLAINED else "form.fix"
    return FieldMessage(text(lang, key), api_message)


def finding_body(store: GraphStore, values: dict[str, str], lang: Lang) -> tuple[dict[str, Any], Outcome]:
    """The API's request body for the form's values, and the problems found before the API's own checks."""
    out = Outcome(values)
    numbers: dict[str, Any] = {}
    for name in (*NUMBERS, *WHOLE_NUMBERS):
        number = _number(values[name], name in WHOLE_NUMBERS)
        if values[name] and number is None:
            key = "form.fix.whole_number" if name in WHOLE_NUMBERS else "form.fix.number"
            out.errors[name] = FieldMessage(text(lang, key))
        numbers[name] = number
    targets: dict[str, str | None] = {"factor": None, "intervention": None}
    for name, classes in (("factor", FACTOR_CLASSES), ("intervention", ("Intervention",))):
        if values[name]:
            targets[name], problem = _resolve(store, values[name], classes, lang)
            if problem:
                out.errors[name] = FieldMessage(problem)
    if not values["factor"] and not values["intervention"]:
        out.errors["factor"] = FieldMessage(text(lang, "form.target_missing"))
    if not values["direction"]:
        out.errors["direction"] = FieldMessage(text(lang, "form.fix.direction"))
    source_id = None
    if values["source"]:
        source_id, problem = _resolve(store, values["source"], ("Source",), lang)
        if problem:
            out.errors["source"] = FieldMessage(problem)
    statement = {k: values[f"statement_{k}"] for k in ("nl", "en") if values[f"statement_{k}"]}
    optional_text = ("effect_measure", "study_design", "country", "risk_of_bias", "population", "outcome", "method")
    body: dict[str, Any] = {
        "statement": statement,
        **{k: v for k, v in numbers.items() if k != "year" and v is not None},
        **{k: values[k] for k in optional_text if values[k]},
        "grade": values["grade"] or "not-assessed",
        "source": {
            "locator": values["locator"],
            **({"id": source_id} if source_id else {}),
            **{k: values[k] for k in ("citation", "doi", "url") if values[k] and not source_id},
            **({"year": numbers["year"]} if numbers["year"] is not None and not source_id else {}),
        },
        "evidence": {
            **{k: v for k, v in targets.items() if v},
            "direction": values["direction"] or None,
            **({"note": values["note"]} if values["note"] else {}),
        },
    }
    return body, out


def submit(store: GraphStore, values: dict[str, str], agent: str, lang: Lang) -> Outcome:
    """Check and write the form's finding with its evidence links, as POST /api/v1/findings does."""
    body, out = finding_body(store, values, lang)
    try:
        request = schemas.FindingIn.model_validate(body)
    except ValidationError as error:
        for details in error.errors(include_url=False, include_input=False):
            api_field = ".".join(str(p) for p in details["loc"])
            name = FORM_FIELD.get(api_field, api_field)
            if name in TEXT_FIELDS:
                out.errors.setdefault(name, _message(name, details["msg"], lang))
            else:
                out.problem = f"{api_field}: {details['msg']}"
        return out
    if out.errors:
        return out
    try:
        out.created = record_finding(store, request, agent)
    except InvalidData as error:
        for problem in error.problems:
            name = FORM_FIELD.get(problem.field, problem.field) or "statement_nl"
            message = problem.message.removeprefix("Value error, ")
            if name in TEXT_FIELDS:
                out.errors.setdefault(name, _message(name, message, lang))
            else:
                out.problem = f"{problem.field}: {message}"
    except RequestError as error:  # a conflict with the store's state, a name that went since the check
        out.problem = error.detail
    return out

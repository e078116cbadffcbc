"""Checks on a record that span fields or need a code list, which SHACL Core cannot express.

They run inside the record model, so every way in (seed, CSV, API, RDF) gets the same message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pycountry


class FieldCheckError(ValueError):
    """A check's failure with the field it is about, so that a form can show it beside that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _country(record: Any) -> None:
    code = getattr(record, "country", None)
    if code is not None and pycountry.countries.get(alpha_2=code) is None:
        raise FieldCheckError("country", f"country {code!r} is not an ISO 3166-1 alpha-2 code (such as NL, BE, DE, GB)")


def _interval(record: Any) -> None:
    lower, upper = getattr(record, "ci_lower", None), getattr(record, "ci_upper", None)
    effect = getattr(record, "effect_size", None)
    if (lower is None) != (upper is None):
        missing = "ci_lower" if lower is None else "ci_upper"
        raise FieldCheckError(
            missing, "give both bounds of the confidence interval (ci_lower and ci_upper), or neither"
        )
    if lower is None or upper is None:
        return
    if lower > upper:
        raise FieldCheckError(
            "ci_lower", f"the confidence interval is reversed: ci_lower {lower} is above ci_upper {upper}"
        )
    if effect is not None and not lower <= effect <= upper:
        raise FieldCheckError(
            "ci_lower" if effect < lower else "ci_upper",
            f"effect_size {effect} lies outside its confidence interval [{lower}, {upper}]; "
            "check the numbers and that they are in the same measure",
        )


CLASS_CHECKS: dict[str, tuple[Callable[[Any], None], ...]] = {"Finding": (_country, _interval)}

"""Colours and shapes of the model's dimensions and classes (Okabe-Ito colours, safe for colour blindness).

Labels are drawn in dark text beside the shapes, so the colours carry no text and need no contrast with it.
"""

from __future__ import annotations

DIMENSION_COLOURS: dict[str, str] = {
    "individual": "#D55E00",  # vermillion: the individual at the centre
    "environment": "#E69F00",  # orange: risk factors in the environment
    "protective": "#009E73",  # bluish green: protective factors
    "theme": "#0072B2",  # blue: themes for protective programmes
    "value": "#CC79A7",  # reddish purple: values
}

CLASS_COLOURS: dict[str, str] = {
    "RiskFactor": "#E69F00",  # where a view does not know a risk factor's dimension
    "Intervention": "#56B4E9",  # sky blue
    "Organisation": "#6B6B6B",
    "Finding": "#F0E442",  # yellow
    "Source": "#A0A0A0",
    "Recommendation": "#8C564B",
    "Region": "#C7C7C7",
}

CLASS_SHAPES: dict[str, str] = {
    "IndividualProfile": "star",
    "RiskFactor": "dot",
    "ProtectiveFactor": "diamond",
    "ProgrammeTheme": "square",
    "Value": "triangle",
    "Intervention": "box",
    "Organisation": "hexagon",
    "Finding": "triangleDown",
    "Source": "dot",
    "Recommendation": "star",
    "Region": "dot",
}

# Darker than the dimension colours: white numbers sit on the first two (contrast at least 4.5:1).
DIRECTION_COLOURS: dict[str, str] = {
    "supports": "#007A55",
    "contradicts": "#B03A00",
    "mixed": "#E69F00",
}

# The class's dimension when it has one (risk factors carry their own: individual or environment).
CLASS_DIMENSIONS: dict[str, str] = {
    "IndividualProfile": "individual",
    "ProtectiveFactor": "protective",
    "ProgrammeTheme": "theme",
    "Value": "value",
}


def colour(cls: str, dimension: str | None = None) -> str:
    dimension = dimension or CLASS_DIMENSIONS.get(cls)
    if dimension in DIMENSION_COLOURS:
        return DIMENSION_COLOURS[dimension]
    return CLASS_COLOURS.get(cls, "#999999")


def shape(cls: str) -> str:
    return CLASS_SHAPES.get(cls, "dot")

"""The map of the Netherlands, /kaart: the municipalities coloured by a measure, with optional region outlines,
a legend, a table alternative and a link from each municipality to its partner finder. Every choice is a
query parameter, so the page works without JavaScript and every view can be linked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from caleido.api.deps import PageLang, StoreDep, optional_reader
from caleido.api.pages import TARGET_CLASSES, PageRoute, flag, page_url, render_page
from caleido.errors import InvalidParameter
from caleido.graph import usecases
from caleido.graph.usecases.map_measures import MEASURES, Measure, map_measure
from caleido.viz.i18n import Lang, class_label, text
from caleido.viz.nl_map import OUTLINE_FILES, MapClass, count_classes, drawing, map_areas

# The seed folder (caleido.loaders.sources.SEED_FOLDER, not imported: the page needs no loader).
BOUNDARIES = Path(__file__).resolve().parents[2] / "seed" / "regions" / "boundaries"

router = APIRouter(include_in_schema=False, route_class=PageRoute, dependencies=[Depends(optional_reader)])


@router.get("/kaart", response_class=HTMLResponse)
def map_page(request: Request, store: StoreDep, lang: PageLang) -> HTMLResponse:
    query = request.query_params
    measure = query.get("measure") or "providers"
    if measure not in MEASURES:
        raise InvalidParameter(f"measure={measure!r}: not one of " + ", ".join(MEASURES)).worded(
            "error.parameter", name="measure", value=measure, allowed=", ".join(MEASURES)
        )
    asked = query.getlist("outline")
    for kind in asked:
        if kind not in OUTLINE_FILES:
            raise InvalidParameter(f"outline={kind!r}: not one of " + ", ".join(OUTLINE_FILES)).worded(
                "error.parameter", name="outline", value=kind, allowed=", ".join(OUTLINE_FILES)
            )
    outlines = [kind for kind in OUTLINE_FILES if kind in asked]  # drawn and listed in one order
    members = usecases.model_members(store, lang=lang, classes=TARGET_CLASSES)
    target = query.get("target") or None
    if target is not None and target not in {m.id for m in members}:
        raise InvalidParameter(f"target={target!r}: not a factor or theme id").worded("error.target.unknown", id=target)
    include_proposed = flag(request, "include_proposed")
    found = map_measure(
        store, _measure(measure), target=target if measure == "providers" else None, include_proposed=include_proposed
    )
    values = {m.id: m.value for m in found.municipalities}
    picture = drawing(BOUNDARIES)
    classes = count_classes([values.get(a.code, 0) for a in picture.municipalities])
    target_label = next((m.label or m.id for m in members if m.id == target), None)
    title = _measure_title(measure, target_label, lang)
    areas = map_areas(picture, values, classes, lambda name, code, value: f"{name} ({code}): {value}")
    for area in areas:  # the partner finder for the municipality, with the factor or theme chosen here
        area["href"] = page_url(
            "/partners",
            {"municipality": area["code"], "target": target, "include_proposed": include_proposed, "lang": lang},
        )
    empty = found.bodies == 0 if measure == "providers" else found.recognised == 0
    return render_page(
        request,
        "map.html",
        lang,
        "map",
        picture=picture,
        areas=areas,
        rows=sorted(areas, key=lambda a: (a["name"].casefold(), a["code"])),
        legend=[_legend_entry(c) for c in classes],
        title=title,
        notice=text(lang, f"map.none.{'bodies' if measure == 'providers' else 'recognised'}") if empty else None,
        form={"measure": measure, "target": target or "", "outlines": outlines, "include_proposed": include_proposed},
        measures=[(m, text(lang, f"map.measure.{m}")) for m in MEASURES],
        outline_kinds=[(k, text(lang, f"map.outline.{k}")) for k in OUTLINE_FILES],
        targets=[
            {"label": class_label(cls, lang), "options": [(m.id, m.label or m.id) for m in members if m.class_ == cls]}
            for cls in TARGET_CLASSES
        ],
    )


def _measure(name: str) -> Measure:
    return "recognised" if name == "recognised" else "providers"


def _measure_title(measure: str, target_label: str | None, lang: Lang) -> str:
    if measure == "providers" and target_label:
        return f"{text(lang, 'map.measure.providers.target')} {target_label}"
    return text(lang, f"map.measure.{measure}")


def _legend_entry(c: MapClass) -> dict[str, Any]:
    return {"label": str(c.low) if c.low == c.high else f"{c.low}–{c.high}", "colour": c.colour, "count": c.count}

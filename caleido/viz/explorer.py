"""The explorer: a node's neighbourhood as a network (rings by distance, turned towards their parents),
its provenance, and the same neighbourhood as tables. Input is caleido.graph.usecases.neighbourhood's and
.node's results. Physics runs only below caleido.viz.network.PHYSICS_LIMIT nodes; above it the ring
positions stay fixed, so a 10,000-node view still opens without freezing the page.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from caleido.graph.usecases.results import Neighbourhood, NodeDetail
from caleido.ontology.language import in_language
from caleido.ontology.model import load_ontology
from caleido.viz import palette
from caleido.viz.claims import claim_view, gloss_note
from caleido.viz.i18n import (
    LOCALES,
    TIME_ZONE,
    Lang,
    class_label,
    labelled,
    long_datetime,
    rel_label,
    term_label,
    terms,
    text,
)
from caleido.viz.layout import rings_by_depth
from caleido.viz.network import Network, explore_href

PROVENANCE_FIELDS = ("source", "locator", "status", "added_by", "added_at", "reviewed_by", "reviewed_at")
EXPAND_LIMIT = 60  # neighbours one click brings in


def edge_id(source: str, rel: str, target: str) -> str:
    """One id per link, the same in the page and in what a click brings in (so nothing is drawn twice)."""
    return f"{source}|{rel}|{target}"


def explorer_view(hood: Neighbourhood, lang: Lang) -> dict[str, Any]:
    depths = {n.id: n.depth for n in hood.nodes}
    neighbours: dict[str, set[str]] = defaultdict(set)
    for link in hood.links:
        neighbours[link.from_].add(link.to)
        neighbours[link.to].add(link.from_)
    positions = rings_by_depth(depths, neighbours)
    network = Network()
    names = {}
    for node in hood.nodes:
        name = names[node.id] = labelled(node, lang)
        network.add_node(
            node.id,
            name,
            cls=node.class_,
            title=f"{name}\n{class_label(node.class_, lang)}",
            position=positions[node.id],
            href=explore_href(node.id, lang),
            size=26 if node.depth == 0 else 16,
        )
    for link in hood.links:
        network.add_edge(
            link.from_,
            link.to,
            title=rel_label(link.rel, lang),
            id=edge_id(link.from_, link.rel, link.to),
        )
    return {
        "network": network.data(),
        "nodes": [
            {
                "label": names[n.id],
                "href": explore_href(n.id, lang),
                "class": class_label(n.class_, lang),
                "depth": n.depth,
            }
            for n in hood.nodes
        ],
        "links": [
            {
                "from": names[link.from_],
                "from_href": explore_href(link.from_, lang),
                "rel": rel_label(link.rel, lang),
                "to": names[link.to],
                "to_href": explore_href(link.to, lang),
            }
            for link in hood.links
        ],
        "config": {
            "center": hood.center,
            "expand_limit": EXPAND_LIMIT,
            "classes": {
                cls: {"label": class_label(cls, lang), "color": palette.colour(cls), "shape": palette.shape(cls)}
                for cls in load_ontology().classes
            },
            "rels": {rel: rel_label(rel, lang) for rel in load_ontology().relationships},
            "texts": {
                key: text(lang, key)
                for key in (
                    "class",
                    "name",
                    "definition",
                    *PROVENANCE_FIELDS,
                    "links",
                    "error",
                    "quote.none",
                    "gloss.curator",
                    "label.nl",
                    "label.en",
                )
            },
            "statuses": dict(terms("ReviewStatusScheme", lang)),
            "locale": LOCALES[lang],  # the browser writes a clicked node's times as long_datetime does
            "time_zone": TIME_ZONE,
        },
    }


def provenance(detail: NodeDetail, lang: Lang) -> dict[str, Any]:
    """A node's name, kind, definition and provenance for the panel: the passage it rests on beside it, its
    provenance fields (its source by name), its name in the other language, and each of its links with the
    passage that link rests on."""
    sources = {s.id: s for s in detail.cited}
    values = {f: detail.value(f) for f in PROVENANCE_FIELDS}
    values["source"] = labelled(sources[detail.source], lang) if detail.source in sources else detail.source
    # statuses by their label in the language, moments as people write them (the store keeps codes and ISO text)
    if values.get("status"):
        values["status"] = term_label("ReviewStatusScheme", str(values["status"]), lang)
    for moment in ("added_at", "reviewed_at"):
        if values.get(moment):
            values[moment] = long_datetime(str(values[moment]), lang)
    definitions = {"nl": detail.value("definition_nl"), "en": detail.value("definition_en")}
    other: Lang = "en" if lang == "nl" else "nl"
    other_label = detail.value(f"label_{other}")
    return {
        "label": labelled(detail, lang),
        "gloss": gloss_note(detail.gloss, "en" if lang == "en" and detail.value("label_en") else "nl", lang),
        "other_label": (
            {"name": text(lang, f"label.{other}"), "label": other_label, "gloss": gloss_note(detail.gloss, other, lang)}
            if other_label and other_label != labelled(detail, lang)
            else None
        ),
        "class": class_label(detail.class_, lang),
        "definition": in_language(definitions, lang) or "",
        "claim": claim_view(detail, sources, lang),
        "fields": [(text(lang, f), values[f]) for f in PROVENANCE_FIELDS if values.get(f)],
        "source_href": explore_href(detail.source, lang),
        "links": [
            {
                "outgoing": link.orientation == "outgoing",
                "rel": rel_label(link.rel, lang),
                "far": labelled(link.far, lang),
                "far_href": explore_href(link.far.id, lang),
                "claim": claim_view(link, sources, lang),
            }
            for link in detail.links
        ],
    }

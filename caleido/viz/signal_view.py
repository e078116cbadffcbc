"""A matched signal as the partner page shows it: per factor, each word as typed, its stem, the term it met
and why that term counts (its own label or definition, a synonym with the source and passage it rests on, or
the curator's own association); when nothing matched, the nearest factors under a "no exact match" notice.
Input is caleido.graph.usecases.signals' result and the labels of the sources it names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caleido.graph.usecases.results import Labelled, SignalMatch
from caleido.viz.i18n import Lang, class_label, labelled, text
from caleido.viz.network import explore_href


def signal_sources(match: SignalMatch) -> set[str]:
    """The ids of the sources the matched synonyms rest on (for their labels)."""
    return {w.source for f in match.factors for w in f.words if w.source}


def signal_view(match: SignalMatch, labels: Mapping[str, Labelled], lang: Lang) -> dict[str, Any]:
    def source(source_id: str | None) -> dict[str, str] | None:
        if source_id is None:
            return None
        name = labelled(labels[source_id], lang) if source_id in labels else source_id
        return {"label": name, "href": explore_href(source_id, lang)}

    return {
        "exact": match.exact_match,
        "factors": [
            {
                "label": labelled(f, lang),
                "kind": class_label(f.class_, lang),
                "href": explore_href(f.id, lang),
                "words": [
                    {
                        "word": w.word,
                        "stem": w.stem,
                        "term": w.term,
                        "via": text(lang, f"signal.via.{w.via}"),
                        "curator": w.basis == "curator",
                        "note": w.note,
                        "source": source(w.source),
                        "locator": w.locator,
                        "quote": w.quote,
                    }
                    for w in f.words
                ],
            }
            for f in match.factors
        ],
        "suggestions": [
            {"label": labelled(s, lang), "href": explore_href(s.id, lang), "nearest": s.nearest}
            for s in match.suggestions
        ],
    }

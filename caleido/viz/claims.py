"""A claim's evidence as the pages show it beside the claim: the source by name, the locator, the passage
(quote) and any further passages, a link's note, and the claim's review status; and the note that an English text is the
curator's own translation, which is apart from the claim's status. The `claim` macro in
templates/_macros.html draws what `claim_view` returns; static/explore.js draws the same from the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from caleido.graph.usecases.results import Labelled, Passage
from caleido.viz.i18n import Lang, labelled, term_label, text
from caleido.viz.network import explore_href

ACCEPTED = "accepted"


class ClaimLike(Protocol):
    """Anything a use case answers that is a claim (a record, a link, a member, a finding)."""

    @property
    def source(self) -> str | None: ...
    @property
    def locator(self) -> str | None: ...
    @property
    def quote(self) -> str | None: ...
    @property
    def citations(self) -> list[Passage]: ...
    @property
    def status(self) -> str: ...


def claim_view(claim: ClaimLike, sources: Mapping[str, Labelled], lang: Lang) -> dict[str, Any]:
    """What the `claim` macro shows; `sources` holds the labels of the sources (by id) a page names."""
    source = claim.source
    return {
        "source": (labelled(sources[source], lang) if source in sources else source) if source else "",
        "source_href": explore_href(source, lang) if source else None,
        "locator": claim.locator or "",
        "quote": claim.quote or "",
        "citations": [{"locator": p.locator, "quote": p.quote or ""} for p in claim.citations],
        "note": getattr(claim, "note", None) or "",  # a link's note (why it is proposed, say); records have none
        "status": claim.status,
        "status_label": term_label("ReviewStatusScheme", claim.status, lang),
        "proposed": claim.status != ACCEPTED,
    }


def claim_text(claim: ClaimLike, sources: Mapping[str, Labelled], lang: Lang) -> str:
    """The same as plain text, for a tooltip: the source and locator, then “the quote”, then each further
    passage, then the status when it is not accepted."""
    view = claim_view(claim, sources, lang)
    lines = [", ".join(part for part in (view["source"], view["locator"]) if part)]
    lines.append(f"“{view['quote']}”" if view["quote"] else f"({text(lang, 'quote.none')})")
    lines += [f"{p['locator']}: “{p['quote']}”" if p["quote"] else p["locator"] for p in view["citations"]]
    if view["note"]:
        lines.append(f"({view['note']})")
    if view["proposed"]:
        lines.append(view["status_label"])
    return "\n".join(lines)


def gloss_note(gloss: str | None, text_lang: Lang, lang: Lang) -> str | None:
    """The note, in the page's language, beside an English label or definition (`text_lang` "en") that is the
    curator's own translation."""
    return text(lang, "gloss.curator") if gloss == "curator" and text_lang == "en" else None


def cited_sources(*claims: ClaimLike) -> set[str]:
    """The ids of the sources these claims cite (to look up their labels once)."""
    return {c.source for c in claims if c.source}

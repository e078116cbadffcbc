"""The municipal brief as the printable page shows it: the partner finder's view of the municipality's bodies
and national lines (caleido.viz.partner_map), and the brief's tables: partners per factor, the programmes
available there, the gaps. Input is caleido.graph.usecases.brief's result and the labels of the ids it names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel.numbers import format_decimal

from caleido.graph.usecases.results import Brief, Labelled
from caleido.viz.i18n import LOCALES, Lang, class_label, counted, labelled, text
from caleido.viz.network import explore_href
from caleido.viz.partner_map import partner_view


def brief_ids(result: Brief) -> set[str]:
    """The ids the brief names beyond the partner finder's (programmes, and the organisations in them and named
    for the factors)."""
    named = [p.partners for p in result.programmes] + [f.partners for f in result.factors]
    return {p.id for p in result.programmes} | {o for partners in named for o in partners}


def brief_view(result: Brief, labels: Mapping[str, Labelled], lang: Lang) -> dict[str, Any]:
    known: dict[str, Labelled] = {**labels, **{p.id: p for p in [*result.partners.partners, *result.partners.national]}}
    roles = {r.id: r.named_nl if lang == "nl" else r.named_en for r in result.partners.roles}

    def name(node_id: str) -> str:
        return roles.get(node_id) or (labelled(known[node_id], lang) if node_id in known else node_id)

    partners = partner_view(result.partners, labels, lang, limit=len(result.partners.partners))

    def names(ids: list[str], more: int) -> str:
        """'A, B and 3 more' (the partner finder has them all)."""
        listed = ", ".join(name(i) for i in ids)
        return listed + (" " + _count_text("brief.names.more", more, lang) if more else "")

    statuses = "statuses.with_proposed" if "proposed" in result.partners.statuses else "statuses.accepted"
    return {
        **partners,
        "network": None,  # a printed page has no use for it
        "factors": [
            {
                "label": labelled(f, lang),
                "href": explore_href(f.id, lang),
                "class": class_label(f.class_, lang),
                "partners": names(f.partners, f.more),
            }
            for f in result.factors
        ],
        "programmes": [
            {"label": name(p.id), "href": explore_href(p.id, lang), "partners": names(p.partners, p.more)}
            for p in result.programmes
        ],
        "gaps": [{"label": labelled(g, lang), "href": explore_href(g.id, lang)} for g in result.gaps],
        "gap_count": counted(len(result.gaps), "brief.factor", lang),
        "statuses": text(lang, statuses),
        "national_more": _more(result.partners.national_total - len(result.partners.national), lang),
        "roles_more": _more(result.partners.roles_total - len(result.partners.roles), lang),
        "bodies_more": _more(result.bodies_total - len(result.partners.partners), lang),
        "programmes_more": _more(result.programmes_total - len(result.programmes), lang),
    }


def _more(left: int, lang: Lang) -> str | None:
    """'3,199 more in the partner finder' for the bodies, lines, roles or programmes the brief leaves out."""
    return _count_text("brief.more", left, lang) if left > 0 else None


def _count_text(key: str, n: int, lang: Lang) -> str:
    return text(lang, key).format(n=format_decimal(n, locale=LOCALES[lang]))

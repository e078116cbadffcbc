"""Every claim with its passage, in real headless Chromium: the quote (and further passages) beside the claim
in the explorer's panel (as the page draws it and as a click redraws it from the API), a map cell's findings,
a partner's reasons and the kaleidoscope's themes; HTML in quotes stays text. The kaleidoscope lists every
programme theme with its interventions, and a layer with no accepted record says that the sources name none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from caleido.api.app import create_app
from caleido.graph.embedded import EmbeddedStore
from tests.helpers import FIXTURES, load, serve
from tests.pages.browser import click_node, wait_drawn
from tests.pages.conftest import PAYLOAD, Site, Watched

pytestmark = pytest.mark.browser

QUOTE = "<img src=x onerror=window.__xss=1>"  # every quote of tests/fixtures/pages/xss.yaml starts with it


def _item(scope: object, link_name: str) -> object:
    """The innermost list item in `scope` that holds the link of this name (the claim it names, with its
    passage beside it)."""
    link = scope.page.get_by_role("link", name=link_name, exact=True)  # type: ignore[attr-defined]
    return scope.locator("li", has=link).last  # type: ignore[attr-defined]


def test_explorer_panel_quotes_the_node_and_each_link(watched: Watched) -> None:
    page = watched.page
    watched.goto("/explore/rf-xss?lang=en")
    wait_drawn(page, "explorer")
    claim = page.locator("#provenance-claim")
    assert claim.locator("q.quote").first.inner_text() == f"{QUOTE}citaat-factor"
    assert "<svg onload=window.__xss=1>tweede-citaat-factor" in claim.inner_text()  # the further passage
    assert "— <b>p. 2</b>" in claim.inner_text()  # with its locator, as text
    assert "curator's own translation, unverified" in page.locator("#provenance").inner_text()
    addressed = _item(page.locator("#provenance-links"), f"{PAYLOAD} approach")
    assert addressed.locator("q.quote").inner_text() == f"{QUOTE}citaat-pakt-aan"

    page.evaluate("() => window.caleido.networks.explorer.network.stopSimulation()")
    click_node(page, "explorer", "int-xss")  # the panel is drawn again, by explore.js from the API
    page.wait_for_function(f"() => document.querySelector('#provenance-name').textContent === '{PAYLOAD} approach'")
    assert page.locator("#provenance-claim q.quote").inner_text() == f"{QUOTE}citaat-aanpak"
    links = page.locator("#provenance-links")
    runs = _item(links, f"{PAYLOAD} foundation")
    assert runs.locator("q.quote").inner_text() == f"{QUOTE}citaat-voert-uit"
    belongs = _item(links, f"{PAYLOAD} theme")
    assert belongs.locator("q.quote").inner_text() == f"{QUOTE}citaat-hoort-bij"
    assert belongs.locator(".status-mark").inner_text() == "Proposed"  # the link's own status
    assert _item(links, f"{PAYLOAD} finding").locator(".no-quote").inner_text() == "(no quote recorded)"
    watched.screenshot("explorer-claims-en")
    watched.check()


def test_map_cell_quotes_each_finding_and_link(watched: Watched) -> None:
    page = watched.page
    watched.goto("/coverage?intervention=int-xss&target=rf-xss&lang=en")
    detail = page.locator("#cell-detail")
    row = detail.locator("tr", has=page.get_by_role("link", name=f"{PAYLOAD} finding", exact=True))
    assert row.locator("td.finding-quote q.quote").first.inner_text() == f"{QUOTE}citaat-bevinding"
    assert "tabel <i>1</i>" in row.locator("td.finding-quote").inner_text()  # the finding's locator
    assert f"{QUOTE}citaat-gerapporteerd" in row.inner_text()  # where its source reports it
    assert detail.locator("ul.cell-links q.quote").inner_text() == f"{QUOTE}citaat-pakt-aan"
    assert detail.locator("ul.cell-links .note").inner_text() == "(<iframe src=javascript:window.__xss=1>)"
    watched.screenshot("coverage-cell-claims-en")
    watched.check()


def test_partner_reasons_quote_both_links(watched: Watched) -> None:
    page = watched.page
    watched.goto("/partners?municipality=Utrecht&target=rf-xss&lang=en")
    partner = page.locator("#national-list > li").first  # a national foundation
    programme = _item(partner.locator("ul.reasons"), f"{PAYLOAD} approach")
    assert programme.locator("q.quote").first.inner_text() == f"{QUOTE}citaat-voert-uit"
    target = _item(programme, PAYLOAD)
    assert target.locator("q.quote").inner_text() == f"{QUOTE}citaat-pakt-aan"
    assert "<script>window.__xss=1</script>Source" in target.inner_text()  # the source, by name
    watched.check()


def test_kaleidoscope_lists_themes_with_their_interventions_and_passages(watched: Watched, site: Site) -> None:
    page = watched.page
    watched.goto("/?lang=en")
    theme = page.locator("#themes li[data-id='theme-xss']")
    assert theme.locator("a strong").inner_text() == f"{PAYLOAD} theme"
    assert theme.locator("q.quote").first.inner_text() == "<script>window.__xss=1</script>citaat-thema"
    addresses = _item(theme.locator("ul.factors"), PAYLOAD)  # the factor the theme addresses
    assert addresses.locator("q.quote").inner_text() == f"{QUOTE}citaat-thema-pakt-aan"
    intervention = theme.locator("li[data-id='int-xss']")
    assert intervention.locator("q.quote").inner_text() == f"{QUOTE}citaat-hoort-bij"
    assert intervention.locator(".status-mark").first.inner_text() == "Proposed"
    evidence = intervention.locator("ul.evidence li")  # what a source says about the approach's evidence
    assert evidence.get_by_role("link", name=f"{PAYLOAD} finding", exact=True).count() == 1
    assert "Well founded · Supports" in evidence.inner_text()
    title = page.locator("svg.kaleidoscope circle.dot[data-id='rf-xss'] title")  # the dot's plain-text title
    assert f"“{QUOTE}citaat-factor”" in title.evaluate("(e) => e.textContent")
    sector = page.locator("#sector-coeus-social li[data-id='int-xss']")  # the intervention, under its cluster
    assert f"{QUOTE}citaat-pakt-aan" in sector.locator("q.quote").first.inner_text()
    watched.screenshot("kaleidoscope-themes-en")
    watched.check()


def test_the_seed_kaleidoscope_lists_every_programme_theme(watched: Watched, site: Site) -> None:
    page = watched.page
    watched.goto("/")
    listed = page.locator("#themes li[data-id^='theme']").evaluate_all("(items) => items.map((i) => i.dataset.id)")
    shown = ("accepted", "proposed")  # a rejected or retracted theme is not the model's
    themes = {row["id"] for row in site.store.iter_nodes("ProgrammeTheme") if row["status"] in shown}
    assert themes and set(listed) == themes
    watched.check()


# ---------------------------------------------------------------- a layer without an accepted record


@pytest.fixture(scope="module")
def unreviewed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a graph whose theme layer holds only a proposed record and whose value layer is empty."""
    store = EmbeddedStore(tmp_path_factory.mktemp("unreviewed") / "store")
    load(store, FIXTURES / "unreviewed-layers")
    with serve(create_app(store=store)) as url:
        yield url
    store.close()


DRAWN = (
    "(classes) => Array.from(document.querySelectorAll('svg.kaleidoscope circle.dot'))"
    ".filter((d) => classes.includes(d.dataset.class)).length"
)


def test_an_empty_layer_says_the_sources_name_none(watched: Watched, unreviewed: str) -> None:
    watched.base = unreviewed
    page = watched.page
    watched.goto("/")
    assert page.locator("#themes-none").inner_text() == (
        "De bronnen in de kennisbank noemen geen thema's voor beschermende programma's die een curator heeft "
        "getoetst; 1 voorgesteld."
    )
    assert page.locator("#values-none").inner_text() == (
        "De bronnen in de kennisbank noemen geen waarden; deze laag blijft leeg."
    )
    assert page.evaluate(DRAWN, ["ProgrammeTheme", "Value"]) == 0  # no ring drawn, nothing filled in
    assert page.locator("#values li").count() == 0
    theme = page.locator("#themes li[data-id='theme-e']")  # the proposed theme is listed, marked
    assert theme.locator(".status-mark").first.inner_text() == "Voorgesteld"
    assert theme.locator("li[data-id='int-e'] q.quote").inner_text() == "citaat: aanpak E hoort bij thema E"
    watched.goto("/?lang=en&include_proposed=true")
    assert page.locator("#values-none").inner_text() == (
        "The sources in the knowledge graph name no values; this layer stays empty."
    )
    assert page.evaluate(DRAWN, ["ProgrammeTheme"]) == 1  # asked for, the proposed theme is drawn
    watched.screenshot("kaleidoscope-empty-layers-en")
    watched.check()

"""The pages' own words in Dutch (the default) and English. Names of things in the graph come from the
graph and the ontology (their label_nl / label_en); only the interface's words live here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel

from caleido.ontology.language import Lang, in_language
from caleido.ontology.model import load_ontology

__all__ = ["Lang", "class_label", "labelled", "long_date", "rel_label", "term_label", "terms", "text", "texts"]
LANGS: tuple[Lang, ...] = ("nl", "en")

_TEXTS: dict[str, tuple[str, str]] = {
    # navigation and frame
    "site": ("Caleido", "Caleido"),
    "tagline": ("Het caleidoscopische weerbaarheidsmodel", "The kaleidoscopic resilience model"),
    "nav.kaleidoscope": ("Caleidoscoop", "Kaleidoscope"),
    "nav.coverage": ("Bewijs- en leemtekaart", "Evidence and gap map"),
    "nav.partners": ("Partners zoeken", "Partner finder"),
    "nav.evidence": ("Bevinding toevoegen", "Add a finding"),
    "switch": ("English", "Nederlands"),
    "switch.label": ("Switch to English", "Schakel naar Nederlands"),
    "skip": ("Naar de inhoud", "Skip to content"),
    "filters": ("Filters", "Filters"),
    "apply": ("Toepassen", "Apply"),
    "all": ("alle", "all"),
    "legend": ("Legenda", "Legend"),
    "table.alternative": ("Als tabel", "As a table"),
    "network.label": ("Netwerkweergave", "Network view"),
    "network.help": (
        "Beweeg over een knoop voor de definitie en bron; klik om hem te openen. Met het toetsenbord: pijltjes "
        "verschuiven de tekening, + en - zoomen.",
        "Hover over a node for its definition and source; click to open it. With the keyboard: arrow keys move "
        "the drawing, + and - zoom.",
    ),
    "table.link": ("Dezelfde gegevens als tabel", "The same data as a table"),
    "partners.list.link": ("De partners als lijst", "The partners as a list"),
    "source": ("Bron", "Source"),
    "locator": ("Vindplaats", "Locator"),
    "definition": ("Definitie", "Definition"),
    "status": ("Status", "Status"),
    "added_by": ("Toegevoegd door", "Added by"),
    "added_at": ("Toegevoegd op", "Added at"),
    "reviewed_by": ("Beoordeeld door", "Reviewed by"),
    "reviewed_at": ("Beoordeeld op", "Reviewed at"),
    "class": ("Soort", "Kind"),
    "name": ("Naam", "Name"),
    "none": ("geen", "none"),
    "include_proposed": ("Ook voorgestelde kennis tonen", "Include proposed knowledge"),
    "error": ("Fout", "Error"),
    # a claim's evidence, shown beside it
    "quote": ("Citaat", "Quote"),
    "quote.none": ("geen citaat vastgelegd", "no quote recorded"),
    "citations": ("Verdere vindplaatsen", "Further passages"),
    "gloss.curator": ("eigen vertaling, niet getoetst", "curator's own translation, unverified"),
    "label.nl": ("Nederlandse naam", "Dutch name"),
    "label.en": ("Engelse naam", "English name"),
    # kaleidoscope
    "kaleidoscope.title": ("Het caleidoscopische model", "The kaleidoscopic model"),
    "kaleidoscope.intro": (
        "Het individu in het midden; daaromheen de clusters van risicofactoren in de omgeving; dan de "
        "beschermende factoren en de thema's voor beschermende programma's; buiten de waarden waarop die "
        "programma's rusten. Interventies hangen aan wat ze aanpakken.",
        "The individual at the centre; around it the clusters of risk factors in the environment; then the "
        "protective factors and the themes for protective programmes; outside the values those programmes "
        "rest on. Interventions hang on what they address.",
    ),
    "domain": ("Domein", "Domain"),
    "level": ("Bestuurslaag", "Governance level"),
    "scheme": ("Bron van de clusters", "Source of the clusters"),
    "intervention": ("Interventie", "Intervention"),
    "interventions": ("Interventies", "Interventions"),
    "interventions.hidden": (
        "minder verbonden interventies zijn niet getekend; kies een domein of bestuurslaag, of zie de",
        "less connected interventions are not drawn; pick a domain or governance level, or see the",
    ),
    "cluster": ("Cluster", "Cluster"),
    "cluster.none": ("zonder cluster", "no cluster"),
    "themes.title": (
        "Thema's voor beschermende programma's en hun interventies",
        "Themes for protective programmes and their interventions",
    ),
    "themes.intro": (
        "Elk thema met de bron die het noemt, de factoren die het opbouwt of aanpakt en de interventies die erbij "
        "horen. Voorgestelde kennis is nog niet door een curator getoetst en staat gemarkeerd.",
        "Each theme with the source that names it, the factors it builds or addresses and the interventions that "
        "belong to it. Proposed knowledge is not yet reviewed by a curator and is marked.",
    ),
    "theme.interventions.none": (
        "De bronnen noemen bij dit thema geen interventies.",
        "The sources name no interventions for this theme.",
    ),
    "values.title": ("Waarden", "Values"),
    "values.intro": (
        "Elke waarde met de bron die haar noemt, en de thema's en interventies die erop rusten.",
        "Each value with the source that names it, and the themes and interventions that rest on it.",
    ),
    "layer.none": (
        "De bronnen in de kennisbank noemen geen {layer}; deze laag blijft leeg.",
        "The sources in the knowledge graph name no {layer}; this layer stays empty.",
    ),
    "layer.unreviewed": (
        "De bronnen in de kennisbank noemen geen {layer} die een curator heeft getoetst; {count} voorgesteld.",
        "The sources in the knowledge graph name no {layer} a curator has reviewed; {count} proposed.",
    ),
    "layer.individual": ("kenmerken van het individu", "characteristics of the individual"),
    "layer.environment": ("risicofactoren in de omgeving", "risk factors in the environment"),
    "layer.protective": ("beschermende factoren", "protective factors"),
    "layer.theme": ("thema's voor beschermende programma's", "themes for protective programmes"),
    "layer.value": ("waarden", "values"),
    "links": ("Verbindingen", "Links"),
    # coverage
    "coverage.title": ("Bewijs- en leemtekaart", "Evidence and gap map"),
    "coverage.intro": (
        "Rijen zijn interventies (per thema), kolommen factoren (per cluster). Een cel is een verband dat in de "
        "kennisbank staat: de grootte telt de bevindingen, de kleur geeft de netto richting. Lege cellen zijn "
        "leemtes. Kies een cel voor de bevindingen met bronvermelding.",
        "Rows are interventions (by theme), columns factors (by cluster). A cell is a link the knowledge graph "
        "holds: its size counts the findings, its colour gives the net direction. Empty cells are gaps. Pick a "
        "cell for the findings with their citations.",
    ),
    "axis": ("Kolommen", "Columns"),
    "axis.factors": ("factoren", "factors"),
    "axis.themes": ("thema's", "themes"),
    "dimension": ("Dimensie", "Dimension"),
    "export.csv": ("Deze weergave als CSV", "This view as CSV"),
    "pages": ("Pagina's", "Pages"),
    "page": ("pagina", "page"),
    "rows": ("Rijen", "Rows"),
    "previous": ("Vorige", "Previous"),
    "next": ("Volgende", "Next"),
    "theme.none": ("zonder thema", "no theme"),
    "page.only": ("(op deze pagina)", "(on this page)"),
    "more.count": ("meer", "more"),
    "cell.gap": ("leemte: geen verband", "gap: no link"),
    "cell.nofindings": ("verband zonder bevindingen", "link without findings"),
    "findings": ("bevindingen", "findings"),
    "finding": ("Bevinding", "Finding"),
    "direction": ("Richting", "Direction"),
    "grade": ("Bewijsgraad", "Evidence grade"),
    "citation": ("Bronvermelding", "Citation"),
    "cell.title": ("Bevindingen voor deze cel", "Findings for this cell"),
    "cell.close": ("Sluiten", "Close"),
    "gaps.title": ("Leemtes", "Gaps"),
    "gaps.factors": ("Factoren zonder interventie", "Factors without an intervention"),
    "gaps.links": ("Verbanden zonder geaccepteerd bewijs", "Links without accepted evidence"),
    "gaps.themes": ("Thema's zonder waarde", "Themes without a value"),
    # the research on each factor and the typed gaps (issue 18)
    "research.row": ("Onderzoek over de factor", "Research on the factor"),
    "research.title": ("Onderzoek over", "Research on"),
    "research.none": ("geen bevindingen", "no findings"),
    "research.finding.one": ("bevinding", "finding"),
    "research.finding.many": ("bevindingen", "findings"),
    "research.source.one": ("bron", "source"),
    "research.source.many": ("bronnen", "sources"),
    "research.effect": ("Effect", "Effect"),
    "research.ci": ("BI", "CI"),
    "research.outcome": ("Uitkomst", "Outcome"),
    "research.country": ("Land", "Country"),
    "research.close": ("Sluit het onderzoek", "Close the research"),
    "research.explain": (
        "Bevindingen over de factor zelf, en over een interventie die de factor aanpakt.",
        "Findings about the factor itself, and about an intervention that addresses it.",
    ),
    "grade.equivalents": ("Vergelijkbaar met", "Comparable to"),
    "gaps.typed": ("Leemtes per soort", "Gaps by type"),
    "gaps.csv": ("Leemtes als CSV", "Gaps as CSV"),
    "gaps.type.factors_without_intervention": (
        "Factoren zonder vastgelegde interventie",
        "Factors without a recorded intervention",
    ),
    "gaps.type.interventions_never_evaluated": ("Interventies zonder enige bevinding", "Interventions never evaluated"),
    "gaps.type.links_weak_evidence_only": ("Verbanden met alleen zwak bewijs", "Links with weak evidence only"),
    "gaps.type.links_indirect_evidence_only": (
        "Verbanden met alleen indirect bewijs (onderzoek over de factor, niet over de interventie)",
        "Links with indirect evidence only (research on the factor, not on the intervention)",
    ),
    "gaps.type.links_foreign_evidence_only": (
        "Verbanden met alleen bewijs uit een ander land",
        "Links with evidence from another country only",
    ),
    "gaps.type.factors_without_findings": ("Factoren waar geen bevinding over gaat", "Factors no finding is about"),
    "gaps.type.recognised_not_delivered": (
        "Erkende interventies die niet overal worden aangeboden",
        "Recognised interventions not delivered everywhere",
    ),
    "gaps.weak_below": ("zwak: elk bewijsniveau lager dan", "weak: every grade below"),
    "gaps.municipality.one": ("gemeente zonder aanbod", "municipality without it"),
    "gaps.municipality.many": ("gemeenten zonder aanbod", "municipalities without it"),
    "net.supports": ("ondersteunt", "supports"),
    "net.contradicts": ("spreekt tegen", "contradicts"),
    "net.mixed": ("gemengd", "mixed"),
    "net.none": ("nog geen bevindingen", "no findings yet"),
    # partners
    "partners.title": ("Partners zoeken", "Partner finder"),
    "partners.intro": (
        "Kies een gemeente en een factor, thema of signaal: eerst ziet u de organisaties in wier werkgebied de "
        "gemeente ligt, gerangschikt op hun rol voor uw keuze, dan de landelijke steunpunten en de rollen in de "
        "gemeente, elk met de bron van hun redenen.",
        "Pick a municipality and a factor, theme or signal: first you see the organisations whose service area "
        "holds the municipality, ranked by their role for your choice, then the national support lines and the "
        "roles in the municipality, each with the source of its reasons.",
    ),
    "municipality": ("Gemeente", "Municipality"),
    "municipality.hint": ("naam of CBS-code, bijv. Utrecht of GM0344", "name or CBS code, e.g. Utrecht or GM0344"),
    "target": ("Factor, thema of signaal", "Factor, theme or signal"),
    "target.any": ("alle factoren en thema's", "all factors and themes"),
    "search": ("Zoeken", "Search"),
    "signal": ("of een signaal in eigen woorden", "or a signal in your own words"),
    "signal.hint": (
        "bijv. trekt zich terug en deelt complotfilmpjes",
        "e.g. trekt zich terug en deelt complotfilmpjes",
    ),
    "signal.words": ("Welke woorden bij welke factor passen", "Which words matched which factor"),
    "signal.intro": (
        "Woord zoals getypt → stam → de term die het trof (label, synoniem of woord uit de definitie) → factor.",
        "Word as typed → stem → the term it met (label, synonym or word of the definition) → factor.",
    ),
    "signal.no_exact": (
        "Geen exacte overeenkomst. Dichtstbijzijnde factoren:",
        "No exact match. Nearest factors:",
    ),
    "signal.via.label": ("label", "label"),
    "signal.via.alt_label": ("ander label", "alternative label"),
    "signal.via.definition": ("woord uit de definitie", "word of the definition"),
    "signal.via.synonym": ("synoniem", "synonym"),
    "signal.basis.curator": ("eigen associatie van de curator, geen bron", "the curator's own association, no source"),
    "signal.nearest": ("dichtbij", "near"),
    "province": ("Provincie", "Province"),
    "safety_region": ("Veiligheidsregio", "Safety region"),
    "organisation": ("Organisatie", "Organisation"),
    "reach": ("Bereik", "Reach"),
    "reasons": ("Redenen", "Reasons"),
    "programmes": ("Programma's", "Programmes"),
    "partners.none": ("Geen organisaties gevonden voor deze keuze.", "No organisations found for this choice."),
    "partners.count": ("organisaties", "organisations"),
    "reach.municipality": ("in de gemeente", "in the municipality"),
    "reach.safety-region": ("in de veiligheidsregio", "in the safety region"),
    "reach.province": ("in de provincie", "in the province"),
    "reach.regional": ("regionaal", "regional"),
    "reach.national": ("landelijk", "national"),
    # partners, local first (issue 17)
    "reach.ggd-region": ("in de GGD-regio", "in the GGD region"),
    "reach.police-unit": ("in de politie-eenheid", "in the police unit"),
    "reach.jeugdregio": ("in de jeugdregio", "in the youth care region"),
    "reach.arrondissement": ("in het arrondissement", "in the judicial district"),
    "partners.count.one": ("organisatie", "organisation"),
    "partners.count.many": ("organisaties", "organisations"),
    "programmes.count.one": ("programma meer", "more programme"),
    "programmes.count.many": ("programma's meer", "more programmes"),
    "partners.local": ("Organisaties met een werkgebied in {place}", "Organisations whose service area holds {place}"),
    "partners.local.none": (
        "Geen organisatie bekend met een werkgebied waarin deze gemeente ligt.",
        "No organisation is known whose service area holds this municipality.",
    ),
    "partners.national": ("Landelijke steunpunten", "National support lines"),
    "partners.national.intro": (
        "Landelijke organisaties die gemeenten en professionals ondersteunen; ministeries en het parlement zijn "
        "beleidsmakers en staan hier niet.",
        "National bodies that support municipalities and professionals; ministries and parliament make policy and "
        "are not listed.",
    ),
    "partners.roles": ("Rollen in {place}", "Roles in {place}"),
    "partners.roles.intro": (
        "Soorten organisaties en beroepen die de bronnen noemen, zonder een met naam bekende organisatie voor "
        "deze gemeente; niet gerangschikt.",
        "Kinds of organisation and professions the sources name, with no named body known for this "
        "municipality; not ranked.",
    ),
    "partners.no_body": (
        "Geen organisatie van deze soort bekend voor deze gemeente.",
        "No body of this kind is known for this municipality.",
    ),
    "partners.as": ("als", "as"),
    "partners.via": ("Werkgebied", "Service area"),
    "partners.contact": ("Contact", "Contact"),
    "partners.website": ("website", "website"),
    "partners.phone": ("telefoon", "phone"),
    "partners.brief": ("Overzicht van de gemeente om te printen", "The municipality's printable brief"),
    "municipality.unknown": ("Geen gemeente gevonden voor", "No municipality matches"),
    "municipality.unknown.hint": (
        "Geef een naam of CBS-code, bijvoorbeeld GM0363.",
        "Give a name or CBS code such as GM0363.",
    ),
    "municipality.suggest": ("Bedoelt u", "Did you mean"),
    "or": ("of", "or"),
    # the municipal brief
    "brief.title": ("Gemeentelijk overzicht", "Municipal brief"),
    "brief.intro": (
        "Wie werkt er voor deze gemeente aan preventie van radicalisering en polarisatie, met welke rol, en wat "
        "ontbreekt: uit de bronnen in Caleido, elk met zijn vindplaats.",
        "Who works for this municipality on preventing radicalisation and polarisation, in which role, and what "
        "is missing: from the sources in Caleido, each with its locator.",
    ),
    "brief.bodies": ("Regionale organisaties en hun rol", "Regional bodies and their roles"),
    "brief.factors": ("Partners per factor", "Partners per factor"),
    "brief.factors.intro": (
        "De factoren die een programma van een regionale of landelijke partner aanpakt.",
        "The factors a programme of a regional or national partner addresses.",
    ),
    "brief.programmes": ("Programma's in deze gemeente", "Programmes available here"),
    "brief.gaps": ("Leemtes in de regio", "The region's gaps"),
    "brief.gaps.intro": (
        "Factoren die geen programma van een partner van deze gemeente aanpakt of versterkt.",
        "Factors that no programme of a partner serving this municipality addresses or strengthens.",
    ),
    "brief.gaps.none": ("Geen: elke factor heeft een partner.", "None: every factor has a partner."),
    "brief.factor.one": ("factor", "factor"),
    "brief.factor.many": ("factoren", "factors"),
    "brief.partners": ("Partners", "Partners"),
    "brief.who": ("Wie", "Who"),
    "brief.finder": ("Naar de partnerzoeker", "To the partner finder"),
    "statuses.accepted": (
        "Telt: alleen geaccepteerde kennis (status geaccepteerd).",
        "Counted: accepted knowledge only (status accepted).",
    ),
    "statuses.with_proposed": (
        "Telt: geaccepteerde en voorgestelde kennis (nog niet beoordeeld).",
        "Counted: accepted and proposed knowledge (not yet reviewed).",
    ),
    # explorer
    "explore.title": ("Verkenner", "Explorer"),
    "explore.intro": (
        "De omgeving van een knoop. Klik op een knoop om zijn buren erbij te halen; de herkomst staat rechts.",
        "The neighbourhood of a node. Click a node to bring in its neighbours; its provenance is on the right.",
    ),
    "depth": ("Diepte", "Depth"),
    "limit": ("Maximaal aantal knopen", "Largest number of nodes"),
    "more": ("Meer tonen", "Show more"),
    "truncated": (
        "Niet alles past: er zijn meer buren dan de grens toelaat.",
        "Not everything fits: there are more neighbours than the limit allows.",
    ),
    "provenance": ("Herkomst", "Provenance"),
    "nodes": ("knopen", "nodes"),
    "from": ("Van", "From"),
    "to": ("Naar", "To"),
    "relationship": ("Relatie", "Relationship"),
    "physics.off": (
        "Groot netwerk: de posities zijn vooraf berekend en staan vast.",
        "Large network: positions are precomputed and fixed.",
    ),
    # evidence form
    "evidence.title": ("Een bevinding toevoegen", "Add a finding"),
    "evidence.intro": (
        "Voer een bevinding in met bronvermelding, richting en sterkte en koppel haar aan een factor of "
        "interventie. Nieuwe kennis staat op 'voorgesteld' tot een curator haar beoordeelt.",
        "Enter a finding with its citation, direction and strength and link it to a factor or intervention. New "
        "knowledge is 'proposed' until a curator reviews it.",
    ),
    "key": ("API-sleutel (onderzoeker)", "API key (researcher)"),
    "key.hint": (
        "De sleutel gaat alleen in de kop van het verzoek mee, nooit in de URL.",
        "The key travels only in the request header, never in the URL.",
    ),
    "statement_nl": ("Bevinding (Nederlands)", "Finding (Dutch)"),
    "statement_en": ("Bevinding (Engels)", "Finding (English)"),
    "source.id": ("Bron (id in de kennisbank)", "Source (id in the graph)"),
    "evidence.target": ("Bewijs voor (id van factor of interventie)", "Evidence for (id of a factor or intervention)"),
    "note": ("Toelichting", "Note"),
    "submit": ("Toevoegen", "Add"),
    "upload.title": ("Een tabel met bevindingen uploaden (CSV)", "Upload a table of findings (CSV)"),
    "upload.file": ("CSV-bestand", "CSV file"),
    "upload.submit": ("Uploaden", "Upload"),
    "upload.template": ("Sjabloon", "Template"),
    "form.added": ("Toegevoegd als voorgesteld:", "Added as proposed:"),
    "form.key_missing": ("Vul een API-sleutel in.", "Enter an API key."),
    "form.target_missing": ("Kies een factor of interventie.", "Pick a factor or intervention."),
    "form.target_unknown": ("Deze id staat niet in de kennisbank.", "This id is not in the graph."),
    "form.error": ("Fout", "Error"),
    "form.row": ("Regel", "Line"),
    "form.outcome": ("Uitkomst", "Outcome"),
    # signing in, when reading needs a key
    "signin.title": ("Aanmelden", "Sign in"),
    "signin.intro": (
        "Deze kennisbank is alleen met een API-sleutel te lezen. Vul uw sleutel in; een beheerder maakt er een "
        "met 'caleido keys create'.",
        "Reading this knowledge graph needs an API key. Enter yours; an admin creates one with 'caleido keys create'.",
    ),
    "signin.key": ("API-sleutel", "API key"),
    "signin.submit": ("Aanmelden", "Sign in"),
    "signin.cookie": (
        "De sleutel wordt bewaard in een cookie die scripts niet kunnen lezen en die alleen naar deze site gaat, "
        "tot u de browser sluit of zich afmeldt. Hij komt nooit in een URL.",
        "The key is kept in a cookie that scripts cannot read and that goes to this site only, until you close "
        "the browser or sign out. It never goes in a URL.",
    ),
    "signout": ("Afmelden", "Sign out"),
    # the accessibility statement (/toegankelijkheid)
    "nav.accessibility": ("Toegankelijkheid", "Accessibility"),
    "statement.title": ("Toegankelijkheidsverklaring", "Accessibility statement"),
    "statement.scope": ("Verklaring", "Statement"),
    "statement.status": ("Nalevingsstatus", "Compliance status"),
    "statement.basis": ("Onderbouwing: wat is getoetst", "Basis: what was tested"),
    "statement.unseen": ("Wat deze controle niet ziet", "What this check cannot see"),
    "statement.limits": ("Bekende beperkingen", "Known limitations"),
    "statement.contact": ("Feedback, handhaving en akkoord", "Feedback, enforcement and sign-off"),
    "statement.page": ("Pagina", "Page"),
    "statement.path": ("Adres", "Address"),
    "statement.languages": ("Talen", "Languages"),
    "statement.date": ("Laatst bijgewerkt", "Last updated"),
    "lang.nl": ("Nederlands", "Dutch"),
    "lang.en": ("Engels", "English"),
    "js.required": (
        "Dit formulier verstuurt met JavaScript, zodat de sleutel niet in de URL komt.",
        "This form sends with JavaScript, so the key stays out of the URL.",
    ),
    # the map of the Netherlands (/kaart)
    "nav.map": ("Kaart", "Map"),
    "map.title": ("Kaart van Nederland", "Map of the Netherlands"),
    "map.intro": (
        "De 342 gemeenten van 2025, gekleurd naar een maat die u kiest. Klik op een gemeente om partners voor die "
        "gemeente te zoeken.",
        "The 342 municipalities of 2025, coloured by a measure you choose. Click a municipality to find partners "
        "for it.",
    ),
    "map.measure": ("Maat", "Measure"),
    "map.measure.providers": (
        "Regionale organisaties die de gemeente bedienen",
        "Regional bodies serving the municipality",
    ),
    "map.measure.providers.target": (
        "Regionale organisaties die de gemeente bedienen, met een reden voor",
        "Regional bodies serving the municipality, with a reason for",
    ),
    "map.measure.recognised": (
        "Erkende interventies die daar worden uitgevoerd",
        "Recognised interventions delivered there",
    ),
    "map.target": ("Factor of thema", "Factor or theme"),
    "map.explain.providers": (
        "Een organisatie telt mee als haar werkgebied (operates_in) de gemeente omvat: de gemeente zelf of een "
        "regio waarin zij ligt. Landelijke lijnen zonder werkgebied en beleidsactoren tellen niet mee. Met een "
        "factor of thema: alleen organisaties die een programma daarvoor uitvoeren of eraan deelnemen, zelf of als "
        "een van de organisaties die een algemeen record beschrijft (kind_of).",
        "A body counts when its service area (operates_in) holds the municipality: the municipality itself or a "
        "region it lies in. National lines without a service area and policy actors do not count. With a factor "
        "or theme: only bodies that run or take part in a programme for it, themselves or as one of the bodies a "
        "general record describes (kind_of).",
    ),
    "map.explain.recognised": (
        "Een interventie telt mee als een bevinding haar een erkenningsniveau geeft (goed beschreven of hoger) en "
        "een organisatie waarvan het werkgebied de gemeente omvat haar uitvoert of eraan deelneemt.",
        "An intervention counts when a finding gives it a recognition level (well described or higher) and a body "
        "whose service area holds the municipality runs it or takes part in it.",
    ),
    "map.target.hint": (
        "Alleen voor de maat regionale organisaties.",
        "For the measure regional bodies only.",
    ),
    "map.outlines": ("Grenzen tonen", "Show outlines"),
    "map.outline.safety-region": ("Veiligheidsregio's", "Safety regions"),
    "map.outline.ggd-region": ("GGD-regio's", "GGD regions"),
    "map.outline.police-unit": ("Politie-eenheden", "Police units"),
    "map.show": ("Kaart tonen", "Show map"),
    "map.label": ("Kaart van de gemeenten", "Map of the municipalities"),
    "map.municipalities.one": ("gemeente", "municipality"),
    "map.municipalities.many": ("gemeenten", "municipalities"),
    "map.value": ("Waarde", "Value"),
    "map.open": ("Partners zoeken", "Find partners"),
    "map.table": ("De kaart als tabel", "The map as a table"),
    "map.skip": ("Sla de kaart over, naar de tabel", "Skip the map, to the table"),
    "map.none.bodies": (
        "De graaf bevat nog geen regionale organisatie met een werkgebied: elke gemeente telt 0. Zodra "
        "organisaties een werkgebied (operates_in) hebben, kleurt de kaart.",
        "The graph holds no regional body with a service area yet: every municipality counts 0. Once bodies have "
        "a service area (operates_in), the map takes colour.",
    ),
    "map.none.recognised": (
        "De graaf bevat geen interventie met een erkenningsniveau (goed beschreven of hoger): deze kaart kan "
        "daarom niets tonen. Elke gemeente telt 0.",
        "The graph holds no intervention with a recognition level (well described or higher), so this map can "
        "show nothing. Every municipality counts 0.",
    ),
    "map.source": (
        "Grenzen 2025: CBS/PDOK via cartomap/nl, geprojecteerd naar RD New (EPSG:28992).",
        "Boundaries 2025: CBS/PDOK via cartomap/nl, projected to RD New (EPSG:28992).",
    ),
}


def text(lang: Lang, key: str) -> str:
    nl, en = _TEXTS[key]
    return en if lang == "en" else nl


_MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november december".split(),
    "en": "January February March April May June July August September October November December".split(),
}


def long_date(day: date, lang: Lang) -> str:
    """A date as people write it in the language: 3 december 2026, 3 December 2026."""
    return f"{day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def texts(lang: Lang) -> dict[str, str]:
    """Every interface text in one language (templates call t('key'))."""
    return {key: text(lang, key) for key in _TEXTS}


def labelled(thing: BaseModel | Mapping[str, object], lang: Lang) -> str:
    """The label of a graph thing (a use case's result or a row) in the language, falling back to the other
    one, then to a single `label`, then to its id."""

    def value(key: str) -> str | None:
        found = getattr(thing, key, None) if isinstance(thing, BaseModel) else thing.get(key)
        return found if isinstance(found, str) and found else None

    named = in_language({"nl": value("label_nl"), "en": value("label_en")}, lang)
    return named or value("label") or value("id") or ""


def _pick(labels: dict[str, str], lang: Lang, fallback: str) -> str:
    return in_language(labels, lang) or fallback


def class_label(cls: str, lang: Lang) -> str:
    found = load_ontology().classes.get(cls)
    return _pick(found.labels, lang, cls) if found else cls


def rel_label(rel: str, lang: Lang) -> str:
    found = load_ontology().relationships.get(rel)
    return _pick(found.labels, lang, rel) if found else rel


def term_label(scheme: str, notation: str, lang: Lang) -> str:
    """The label of a vocabulary term (a SKOS notation) in its scheme."""
    found = load_ontology().schemes[scheme].concepts.get(notation)
    return _pick(found.labels, lang, notation) if found else notation


def terms(scheme: str, lang: Lang) -> list[tuple[str, str]]:
    """(notation, label) of every term of a scheme, in the scheme's order."""
    return [(n, term_label(scheme, n, lang)) for n in load_ontology().schemes[scheme].concepts]

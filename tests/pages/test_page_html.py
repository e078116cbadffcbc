"""The pages' HTML over HTTP, without a browser: security headers, nothing loaded from elsewhere, payloads
escaped, bad filters answered with a page that names the parameter, and links that keep their filters."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import httpx
import pytest

from tests.pages.conftest import PAYLOAD, Site

PAGES = [
    "/",
    "/?lang=en&domain=social&scheme=CoeusClusterScheme&include_proposed=true",
    "/coverage",
    "/coverage?axis=themes&lang=en",
    "/coverage?intervention=int-xss&target=rf-xss",
    "/coverage?factor=rf-xss&lang=en",
    "/partners?municipality=GM0344&target=rf-xss",
    "/partners?municipality=Den+Haag&signal=vertrouwen&lang=en",
    "/kaart",
    "/kaart?lang=en&measure=recognised&outline=safety-region&outline=ggd-region&outline=police-unit",
    "/kaart?target=rf-xss&include_proposed=true",
    "/explore/int-xss?depth=2",
    "/explore/GM0363?lang=en",
    "/evidence/new",
    "/signin?next=/coverage",
    "/toegankelijkheid",
    "/toegankelijkheid?lang=en",
]
# Where a page could pull something from another host: src, href, action and url(...) in inline HTML.
OUTSIDE = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.I)
# The one way out a page may offer: a link the user follows (an organisation's website), marked rel="external";
# it loads nothing by itself.
LINK_OUT = re.compile(r"""<a class="url" href="https?://[^"<>]*" rel="external noopener noreferrer">""")


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value or "" for name, value in attrs if name in ("href", "src", "action", "formaction")]


def _urls(html: str) -> list[str]:
    """The URLs of the page's elements, as a browser parses them (escaped text holds none)."""
    parser = _Attributes()
    parser.feed(html)
    return parser.urls


@pytest.fixture(scope="module")
def http(site: Site) -> httpx.Client:
    return httpx.Client(base_url=site.url, timeout=60)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_self_contained_escaped_and_under_a_strict_policy(http: httpx.Client, path: str) -> None:
    response = http.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    html = response.text
    assert OUTSIDE.search(LINK_OUT.sub("<a>", html)) is None, OUTSIDE.search(LINK_OUT.sub("<a>", html))
    assert "<img src=x" not in html and "<script>window.__xss" not in html and "<svg onload" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", html) is None  # no inline code


def test_payload_appears_escaped_where_it_is_shown(http: httpx.Client) -> None:
    html = http.get("/coverage?intervention=int-xss&target=rf-xss").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert _urls(html) and not [url for url in _urls(html) if "javascript:" in url]  # only in text, never a URL
    data = http.get("/explore/rf-xss").text
    island = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', data, re.S)
    assert island is not None and "\\u003cimg src=x" in island.group(1) and "<img" not in island.group(1)
    # quotes and further passages beside their claims, escaped like every other text
    assert "&lt;img src=x onerror=window.__xss=1&gt;citaat-factor" in data
    assert "&lt;svg onload=window.__xss=1&gt;tweede-citaat-factor" in data
    assert "&lt;img src=x onerror=window.__xss=1&gt;citaat-pakt-aan" in data
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;citaat-thema" in http.get("/").text
    assert "&lt;img src=x onerror=window.__xss=1&gt;citaat-voert-uit" in http.get("/partners?municipality=GM0344").text


@pytest.mark.parametrize(
    ("path", "status", "named"),
    [
        ("/?domain=nope", 422, "domain='nope'"),
        ("/?scheme=Nope", 422, "scheme='Nope'"),
        ("/coverage?axis=diagonal", 422, "axis='diagonal'"),
        ("/coverage?level=%3Cb%3E", 422, "level='<b>'"),
        ("/coverage?intervention=int-nope&target=rf-xss", 404, "int-nope"),
        ("/coverage?factor=%3Cb%3Enope", 404, "<b>nope"),
        ("/explore/no-such-node", 404, "no-such-node"),
        ("/explore/rf-xss?depth=9", 422, "depth='9'"),
        ("/explore/rf-xss?limit=-1", 422, "limit='-1'"),
        ("/explore/rf-xss?depth=%C2%B2", 422, "depth='²'"),  # a digit to str.isdigit, not to int()
        ("/coverage?page=%C2%B2", 422, "page='²'"),
        ("/partners?municipality=GM0344&limit=%D9%A1%D9%A2", 422, "limit='١٢'"),  # Arabic-Indic 12
        ("/partners?municipality=Atlantis", 404, "Atlantis"),
        ("/partners?municipality=GM0344&target=nope", 404, "target='nope'"),
        ("/kaart?measure=%3Cb%3Ex%3C/b%3E", 422, "measure='<b>x</b>'"),
        ("/kaart?outline=provincie", 422, "outline='provincie'"),
        ("/kaart?target=nope", 422, "target='nope'"),
    ],
)
def test_bad_filters_get_a_page_naming_what_is_wrong(http: httpx.Client, path: str, status: int, named: str) -> None:
    response = http.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    for part in named.split("=", 1):  # the parameter and the value asked, in the page's own sentence
        assert part in unescape(response.text), part
    assert "<b>" not in response.text  # what the request said is shown as text
    assert "content-security-policy" in response.headers


def test_language_switch_links_keep_the_filters(http: httpx.Client) -> None:
    html = http.get("/coverage?domain=social&axis=themes").text
    switch = re.search(r'id="lang-switch" href="([^"]+)"', html)
    assert switch is not None
    assert switch.group(1) == "/coverage?domain=social&amp;axis=themes&amp;lang=en"


def test_vendored_renderer_and_template_are_served(http: httpx.Client) -> None:
    script = http.get("/static/vendor/vis-network/vis-network.min.js")
    assert script.status_code == 200 and "@version 9.1.9" in script.text[:400]
    template = http.get("/evidence/template.csv")
    assert template.text.startswith("factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation")


def test_pages_stay_out_of_the_api_description(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    assert not any(p in paths for p in ("/", "/coverage", "/partners", "/evidence/new"))
    assert PAYLOAD not in str(paths)


def _local(html: str) -> str:
    """The ranked list of the bodies serving the municipality (the page's other sections are not paged)."""
    found = re.search(r'(?s)<ol class="partners" id="partner-list">.*?</ol>', html)
    assert found is not None
    return found.group(0)


def test_big_answers_come_a_page_at_a_time(http: httpx.Client) -> None:
    # proposed links count too: the seed's curation status (which links to a theme are accepted) is not under test
    first = http.get(
        "/partners?municipality=Amsterdam&target=theme-maatschappelijke-weerbaarheid&include_proposed=1&limit=2"
    ).text
    assert _local(first).count('<li class="partner">') == 2
    more = re.search(r'id="more" href="([^"]+)"', first)
    assert more is not None and "limit=4" in unescape(more.group(1))
    assert unescape(more.group(1)).startswith("/partners?municipality=Amsterdam&target=theme-maatschappelijke")
    assert _local(http.get(unescape(more.group(1))).text).count('<li class="partner">') == 4
    assert http.get("/coverage?page=99").status_code == 404
    assert http.get("/coverage?page=0").status_code == 422

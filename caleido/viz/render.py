"""Pages from templates: one Jinja environment, HTML-escaped everywhere, strict about missing values."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from caleido.viz.i18n import Lang, counted, long_date, long_datetime, plural, texts

_ENV = Environment(
    loader=PackageLoader("caleido.viz", "templates"),
    autoescape=True,  # every value is escaped unless a template says otherwise (none does)
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, *, lang: Lang, page: str, switch_url: str, **context: Any) -> str:
    """A page in one language; `switch_url` is the same page, with the same filters, in the other one."""
    other = "en" if lang == "nl" else "nl"
    return _ENV.get_template(template).render(
        lang=lang,
        other=other,
        t=texts(lang),
        tn=lambda n, key: counted(n, key, lang),  # '1 organisatie', '2 organisaties'
        tp=lambda n, key: plural(n, key, lang),  # the noun alone: 'organisatie', 'organisaties'
        when=lambda moment: long_datetime(moment, lang),  # '3 december 2026 06:52'
        day=lambda d: long_date(d, lang),  # '3 december 2026'
        page=page,
        switch_url=switch_url,
        **context,
    )

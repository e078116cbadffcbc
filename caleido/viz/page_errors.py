"""An error as a page shows it: a title and a message in the page's language, from the pages' catalogues.

The API answers the same errors as problem+json in English (clients and scripts read it); a page says it in the
language of the page. An error raised with `.worded(key, ...)` shows that text with its values (a parameter's
name and the values it takes); any other shows the text of its class, the nearest in its ancestry that the
catalogues hold. English pages show the error's own English detail when it was not worded: it is the more
precise, and it is in the page's language already.
"""

from __future__ import annotations

from caleido.errors import CaleidoError
from caleido.graph.usecases.partners import UnknownMunicipality
from caleido.viz.i18n import Lang, text, texts


def _by_class(error: CaleidoError, kind: str, lang: Lang) -> str:
    known = texts(lang)
    for cls in type(error).__mro__:
        key = f"error.{kind}.{cls.__name__}"
        if key in known:
            return known[key]
    return known[f"error.{kind}.CaleidoError"]


def error_title(error: CaleidoError, lang: Lang) -> str:
    return _by_class(error, "title", lang)


def error_message(error: CaleidoError, lang: Lang, detail: str) -> str:
    """What went wrong, in the page's language; `detail` is the English text a client may see."""
    if isinstance(error, UnknownMunicipality):
        message = f"{text(lang, 'municipality.unknown')} '{error.asked}'."
        if error.suggestions:
            either = f" {text(lang, 'or')} ".join(error.suggestions)
            return f"{message} {text(lang, 'municipality.suggest')} {either}?"
        return f"{message} {text(lang, 'municipality.unknown.hint')}"
    if error.page_text is not None:
        key, values = error.page_text
        return text(lang, key).format(**values)
    return detail if lang == "en" else _by_class(error, "detail", lang)

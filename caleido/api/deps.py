"""The FastAPI dependencies every route and page takes, as `Annotated` aliases: the store, the settings,
the key store, the caller's key checked against a role, and a page's language.

They hand out what `create_app` put on `app.state`: `settings` and `keys` when the app is made, `store`
when its lifespan starts. Use them as parameter types, for example::

    @router.post("/findings")
    def add_finding(body: FindingIn, store: StoreDep, key: Researcher) -> ...:
        ...  # record key.agent ("key:<id>:<role>") as added_by

A key is sent as ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``; a missing, malformed, unknown or
revoked key is 401 (with an RFC 6750 challenge), a role too low 403. Reads also take the key from the
cookie the pages' sign-in form sets (HttpOnly, SameSite=Strict); writes take it from a header only, so no
page elsewhere can have a browser write with a signed-in user's key. A key is never read from the URL.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from caleido.api.keys import KEY_PREFIX, KeyInfo, KeyStore, Role, parse_role
from caleido.errors import Forbidden, Unauthorized
from caleido.graph.store import GraphStore
from caleido.settings import Settings
from caleido.viz.i18n import Lang

T = TypeVar("T")


def _state(request: Request, name: str, kind: type[T]) -> T:
    value = getattr(request.app.state, name, None)
    if not isinstance(value, kind):  # a wiring mistake in the app, reported as a server error
        raise RuntimeError(f"app.state.{name} is not set; make the app with caleido.api.app.create_app")
    return value


def app_settings(request: Request) -> Settings:
    return _state(request, "settings", Settings)


def app_keys(request: Request) -> KeyStore:
    return _state(request, "keys", KeyStore)


def app_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store  # a Protocol, so no isinstance check
    return store


SettingsDep = Annotated[Settings, Depends(app_settings)]
KeysDep = Annotated[KeyStore, Depends(app_keys)]
StoreDep = Annotated[GraphStore, Depends(app_store)]


# ---------------------------------------------------------------- the caller's key

# Declared as security schemes so /docs offers "Authorize" and the OpenAPI document says which routes need a key.
_bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearerKey",
    bearerFormat="cal_<id>_<secret>",
    description="An API key: `Authorization: Bearer KEY`. Created with `caleido keys create`.",
)
_header_scheme = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="apiKeyHeader",
    description="The same API key in an `X-API-Key` header, for clients that cannot set Authorization.",
)
_HOW_TO_SEND = "Send it as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"
KEY_COOKIE = "caleido_key"  # set by the pages' sign-in form (caleido.api.pages)
_KEY_IN_URL = re.compile(rf"{KEY_PREFIX}_[a-z0-9]{{8}}_")


def _presented_key(request: Request, *, cookie: bool = False) -> str | None:
    """The key the client sent (with `cookie`, also the sign-in cookie), None when it sent none; 401 when the
    headers are unusable or a key is in the URL."""
    if _KEY_IN_URL.search(request.url.query):
        raise Unauthorized(
            "An API key was sent in the URL, where it is never read: URLs end up in logs and browser history. "
            f"Have that key revoked ('caleido keys revoke ID') and send the new one in a header. {_HOW_TO_SEND}.",
            error="invalid_request",
        )
    authorization = request.headers.get("authorization")
    header_key = request.headers.get("x-api-key")
    bearer_key: str | None = None
    if authorization is not None:
        scheme, _, credentials = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise Unauthorized(
                f"The Authorization header must be 'Bearer KEY'. {_HOW_TO_SEND}.", error="invalid_request"
            )
        bearer_key = credentials.strip()
    if header_key is not None:
        header_key = header_key.strip()
        if not header_key:
            raise Unauthorized(f"The X-API-Key header is empty. {_HOW_TO_SEND}.", error="invalid_request")
    if bearer_key is not None and header_key is not None and bearer_key != header_key:
        raise Unauthorized(
            "The Authorization and X-API-Key headers carry different keys; send the key in one of them.",
            error="invalid_request",
        )
    if bearer_key is not None or header_key is not None or not cookie:
        return bearer_key if bearer_key is not None else header_key
    return request.cookies.get(KEY_COOKIE, "").strip() or None


def _authenticate(request: Request, keys: KeyStore, plain_key: str) -> KeyInfo:
    info = keys.match(plain_key)
    if info is None:
        raise Unauthorized(
            "The API key is not valid. Check that it was copied whole (it starts with 'cal_'), "
            "or ask an admin for a new key.",
            error="invalid_token",
        ).worded("error.key.invalid")
    if not info.active:
        raise Unauthorized(
            f"The API key {info.key_id} ('{info.name}') was revoked at {info.revoked_at}; ask an admin for a new key.",
            error="invalid_token",
        ).worded("error.key.revoked", id=info.key_id, name=info.name, revoked_at=info.revoked_at)
    request.state.api_key = info  # lets logging and middleware say who made the request, without the secret
    return info


def _authorize(info: KeyInfo, needed: Role) -> KeyInfo:
    if not info.role.allows(needed):
        raise Forbidden(
            f"This needs a key with role {needed.value} or higher; key {info.key_id} ('{info.name}') has "
            f"role {info.role.value}. Ask an admin for a key with role {needed.value}."
        )
    return info


def require_role(role: str | Role) -> Callable[..., KeyInfo]:
    """A dependency that returns the caller's KeyInfo when its key has `role` or a higher one.

    401 (with WWW-Authenticate) when no key, a malformed, unknown or revoked key is sent; 403 when the key's
    role is too low. A plain `def`, so FastAPI runs the SQLite lookup in its thread pool, off the event loop.
    The same function is returned for the same role, so `app.dependency_overrides[require_role("curator")]`
    works.
    """
    return _role_dependency(parse_role(role))  # a typo in a route's role fails at import time, not on a request


@functools.cache  # keyed on the parsed Role, so "curator" and Role.CURATOR give the one same dependency
def _role_dependency(needed: Role) -> Callable[..., KeyInfo]:
    def dependency(
        request: Request,
        keys: KeysDep,
        # Only for the OpenAPI document (security schemes); the headers are read by _presented_key.
        _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer_scheme)],
        _header: Annotated[str | None, Security(_header_scheme)],
    ) -> KeyInfo:
        plain_key = _presented_key(request)
        if plain_key is None:
            raise Unauthorized(
                f"This needs an API key with role {needed.value} or higher. {_HOW_TO_SEND}; an admin creates "
                f"one with 'caleido keys create --role {needed.value} --name NAME'."
            )
        return _authorize(_authenticate(request, keys, plain_key), needed)

    dependency.__name__ = f"require_{needed.value}"
    return dependency


def key_with_role(request: Request, keys: KeyStore, plain_key: str, role: Role) -> KeyInfo:
    """The info of a key a page's form posted, when it has `role` or higher; 401 or 403 as for the API."""
    return _authorize(_authenticate(request, keys, plain_key), role)


def reader_key(request: Request, keys: KeyStore, plain_key: str) -> KeyInfo:
    """The info of a key that may read (every active key may); 401 for a malformed, unknown or revoked one."""
    return _authorize(_authenticate(request, keys, plain_key), Role.READER)


def presented_reader(request: Request, keys: KeysDep) -> KeyInfo | None:
    """The caller's key (a header or the sign-in cookie) when one was sent, checked (401 when it is wrong);
    None when none was sent."""
    plain_key = _presented_key(request, cookie=True)
    return None if plain_key is None else reader_key(request, keys, plain_key)


def optional_reader(request: Request, keys: KeysDep, settings: SettingsDep) -> KeyInfo | None:
    """The dependency for read routes and pages: open by default, the reader role when the settings say reads
    need a key.

    A key that is sent is always checked, also when reads are open, so a client with a wrong or revoked key
    finds out at once instead of on its first write.
    """
    info = presented_reader(request, keys)
    if info is None and settings.require_key_for_reads:
        raise Unauthorized(
            f"This service requires an API key for reading. {_HOW_TO_SEND}; an admin creates one with "
            "'caleido keys create --role reader --name NAME'."
        )
    return info


Reader = Annotated[KeyInfo | None, Depends(optional_reader)]
KeyIfSent = Annotated[KeyInfo | None, Depends(presented_reader)]
Researcher = Annotated[KeyInfo, Depends(require_role(Role.RESEARCHER))]
Curator = Annotated[KeyInfo, Depends(require_role(Role.CURATOR))]


# ---------------------------------------------------------------- pages


def language(request: Request) -> Lang:
    """A page's language: English when asked (`lang=en`), else Dutch."""
    return "en" if request.query_params.get("lang") == "en" else "nl"


PageLang = Annotated[Lang, Depends(language)]


def page_curator(request: Request, keys: KeysDep) -> KeyInfo:
    """The caller of a curator's page (the desk): the sign-in cookie's key, or a header's, with the curator role.
    401 when none is sent (the page then answers with the sign-in form), 403 when its role is too low."""
    info = presented_reader(request, keys)
    if info is None:
        raise Unauthorized("The curator's desk needs a key with role curator or higher: sign in with it.")
    return _authorize(info, Role.CURATOR)


PageCurator = Annotated[KeyInfo, Depends(page_curator)]

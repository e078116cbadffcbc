"""Settings from the environment, with defaults that work on a laptop."""

from __future__ import annotations

import getpass

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_STORE = "embedded:./data/caleido"


def _default_agent() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALEIDO_", extra="ignore")

    store: str = DEFAULT_STORE
    user: str = _default_agent()  # recorded as added_by on what the CLI loads


def get_settings() -> Settings:
    return Settings()

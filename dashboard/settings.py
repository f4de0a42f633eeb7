"""The one Settings object. Every setting is an environment variable documented in README.md."""

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'ics.db'}"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, got {value!r}")


def _int(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        number = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if number < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {number}")
    return number


# name -> one-line description; README.md documents each (a test checks).
SETTINGS_DOC: dict[str, str] = {
    "DATABASE_URL": "SQLAlchemy URL of the database.",
    "ICS_DEMO_ON_NEW_DATABASE": "Load the demo history into a new, empty database on first start.",
    "ICS_MAX_IMPORT_BYTES": "Largest ICS document the importer accepts, in bytes.",
    "ICS_CACHE_TTL_SECONDS": "How long the dashboard caches database reads.",
}


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    demo_on_new_database: bool = True
    max_import_bytes: int = 10 * 1024 * 1024
    cache_ttl_seconds: int = 60
    data_dir: Path = field(default=DATA_DIR)

    @classmethod
    def from_env(cls) -> "Settings":
        """Read the environment; raises ValueError with a one-line message on a bad value."""
        return cls(
            database_url=os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            demo_on_new_database=_bool("ICS_DEMO_ON_NEW_DATABASE", True),
            max_import_bytes=_int("ICS_MAX_IMPORT_BYTES", 10 * 1024 * 1024, 1024),
            cache_ttl_seconds=_int("ICS_CACHE_TTL_SECONDS", 60, 0),
        )


def get_settings() -> Settings:
    return Settings.from_env()

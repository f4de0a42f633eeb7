"""The one Settings object. Every setting is an environment variable documented in README.md."""

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from models.scales import RECEIVED_STATES, ReviewState, Role

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


def _share(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number between 0 and 1, got {raw!r}") from None
    if not 0 < number <= 1:
        raise ValueError(f"{name} must be more than 0 and at most 1, got {number:g}")
    return number


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


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated addresses or CIDR blocks (``10.0.0.0/8, ::1``). Raises ValueError naming the bad entry."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or CIDR block") from None
    return tuple(networks)


def _networks(name: str) -> tuple[Network, ...]:
    try:
        return parse_networks(os.environ.get(name, ""))
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


# name -> one-line description; README.md documents each (a test checks).
SETTINGS_DOC: dict[str, str] = {
    "DATABASE_URL": "SQLAlchemy URL of the database.",
    "ICS_DEMO_ON_NEW_DATABASE": "Load the demo history into a new, empty database on first start.",
    "ICS_MAX_IMPORT_BYTES": "Largest ICS document or spreadsheet of updates an import accepts, in bytes.",
    "ICS_CACHE_TTL_SECONDS": "How long the dashboard caches database reads.",
    "ICS_ANONYMOUS_VIEW": "Let visitors who are not signed in view the dashboard (writing always needs a sign-in).",
    "ICS_SIGNIN_MAX_FAILURES": "Failed local sign-ins in a row that lock an account.",
    "ICS_SIGNIN_LOCK_MINUTES": "How long a locked local account stays locked.",
    "ICS_TRUSTED_PROXIES": "Proxies (addresses or CIDR blocks) whose X-Forwarded-For header names the client.",
    "ICS_OIDC_DEFAULT_ROLE": "Access for an OIDC identity with no account here: empty (none) or viewer.",
    "ICS_SESSION_SECRET": "Key that signs local sign-in cookies; the same on every replica.",
    "ICS_DUE_DAYS": "Days after a quarter ends that its status updates fall due.",
    "ICS_INDICATOR_ON_TARGET": "Share of the way to its target at which an indicator is rated on target.",
    "ICS_COUNT_UPDATES": "Which updates the dashboard counts: `submitted` (submitted and approved) or `approved` only.",
}

# ICS_COUNT_UPDATES: the state named, and every later state that still counts as received.
COUNT_CHOICES: dict[str, tuple[str, ...]] = {
    ReviewState.SUBMITTED.value: RECEIVED_STATES,
    ReviewState.APPROVED.value: (ReviewState.APPROVED.value,),
}

MIN_SECRET_CHARS = 32

# ICS_OIDC_DEFAULT_ROLE: "" (no access) or the role an OIDC identity with no account gets. Only viewing needs
# no account row: every other role is bound to agencies or working groups an admin sets.
OIDC_DEFAULT_ROLES = ("", Role.VIEWER.value)


def _oidc_role(name: str) -> str:
    raw = os.environ.get(name, "").strip().lower()
    if raw not in OIDC_DEFAULT_ROLES:
        raise ValueError(f"{name} must be empty (no access) or {Role.VIEWER.value}, got {raw!r}")
    return raw


def _secret(name: str) -> str:
    raw = os.environ.get(name, "").strip()
    if raw and len(raw) < MIN_SECRET_CHARS:
        raise ValueError(f"{name} must be at least {MIN_SECRET_CHARS} characters (or empty for a key per process)")
    return raw


def _choice(name: str, default: str, choices: dict[str, tuple[str, ...]]) -> str:
    raw = os.environ.get(name, "").strip().lower() or default
    if raw not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    demo_on_new_database: bool = True
    max_import_bytes: int = 10 * 1024 * 1024
    cache_ttl_seconds: int = 60
    anonymous_view: bool = True
    signin_max_failures: int = 5
    signin_lock_minutes: int = 15
    trusted_proxies: tuple[Network, ...] = ()
    oidc_default_role: str = ""
    session_secret: str = field(default="", repr=False)
    due_days: int = 30
    count_updates: str = ReviewState.SUBMITTED.value
    indicator_on_target: float = 0.9
    data_dir: Path = field(default=DATA_DIR)

    @classmethod
    def from_env(cls) -> "Settings":
        """Read the environment; raises ValueError with a one-line message on a bad value."""
        return cls(
            database_url=os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            demo_on_new_database=_bool("ICS_DEMO_ON_NEW_DATABASE", True),
            max_import_bytes=_int("ICS_MAX_IMPORT_BYTES", 10 * 1024 * 1024, 1024),
            cache_ttl_seconds=_int("ICS_CACHE_TTL_SECONDS", 60, 0),
            anonymous_view=_bool("ICS_ANONYMOUS_VIEW", True),
            signin_max_failures=_int("ICS_SIGNIN_MAX_FAILURES", 5, 1),
            signin_lock_minutes=_int("ICS_SIGNIN_LOCK_MINUTES", 15, 1),
            trusted_proxies=_networks("ICS_TRUSTED_PROXIES"),
            oidc_default_role=_oidc_role("ICS_OIDC_DEFAULT_ROLE"),
            session_secret=_secret("ICS_SESSION_SECRET"),
            due_days=_int("ICS_DUE_DAYS", 30, 0),
            indicator_on_target=_share("ICS_INDICATOR_ON_TARGET", 0.9),
            count_updates=_choice("ICS_COUNT_UPDATES", ReviewState.SUBMITTED.value, COUNT_CHOICES),
        )

    @property
    def counted_states(self) -> tuple[str, ...]:
        """The review states the dashboard counts."""
        return COUNT_CHOICES[self.count_updates]

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

# The settings of ``notify`` (e-mail), read by it alone (``MailSettings``); README.md documents each too.
MAIL_SETTINGS_DOC: dict[str, str] = {
    "ICS_BASE_URL": "The dashboard's address as its users open it; every link in an e-mail starts with it.",
    "ICS_SMTP_HOST": "The SMTP server `notify` sends through; unset, `notify` sends nothing and says so.",
    "ICS_SMTP_PORT": "Its port (default 25, 587 with `starttls`, 465 with `ssl`).",
    "ICS_SMTP_SECURITY": "`none`, `starttls` or `ssl`.",
    "ICS_SMTP_USER": "The user to log in as, if the server asks for one.",
    "ICS_SMTP_PASSWORD": "Its password (or `ICS_SMTP_PASSWORD` in `.streamlit/secrets.toml`).",
    "ICS_SMTP_TIMEOUT_SECONDS": "How long one SMTP step may take before the send counts as failed.",
    "ICS_MAIL_FROM": "The sender of every message, e.g. `ICS Progress <ics-noreply@state.gov>`.",
    "ICS_REMIND_DAYS_BEFORE": 'Days before the due date that the "due soon" reminder goes out.',
    "ICS_REMIND_EVERY_DAYS": "Days between two reminders of an overdue update.",
    "ICS_REMIND_MAX": "Reminders of an overdue update at most.",
    "ICS_ESCALATE_AFTER_DAYS": "Days overdue after which a working group's chair hears who has not reported.",
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


SMTP_SECURITY = {"none": 25, "starttls": 587, "ssl": 465}
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"


def _secret_file_value(name: str) -> str:
    """``name`` from ``.streamlit/secrets.toml`` (top level), or ""."""
    import tomllib

    try:
        with SECRETS_FILE.open("rb") as handle:
            value = tomllib.load(handle).get(name, "")
    except FileNotFoundError:
        return ""
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{SECRETS_FILE.name} could not be read ({type(exc).__name__})") from None
    return str(value)


def _address(name: str) -> str:
    from email.utils import parseaddr

    raw = " ".join(os.environ.get(name, "").split())
    if raw and "@" not in parseaddr(raw)[1]:
        raise ValueError(f"{name} must be an e-mail address, such as ICS Progress <ics@example.gov>; got {raw[:80]!r}")
    return raw


def _base_url(name: str) -> str:
    raw = os.environ.get(name, "").strip() or "http://localhost:8501"
    if not raw.startswith(("http://", "https://")) or any(c in raw for c in ' "<>\n\r'):
        raise ValueError(f"{name} must be the dashboard's address, such as https://ics.example.gov; got {raw[:80]!r}")
    return raw.rstrip("/")


@dataclass(frozen=True)
class MailSettings:
    """What ``notify`` needs: the SMTP server, the sender, the links' base and the reminder rules. Read only by
    ``notify``, so a bad mail setting never stops the dashboard."""

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_security: str = "none"
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_timeout_seconds: int = 20
    mail_from: str = ""
    base_url: str = "http://localhost:8501"
    remind_days_before: int = 7
    remind_every_days: int = 7
    remind_max: int = 4
    escalate_after_days: int = 14

    @classmethod
    def from_env(cls) -> "MailSettings":
        """Read the environment; raises ValueError with a one-line message on a bad value."""
        security = os.environ.get("ICS_SMTP_SECURITY", "").strip().lower() or "none"
        if security not in SMTP_SECURITY:
            raise ValueError(f"ICS_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, got {security!r}")
        port = _int("ICS_SMTP_PORT", SMTP_SECURITY[security], 1)
        if port > 65535:
            raise ValueError(f"ICS_SMTP_PORT must be a port number from 1 to 65535, got {port}")
        return cls(
            smtp_host=os.environ.get("ICS_SMTP_HOST", "").strip(),
            smtp_port=port,
            smtp_security=security,
            smtp_user=os.environ.get("ICS_SMTP_USER", "").strip(),
            smtp_password=os.environ.get("ICS_SMTP_PASSWORD", "") or _secret_file_value("ICS_SMTP_PASSWORD"),
            smtp_timeout_seconds=min(_int("ICS_SMTP_TIMEOUT_SECONDS", 20, 1), 300),
            mail_from=_address("ICS_MAIL_FROM"),
            base_url=_base_url("ICS_BASE_URL"),
            remind_days_before=_int("ICS_REMIND_DAYS_BEFORE", 7, 0),
            remind_every_days=_int("ICS_REMIND_EVERY_DAYS", 7, 1),
            remind_max=_int("ICS_REMIND_MAX", 4, 0),
            escalate_after_days=_int("ICS_ESCALATE_AFTER_DAYS", 14, 1),
        )

    def check_sending(self) -> None:
        """ValueError (one sentence) unless a server and a sender are set."""
        if not self.smtp_host:
            raise ValueError("No SMTP server is set, so nothing was sent: set ICS_SMTP_HOST and ICS_MAIL_FROM.")
        if not self.mail_from:
            raise ValueError("No sender is set, so nothing was sent: set ICS_MAIL_FROM.")

from pathlib import Path

import pytest

from dashboard.settings import DEFAULT_DATABASE_URL, MAIL_SETTINGS_DOC, SETTINGS_DOC, MailSettings, Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SETTINGS_DOC | MAIL_SETTINGS_DOC))
def test_every_setting_is_documented_in_the_readme(name: str) -> None:
    assert f"| `{name}` |" in README


def test_the_import_size_limit_is_documented_for_every_file_it_bounds() -> None:
    # The same setting bounds an ICS document (Import strategy, import-ics) and a spreadsheet of updates
    # (the upload on Submit, updates import).
    row = next(line for line in README.splitlines() if line.startswith("| `ICS_MAX_IMPORT_BYTES` |"))
    for described in (row, SETTINGS_DOC["ICS_MAX_IMPORT_BYTES"]):
        assert "ICS document" in described and "spreadsheet" in described, described


def test_every_settings_field_has_a_documented_variable() -> None:
    assert len(SETTINGS_DOC) == len(Settings.__dataclass_fields__) - 1  # data_dir is not configurable
    assert len(MAIL_SETTINGS_DOC) == len(MailSettings.__dataclass_fields__)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTINGS_DOC:
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.demo_on_new_database is True
    assert settings.max_import_bytes == 10 * 1024 * 1024
    assert settings.anonymous_view is True
    assert settings.counted_states == ("submitted", "approved")
    assert settings.trusted_proxies == ()  # proxy headers ignored
    assert settings.oidc_default_role == ""  # an OIDC identity with no account gets no access


def test_trusted_proxies_are_addresses_and_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICS_TRUSTED_PROXIES", " 10.0.0.0/8, 192.0.2.1 ,::1")
    assert [str(n) for n in Settings.from_env().trusted_proxies] == ["10.0.0.0/8", "192.0.2.1/32", "::1/128"]


def test_counting_only_approved_updates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICS_COUNT_UPDATES", "Approved")
    assert Settings.from_env().counted_states == ("approved",)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ICS_DEMO_ON_NEW_DATABASE", "maybe", "ICS_DEMO_ON_NEW_DATABASE must be true or false"),
        ("ICS_MAX_IMPORT_BYTES", "ten", "ICS_MAX_IMPORT_BYTES must be a whole number"),
        ("ICS_CACHE_TTL_SECONDS", "-1", "ICS_CACHE_TTL_SECONDS must be at least 0"),
        ("ICS_ANONYMOUS_VIEW", "perhaps", "ICS_ANONYMOUS_VIEW must be true or false"),
        ("ICS_SIGNIN_MAX_FAILURES", "0", "ICS_SIGNIN_MAX_FAILURES must be at least 1"),
        ("ICS_DUE_DAYS", "soon", "ICS_DUE_DAYS must be a whole number"),
        ("ICS_COUNT_UPDATES", "drafts", "ICS_COUNT_UPDATES must be one of submitted, approved"),
        ("ICS_TRUSTED_PROXIES", "10.0.0.1, proxy.internal", "ICS_TRUSTED_PROXIES: 'proxy.internal' is not an IP"),
        ("ICS_OIDC_DEFAULT_ROLE", "admin", "ICS_OIDC_DEFAULT_ROLE must be empty"),
    ],
)
def test_bad_values_name_the_setting(monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        Settings.from_env()


def test_readme_has_exactly_two_setup_commands() -> None:
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    assert setup.count("```bash") == 2

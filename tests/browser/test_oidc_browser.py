"""OpenID Connect sign-in in headless Chromium, against a mock provider on loopback (``oidc-provider-mock``).

The app gets an ``[auth]`` secrets file through ``--secrets.files``; the identity the provider returns is
matched by e-mail to the app's user table, so the chair lands with the chair's pages.
"""

import threading
from collections.abc import Iterator
from pathlib import Path

import oidc_provider_mock
import pytest
import werkzeug.serving
from playwright.sync_api import Page, expect

from tests.browser.conftest import StartApp, _free_port
from tests.browser.helpers import go, nav_titles, prepare_database, screenshot, wait_for_app_idle

pytestmark = pytest.mark.browser

CHAIR = "chair@example.gov"


@pytest.fixture
def provider() -> Iterator[str]:
    """The mock OpenID provider on 127.0.0.1 (any client id and secret; a new subject's e-mail is the subject)."""
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_oidc_sign_in_maps_the_identity_to_its_role(
    start_app: StartApp, page: Page, provider: str, tmp_path: Path
) -> None:
    url = prepare_database(tmp_path / "oidc.db", [(CHAIR, "chair", [], ["Goal 1"])])
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{base}/oauth2callback"\n'
        'cookie_secret = "browser-test-cookie-secret-0123456789"\n'
        'client_id = "ics-dashboard"\n'
        'client_secret = "browser-test"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    assert start_app(env={"DATABASE_URL": url}, args=[f"--secrets.files={secrets}"], port=port) == base

    page.goto(f"{base}/account")
    wait_for_app_idle(page, timeout_ms=60_000)
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)  # no local form with single sign-on
    page.get_by_role("button", name="Sign in with your organisation").click()

    page.wait_for_url(f"{provider}/oauth2/authorize**")
    page.locator('input[name="sub"]').fill(CHAIR)
    page.get_by_role("button", name="Authorize").click()

    page.wait_for_url(f"{base}/**")
    wait_for_app_idle(page, timeout_ms=60_000)
    go(page, "Account")
    expect(page.get_by_text("You are signed in as:")).to_be_visible()
    expect(page.locator('[data-testid="stMain"]').get_by_text(CHAIR, exact=True)).to_be_visible()
    expect(page.get_by_text("Working-group chair", exact=True)).to_be_visible()
    assert {"Review", "My to-do", "Account"} <= set(nav_titles(page)), nav_titles(page)
    assert "Submit update" not in nav_titles(page) and "Admin" not in nav_titles(page)
    screenshot(page, "/tmp/shots/oidc_signed_in.png")

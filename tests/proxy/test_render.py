"""The test rendering of the shipped nginx file changes only the listeners, certificates, redirect and upstream
ports: every limit, header and location the tests exercise is the shipped one."""

import pytest

from tests.proxy import nginx

SHIPPED = nginx.SHIPPED.read_text()


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")}


def test_rendering_drops_only_tls_the_redirect_and_the_upstream_ports() -> None:
    rendered = nginx.render(SHIPPED, port=18080, upstream_ports=[18501, 18502])
    dropped = _lines(SHIPPED) - _lines(rendered)
    for line in dropped:
        assert line.startswith(("listen ", "ssl_", "server 127.0.0.1:", "server_name", "return 301", "server {", "}"))
    assert "listen 127.0.0.1:18080;" in rendered
    assert "server 127.0.0.1:18501" in rendered and "server 127.0.0.1:18502" in rendered
    assert "443" not in rendered and "ssl" not in rendered.replace("TLS", "")
    assert rendered.count("server_name ics.example.gov;") == 1  # the TLS server stays, the redirect goes


@pytest.mark.parametrize(
    "directive",
    [
        "limit_req zone=ics_upload burst=5 nodelay;",
        "limit_conn ics_upload_conn 2;",
        "client_max_body_size 11m;",
        "proxy_set_header X-Forwarded-For $remote_addr;",
        "proxy_cookie_flags ~ secure samesite=lax;",
        "hash $ics_route consistent;",
        "proxy_read_timeout 1h;",
        "proxy_set_header Upgrade $http_upgrade;",
    ],
)
def test_the_rules_the_tests_rely_on_are_in_the_shipped_file_and_survive_rendering(directive: str) -> None:
    assert directive in SHIPPED
    assert directive in nginx.render(SHIPPED, port=18080, upstream_ports=[18501])


def test_the_client_written_forwarded_header_is_never_passed_on() -> None:
    assert "$proxy_add_x_forwarded_for" not in _lines(SHIPPED).__str__()


@pytest.mark.parametrize(
    ("edit", "what"),
    [
        (("listen 443 ssl http2;", "listen 8443;"), "IPv4 TLS listener"),
        (("return 301 https://$host$request_uri;", "return 404;"), "redirect"),
        (("server 127.0.0.1:85", "server app:85"), "upstream servers"),
    ],
)
def test_a_shipped_file_of_another_shape_is_refused_rather_than_half_tested(edit: tuple[str, str], what: str) -> None:
    changed = SHIPPED.replace(*edit)
    assert changed != SHIPPED
    with pytest.raises(nginx.ConfigShapeError, match=what):
        nginx.render(changed, port=18080, upstream_ports=[18501])

"""Headers and host checks that hold on every response."""

from tests.helpers import post_form


def test_strict_csp_and_friends_on_every_response(client):
    for url in ("/", "/account/login", "/healthz", "/nope"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "base-uri 'none'" in csp  # an injected <base> cannot send relative links and forms elsewhere
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS


def test_hsts_over_https(client):
    assert "max-age=" in client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_templates_have_no_inline_script_or_style_attributes():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    templates = list(root.rglob("*.html"))
    assert len(templates) > 50
    for path in templates:
        if path.parts[-2] == "mail":
            continue  # email clients, not browsers under our CSP
        text = path.read_text()
        assert not re.search(r"<script>[^<]|\son[a-z]+=|\sstyle=", text), path


def test_unknown_hosts_are_refused_when_trusted_hosts_are_set(app, client):
    app.config["TRUSTED_HOSTS"] = ["portal.city.example.jp"]
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "portal.city.example.jp"}).status_code == 200


def test_uploads_larger_than_the_request_limit_get_a_friendly_413(app, client, auth, factory):
    import io

    app.config["MAX_CONTENT_LENGTH"] = 1000
    meeting = factory.meeting()
    auth.as_role(client, "editor")
    response = post_form(client, f"/admin/documents/new?meeting={meeting.id}",
                         {"file": (io.BytesIO(b"%PDF-" + b"0" * 5000), "big.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 413 and "ファイルが大きすぎます" in response.get_data(as_text=True)


def test_the_session_cookie_has_the_host_prefix_when_it_is_secure(app, tmp_path, auth):
    import re

    from tests.helpers import PASSWORD, sibling_app

    auth.create(email="taro@example.jp")
    secure = sibling_app(app, tmp_path, SESSION_COOKIE_SECURE=True)
    client, https = secure.test_client(), "https://localhost"
    page = client.get("/account/login", base_url=https)
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Secure" in cookie and "Path=/;" in cookie + ";"
    assert "Domain=" not in cookie
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.get_data(as_text=True)).group(1)
    signed_in = client.post("/account/login", base_url=https, headers={"Referer": f"{https}/account/login"},
                            data={"email": "taro@example.jp", "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    assert client.get("/account/me", base_url=https).status_code == 200  # the prefixed cookie carries the session

    assert app.config["SESSION_COOKIE_NAME"] == "session"  # the test configuration (and `make run`): plain HTTP
    assert app.test_client().get("/account/login").headers["Set-Cookie"].startswith("session=")


def test_no_server_banner_from_the_portal(client):
    assert "Server" not in client.get("/").headers

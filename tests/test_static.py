"""Static files carry a content hash in their URL and long cache headers; vendor assets are installed."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_asset_urls_carry_a_content_hash_and_are_cached_long(client):
    html = client.get("/meetings").get_data(as_text=True)  # a page with an htmx list: it loads htmx too
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert {u.split("?")[0] for u in urls} >= {
        "/static/css/portal.css", "/static/vendor/htmx/htmx.min.js", "/static/vendor/design-tokens/tokens.css",
    }
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cache_control.max_age >= 30 * 24 * 3600
        assert response.cache_control.immutable and not response.cache_control.no_cache, url  # never asked again
    english = client.get("/en/").get_data(as_text=True)
    assert '"/static/css/portal.css?v=' in english  # one URL per file whatever the language


def test_vendor_assets_come_from_the_npm_packages_not_git():
    import json
    import subprocess

    package = json.loads((ROOT / "package.json").read_text())
    assert package["dependencies"]["htmx.org"].startswith("2.0.")
    assert "@digital-go-jp/design-tokens" in package["dependencies"]
    tracked = subprocess.run(["git", "ls-files", "static/vendor"], cwd=ROOT, capture_output=True, text=True)
    assert tracked.stdout == ""
    assert "htmx" in (ROOT / "static/vendor/htmx/htmx.min.js").read_text()[:2000].lower()

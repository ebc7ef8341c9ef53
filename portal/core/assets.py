"""Static files with a content hash in the URL and long cache headers.

A handful of files, hashed once per process: simpler than a build step that
renames files, and the URL still changes whenever the content does.
"""

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, current_app, request


@cache
def _digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def asset_url(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    try:
        version = _digest(str(path), path.stat().st_mtime)
    except FileNotFoundError:
        version = "missing"
    root = request.environ.get("portal.root", request.script_root)
    return f"{root}/static/{filename}?v={version}"


def init_app(app: Flask) -> None:
    app.jinja_env.globals["asset_url"] = asset_url

    @app.after_request
    def cache_static(response):
        if request.endpoint == "static" and "v" in request.args and response.status_code == 200:
            response.cache_control.no_cache = None  # Flask's send_file says "revalidate"; a hashed URL never changes
            response.cache_control.public = True
            response.cache_control.max_age = app.config["STATIC_MAX_AGE"]
            response.cache_control.immutable = True
        return response

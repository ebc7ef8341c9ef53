"""The two commands of the README: `make run` serves the portal, and the README says what each does."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_readme_gives_the_two_commands_and_what_they_do():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "http://127.0.0.1:5000" in readme


@pytest.mark.slow
def test_make_run_serves_the_home_page_on_loopback():
    port = free_port()
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    body, deadline = None, time.monotonic() + 180
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)  # polling until the server is up, not a timing assertion
        assert body is not None, process.stdout.read().decode() if process.poll() is not None else "no answer"
        assert '<html lang="ja">' in body and "協創ポータル" in body
        with urllib.request.urlopen(url + "en/meetings", timeout=5) as response:
            assert "Meetings and events" in response.read().decode()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_make_test_runs_the_sqlite_pass_without_the_postgresql_url():
    """CI exports TEST_DATABASE_URL for the second pass; the first pass must still be SQLite."""
    result = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "TEST_DATABASE_URL": "postgresql+psycopg://x@127.0.0.1:1/postgres"})
    runs = [line for line in result.stdout.splitlines() if "pytest" in line]
    assert runs and "env -u TEST_DATABASE_URL" in runs[0]


def test_make_test_quick_leaves_out_the_browser_and_slow_tests_on_sqlite():
    result = subprocess.run(["make", "-n", "test-quick"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "TEST_DATABASE_URL": "postgresql+psycopg://x@127.0.0.1:1/postgres"})
    [run] = [line for line in result.stdout.splitlines() if "pytest" in line]
    assert run.startswith("env -u TEST_DATABASE_URL ") and '-m "not slow and not browser"' in run

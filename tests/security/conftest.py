"""The hostile-input suite: every test here also fails if any request answered with a server error."""

import pytest
from flask import request_finished


@pytest.fixture(autouse=True)
def no_server_errors():
    """Collects every 5xx answered during the test, from any app, and fails the test if there was one."""
    errors = []

    def finished(sender, response, **extra):
        if response.status_code >= 500:
            from flask import request

            errors.append(f"{request.method} {request.full_path} -> {response.status_code}")

    request_finished.connect(finished)
    yield errors
    request_finished.disconnect(finished)
    assert errors == [], errors

"""What the issue asks of every response's headers (app/security.py)."""

import re


def directives(response) -> dict[str, str]:
    """The response's Content-Security-Policy, directive by directive."""
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


def assert_policy(response, what=""):
    csp = directives(response)
    assert csp["script-src"] == "'self'", what
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'none'", what
    assert csp["frame-ancestors"] == "'none'", what
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"], what
    assert response.headers["X-Content-Type-Options"] == "nosniff", what
    assert response.headers["Referrer-Policy"] in {"strict-origin", "same-origin", "no-referrer"}, what
    assert "camera=()" in response.headers["Permissions-Policy"], what
    assert not re.search(r"\d", response.headers.get("Server", "")), what  # no version

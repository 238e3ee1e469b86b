"""The back office (``/manage/``): its pages, who may open them, the ``flask users`` commands.

Helpers of these tests only (they would sit well in tests/helpers):

- ``browser(app)``: a test client whose every request runs in an application context of its
  own, as each request does in production. The ``app`` fixture holds one context for the
  whole test, and ``g`` lives in it: Flask-Login keeps the signed-in account there
  (``g._login_user``), so with the plain client a second client in the same test is served
  as the first one's account.
- ``signed_in(app, account)``: such a client, signed in through the sign-in form.
- ``reload(row)``: the row as the database holds it now (each request commits in a session of
  its own, so the test's session may still hold what it read before).
- ``visible(html)``: the text a reader sees; ``audit_rows(page)``: the audit log's table.
"""

import html
import re

from flask.testing import FlaskClient

from app.extensions import db
from tests.helpers.accounts import PASSWORD, sign_in


class Browser(FlaskClient):
    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def browser(app) -> Browser:
    return Browser(app, app.response_class, use_cookies=True)


def signed_in(app, account, password=PASSWORD) -> Browser:
    client = browser(app)
    response = sign_in(client, account, password)
    assert response.status_code == 302, response.text
    return client


def reload(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def visible(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def audit_rows(page: str) -> list[tuple[str, str, str]]:
    """(who, what, details) of each line of the audit page, newest first."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    if body is None:
        return []
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S):
        cells = [visible(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        rows.append(tuple(cells[1:]))
    return rows


def entry_count(page: str) -> int:
    """The number of matching lines the audit page announces."""
    return int(re.search(r'<p class="result-count" role="status">(\d+) entr', page).group(1))

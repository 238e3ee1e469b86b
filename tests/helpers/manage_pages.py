"""Every back-office page an administrator reaches, on the demo data, for the HTML checker."""

from app.actors import Actor
from app.audit.services import record
from app.auth.models import Role
from app.db import utcnow
from app.extensions import db
from tests.helpers.accounts import make_account
from tests.helpers.public_pages import OPEN_MEETING, PublicPage

#: Pages anyone may open (before signing in).
DOOR = [
    PublicPage("sign in", "/manage/login"),
    PublicPage("sign in, sent empty", "/manage/login", submit_empty=True),
    PublicPage("reset request", "/manage/reset"),
    PublicPage("reset request, sent empty", "/manage/reset", submit_empty=True),
    PublicPage("bad reset link", "/manage/reset/not-a-link", status=400),
]


def make_manage_pages():
    """An administrator (to sign in as), an organiser to edit, a few audit lines; the pages."""
    admin = make_account(Role.ADMIN, name="Amina Diallo")
    organiser = make_account(Role.ORGANISER, name="Ole Nordmann")
    record("account.sign_in_failed", actor=Actor.system("sign-in page"), now=utcnow(), address="nobody@example.org")
    db.session.commit()
    pages = [
        PublicPage("home", "/manage/"),
        PublicPage("meeting", f"/manage/meetings/{OPEN_MEETING}/"),
        PublicPage("meeting audit", f"/manage/meetings/{OPEN_MEETING}/audit"),
        PublicPage("audit", "/manage/audit"),
        PublicPage("audit, bad dates", "/manage/audit?since=yesterday&until=2026-13-40"),
        PublicPage("accounts", "/manage/accounts/"),
        PublicPage("new account", "/manage/accounts/new"),
        PublicPage("new account, sent empty", "/manage/accounts/new", submit_empty=True),
        PublicPage("edit account", f"/manage/accounts/{organiser.id}"),
        PublicPage("your account", "/manage/account"),
        PublicPage("your account, sent empty", "/manage/account", submit_empty=True),
        PublicPage("new meeting", "/manage/meetings/new"),
        PublicPage("new meeting, sent empty", "/manage/meetings/new", submit_empty=True),
        PublicPage("edit meeting", f"/manage/meetings/{OPEN_MEETING}/edit"),
        PublicPage("duplicate meeting", f"/manage/meetings/{OPEN_MEETING}/duplicate"),
        PublicPage("cancel meeting", f"/manage/meetings/{OPEN_MEETING}/cancel"),
        PublicPage("programme", f"/manage/meetings/{OPEN_MEETING}/programme"),
        PublicPage("new session", f"/manage/meetings/{OPEN_MEETING}/programme/new"),
        PublicPage("new session, sent empty", f"/manage/meetings/{OPEN_MEETING}/programme/new", submit_empty=True),
        PublicPage("documents", f"/manage/meetings/{OPEN_MEETING}/documents/"),
        PublicPage("new document", f"/manage/meetings/{OPEN_MEETING}/documents/new"),
        PublicPage("new document, sent empty", f"/manage/meetings/{OPEN_MEETING}/documents/new", submit_empty=True),
    ]
    return admin, pages

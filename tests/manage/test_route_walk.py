"""Every ``/manage/`` route in the URL map, walked with real arguments: what an anonymous
visitor, an account without the permission and one with it get (app.auth.access).

The walk reads the URL map, so a route added later is walked too; one whose path argument
the walk has no real value for fails it until it is given one.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

import config
from app import create_app
from app.auth.access import Access, check_routes, public, requires
from app.auth.models import Role
from app.auth.permissions import ROLES, Permission
from app.auth.services import actor_for
from app.auth.tokens import make_password_token
from app.extensions import db
from app.jobs.services import enqueue_job
from app.meetings.models import MeetingStatus
from tests.helpers import jobs  # noqa: F401  (registers the job kinds the walk queues)
from tests.helpers.accounts import make_account
from tests.helpers.factories import make_document, make_meeting, make_session
from tests.manage import browser, signed_in

ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
PUBLIC = {"/manage/login", "/manage/reset", "/manage/reset/<path:token>"}


def manage_rules(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/manage")]
    assert {"/manage/", "/manage/login", "/manage/meetings/<slug>/", "/manage/accounts/"} <= {r.rule for r in rules}
    return sorted(rules, key=lambda rule: rule.rule)


def methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def access_of(app, rule) -> Access:
    return app.view_functions[rule.endpoint].access


def path_of(rule, values: dict) -> str:
    def argument(match):
        name = match.group(2)
        assert name in values, f"the walk has no real value for <{name}> of {rule.rule}: give it one"
        return str(values[name])

    return ARGUMENT.sub(argument, rule.rule)


@pytest.fixture
def meeting(app):
    return make_meeting()


def meeting_values(meeting) -> dict:
    """Real values for a meeting's own path arguments: it, a session of its programme, a document
    of it; new ones each time, since a walk's post may remove them."""
    session = make_session(meeting, meeting.start_date, "09:00", "10:00")
    document = make_document(meeting)
    return {"slug": meeting.slug, "session_id": session.id, "document_id": document.id}


@pytest.fixture
def values(app, meeting, now):
    """A real value for every path argument: a meeting and its parts, an account, a job, a password link."""
    admin = make_account(Role.ADMIN)
    target = make_account(Role.ORGANISER, meetings=[meeting])
    job = enqueue_job("tests.steps", {"steps": 2}, owner=actor_for(admin), now=now)
    db.session.commit()
    return meeting_values(meeting) | {"account_id": target.id, "job_id": job.id, "token": make_password_token(target)}


def assert_refused(response, access: Access, where):
    assert response.status_code == 403, where
    if access.json:
        assert response.is_json and response.json["error"]["status"] == 403, where


def test_every_back_office_view_says_who_may_open_it(app):
    for rule in manage_rules(app):
        assert isinstance(getattr(app.view_functions[rule.endpoint], "access", None), Access), rule.rule
    assert {rule.rule for rule in manage_rules(app) if access_of(app, rule).public} == PUBLIC


def test_an_anonymous_visitor_is_sent_to_sign_in_answered_401_in_json_or_shown_a_public_page(app, values):
    for rule in manage_rules(app):
        access, path = access_of(app, rule), path_of(rule, values)
        for method in methods(rule):
            response = browser(app).open(path, method=method)
            where = (method, rule.rule, response.status_code, response.headers.get("Location"))
            if access.public:
                assert response.status_code == 200, where
            elif access.json:
                assert response.status_code == 401 and response.is_json, where
                assert response.json["error"]["status"] == 401, where
            else:
                assert response.status_code == 302, where
                location = urlsplit(response.headers["Location"])
                # Back to the page after signing in; a form's post cannot be repeated by a link.
                back = [path] if method == "GET" else None
                assert location.path == "/manage/login" and parse_qs(location.query).get("next") == back, where


def test_an_account_without_the_permission_gets_403_from_every_view_that_requires_it(app, values):
    """Organisers and viewers working on another meeting: a scoped permission is refused on
    this one, a global one is refused to each role that does not hold it."""
    elsewhere = make_meeting()
    clients = {role: signed_in(app, make_account(role, meetings=[elsewhere])) for role in (Role.ORGANISER, Role.VIEWER)}
    guarded, covered = set(), set()
    for rule in manage_rules(app):
        access, path = access_of(app, rule), path_of(rule, values)
        if access.permission is None:
            continue
        guarded.add(rule.rule)
        for role, client in clients.items():
            if not access.permission.scoped and access.permission in ROLES[role]:
                continue  # the role holds it: nothing to refuse
            for method in methods(rule):
                assert_refused(client.open(path, method=method), access, (role, method, rule.rule))
            covered.add(rule.rule)
    assert guarded and covered == guarded


def test_a_viewer_of_the_meeting_reads_it_and_every_post_or_page_beyond_their_role_is_refused(app, meeting, values):
    client = signed_in(app, make_account(Role.VIEWER, meetings=[meeting]))
    posts = 0
    for rule in manage_rules(app):
        access, path = access_of(app, rule), path_of(rule, values)
        if access.permission is None:
            continue
        for method in methods(rule):
            response = client.open(path, method=method)
            if method == "POST" or access.permission not in ROLES[Role.VIEWER]:
                assert_refused(response, access, (method, rule.rule))
                posts += method == "POST"
            else:
                assert response.status_code == 200, (method, rule.rule, response.status_code)
    assert posts


def test_an_organiser_opens_every_page_of_their_meeting_and_none_of_another_which_an_admin_opens(app, values):
    mine, theirs = make_meeting(), make_meeting(status=MeetingStatus.DRAFT)
    organiser = signed_in(app, make_account(Role.ORGANISER, meetings=[mine]))
    admin = signed_in(app, make_account(Role.ADMIN))
    rules = [rule for rule in manage_rules(app) if "slug" in rule.arguments]
    assert rules
    for rule in rules:
        for method in methods(rule):
            # A page opens; a form sent empty is done (302) or answered with its errors (200).
            ok = {200} if method == "GET" else {200, 302}
            own, other = path_of(rule, values | meeting_values(mine)), path_of(rule, values | meeting_values(theirs))
            assert organiser.open(own, method=method).status_code in ok, (method, own)
            assert_refused(organiser.open(other, method=method), access_of(app, rule), (method, other))
            assert admin.open(other, method=method).status_code in ok, (method, other)
            # A meeting that does not exist: 404 for who sees every meeting, 403 for the others,
            # so no one learns which drafts exist by trying addresses.
            missing = path_of(rule, values | {"slug": "no-such-meeting"})
            assert admin.open(missing, method=method).status_code == 404, (method, missing)
            assert organiser.open(missing, method=method).status_code == 403, (method, missing)


def int_arguments(rule) -> list[str]:
    return [name for converter, name in ARGUMENT.findall(rule.rule) if converter == "int"]


@pytest.mark.parametrize("number", [str(2**31), str(2**63), "9" * 40])
def test_an_id_too_big_for_the_database_is_404_not_an_error(app, values, number):
    admin = signed_in(app, make_account(Role.ADMIN))
    rules = [rule for rule in manage_rules(app) if int_arguments(rule)]
    assert rules
    answers, wanted = {}, {}
    for rule in rules:
        path = path_of(rule, values | dict.fromkeys(int_arguments(rule), number))
        for method in methods(rule):
            response = admin.open(path, method=method)
            answers[method, path] = (response.status_code, response.is_json)
            wanted[method, path] = (404, access_of(app, rule).json)  # JSON from a JSON view
    assert answers == wanted


def test_a_meeting_address_with_a_nul_in_it_is_404_or_403_not_an_error(app, values):
    admin = signed_in(app, make_account(Role.ADMIN))
    organiser = signed_in(app, make_account(Role.ORGANISER))
    answers, wanted = {}, {}
    for rule in [rule for rule in manage_rules(app) if "slug" in rule.arguments]:
        path = path_of(rule, values | {"slug": "khartoum%00process"})
        for method in methods(rule):
            answers[method, path] = (
                admin.open(path, method=method).status_code,
                organiser.open(path, method=method).status_code,
            )
            wanted[method, path] = (404, 403)
    assert answers == wanted


def test_an_application_with_an_unmarked_back_office_view_refuses_to_start(app):
    built = create_app(config.TestingConfig())
    check_routes(built)  # as built, every view is marked
    built.add_url_rule("/manage/marked", "marked", requires(None)(lambda: "signed in"))
    built.add_url_rule("/manage/open", "open", public(lambda: "anyone"))
    built.add_url_rule("/managers-notes", "elsewhere", lambda: "not the back office")
    check_routes(built)
    built.add_url_rule("/manage/forgotten/<int:number>", "forgotten", lambda number: "anyone at all")
    with pytest.raises(RuntimeError, match="/manage/forgotten/<int:number>"):
        check_routes(built)


def test_a_permission_about_one_meeting_cannot_be_required_without_saying_how_to_find_the_meeting(app):
    with pytest.raises(ValueError, match="meeting.view"):
        requires(Permission.VIEW_MEETING)
    requires(Permission.MANAGE_ACCOUNTS)  # global: no meeting to find

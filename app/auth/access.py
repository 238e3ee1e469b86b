"""The one decorator every ``/manage/`` view carries, and the check that none goes without.

- ``@requires(permission, meeting=resolver)``: a signed-in account holding ``permission``
  (for the meeting the resolver finds in the view's arguments, if the permission is
  about one). ``@requires(None)``: any signed-in account (its own password, signing out).
- ``@public``: the pages one reaches before signing in (sign in, reset a password).

Anonymous visitors are sent to the sign-in page, or answered 401 with a JSON body by a
view marked ``json=True``; a signed-in account without the permission gets 403. A
meeting the resolver cannot find is a 404 for an account that sees every meeting and a
403 for any other, so no one learns which draft meetings exist by trying addresses.
``check_routes`` refuses to start an application with an unmarked ``/manage/`` view.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, jsonify, redirect, request, url_for
from flask_login import current_user

from app.auth.models import Account
from app.auth.permissions import Permission, may, sees_every_meeting
from app.locale import english_only

PREFIX = "/manage/"


@dataclass(frozen=True)
class Access:
    #: None: any signed-in account.
    permission: Permission | None
    public: bool = False
    #: The view answers JSON: 401 and 403 come as JSON too.
    json: bool = False


def current_account() -> Account | None:
    """The signed-in account, or None."""
    # The account itself, not Flask-Login's proxy: signing a proxy in again would make it
    # stand for itself.
    return current_user._get_current_object() if current_user.is_authenticated else None


def _refuse(status: int, json: bool):
    if json:
        return _json_refusal(status)
    abort(status)


@english_only
def _json_refusal(status: int):
    """401 or 403 in JSON, in English whoever asks: the page's script reads it, not a person."""
    message = "Sign in first." if status == 401 else "This account may not do this."
    response = jsonify(error={"status": status, "message": message})
    response.status_code = status
    return response


def requires(permission: Permission | None, *, meeting: Callable[[dict], int | None] | None = None, json=False):
    """Let only a signed-in account with ``permission`` through; ``meeting`` finds the id of
    the meeting a scoped permission is checked for, from the view's arguments."""
    if permission is not None and permission.scoped and meeting is None:
        raise ValueError(f"{permission.value} is about one meeting: say how the view finds it")

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            account = current_account()
            if account is None:
                if json:
                    return _refuse(401, json)
                # Back to the page after signing in; a form's post cannot be repeated by a link.
                back = _local_path(request.full_path) if request.method == "GET" else None
                return redirect(url_for("auth.login", next=back))
            if permission is not None:
                meeting_id = meeting(kwargs) if permission.scoped else None
                if permission.scoped and meeting_id is None:
                    return _refuse(404 if sees_every_meeting(account) else 403, json)
                if not may(account, permission, meeting_id):
                    return _refuse(403, json)
            return view(*args, **kwargs)

        wrapper.access = Access(permission, json=json)
        wrapper.json_endpoint = json  # app.errors answers this view's errors in JSON
        return wrapper

    return decorate


def public(view):
    """A ``/manage/`` page anyone may open: signing in, resetting a password."""
    view.access = Access(None, public=True)
    return view


def _local_path(path: str) -> str:
    return path.rstrip("?")


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a back-office path of this site, else None: the page to return
    to after signing in, never another site (an open redirect)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(PREFIX):
        return None
    return target


def check_routes(app) -> None:
    """Refuse an application whose ``/manage/`` views do not all say who may open them."""
    open_views = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if (rule.rule + "/").startswith(PREFIX) and getattr(app.view_functions[rule.endpoint], "access", None) is None
    )
    if open_views:
        raise RuntimeError(f"/manage/ views without @requires or @public: {', '.join(open_views)}")

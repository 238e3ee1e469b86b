"""A stand-in app for tests/deploy/test_gunicorn.py: a Flask view that raises (Flask logs
its path) and, outside Flask, a WSGI path that raises (gunicorn logs its URI)."""

from flask import Flask

flask_app = Flask(__name__)


@flask_app.get("/meetings/<slug>/confirm/<token>")
def confirm(slug, token):
    raise RuntimeError("the view failed")


@flask_app.get("/")
def index():
    return "ok"


def app(environ, start_response):
    if environ["PATH_INFO"].startswith("/raw/"):
        raise RuntimeError("the app failed before answering")
    return flask_app(environ, start_response)

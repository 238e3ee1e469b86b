"""The entry point of gunicorn and `flask`: ``FLASK_CONFIG=production gunicorn wsgi:app``.

It starts only with FLASK_CONFIG set (``load_config`` has no default), so a server
started without it never runs the development configuration and its public key.
`make run` sets FLASK_CONFIG=development for `flask run` on loopback.
"""

from app import create_app

app = create_app()

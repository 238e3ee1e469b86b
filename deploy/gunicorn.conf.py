"""gunicorn in production, behind deploy/nginx.conf:

    FLASK_CONFIG=production ... gunicorn -c deploy/gunicorn.conf.py wsgi:app

Options on the command line override these (``--workers 8``), and so does
GUNICORN_CMD_ARGS. Only nginx connects: gunicorn listens on loopback, and its sync
workers, each held by one connection for as long as that connection takes, never see a
slow client (nginx hands them whole requests and takes whole answers).
"""

import logging
import os
import sys
from pathlib import Path

bind = "127.0.0.1:8000"  # the upstream in deploy/nginx.conf
# One request at a time per worker; CPU-bound pages, so about two per core.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
# A request that has run for 30 s is stuck: its worker is killed and replaced. nginx's
# proxy_read_timeout (35 s) is longer, so the timeout happens here, where it is logged.
timeout = 30
graceful_timeout = 20

# No access log: nginx writes one with the tokens masked. The error log (stderr: journald
# or the service manager) goes through the masking below, since gunicorn quotes the URI
# of a request that failed and Flask the path of one that raised.
accesslog = None
errorlog = "-"
loglevel = "info"

# The scheme, client address and host come from X-Forwarded-* through werkzeug's ProxyFix
# in the app (PROXY_HOPS=1), one mechanism; gunicorn's own reading of X-Forwarded-Proto
# and X-Forwarded-Ssl stays off. gunicorn's Server header says "gunicorn", no version, and
# nginx replaces it with its own.
secure_scheme_headers = {}
forwarded_allow_ips = "127.0.0.1"

# Tokens in confirmation, manage and reset links are masked by the app's own rules, the
# ones the maps in deploy/nginx.conf follow (app.security imports nothing of the app's
# state: no database, no configuration).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from app.security import mask_tokens  # noqa: E402


class _MaskedRecord(logging.LogRecord):
    def getMessage(self):  # noqa: N802 (logging's name)
        return mask_tokens(super().getMessage())

    # A formatter stores the traceback it printed here: masked as it is stored.
    @property
    def exc_text(self):
        return self._exc_text

    @exc_text.setter
    def exc_text(self, value):
        self._exc_text = mask_tokens(value) if value else value


# Every record made in gunicorn's processes (gunicorn's, Flask's, any library's) is
# masked when it is formatted; set before the workers fork, so they inherit it.
logging.setLogRecordFactory(_MaskedRecord)

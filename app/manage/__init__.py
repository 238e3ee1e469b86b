"""The back office's pages that draw on several domains: the organisers' home, a meeting's
overview and audit log, the accounts, the ``flask users`` commands. Sign-in and the
password pages are app.auth's."""

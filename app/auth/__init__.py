"""Organiser accounts: who may sign in to the back office, with which role, for which meetings.

- ``models``: the account and the meetings it is assigned to.
- ``passwords``: argon2 hashes and the password policy.
- ``permissions``: roles as sets of named permissions, and the one function that decides.
- ``services``: creating and changing accounts, signing in, resetting a password; each writes
  its audit record in the same commit.
- ``access``: the one decorator every ``/manage/`` view carries, and the check that none lacks it.
- ``sessions``: Flask-Login, the idle expiry, and the end of other sessions.
- ``views``: sign-in, sign-out, the password pages.
"""

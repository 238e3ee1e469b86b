"""The audit log: who did what, when, to which meeting, registration or account.

Services write it with ``record`` inside their own transaction, so a change and its record
commit together or not at all. It keeps the values before and after of what is not
personal (states, meeting fields, roles, rules) and only the names of the personal fields
that changed, since it is never edited and so must hold nothing the privacy rules erase.
"""

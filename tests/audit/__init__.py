"""The audit log: writing it inside the services' commits, and reading it back."""

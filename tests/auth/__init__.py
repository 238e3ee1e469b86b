"""Organiser accounts: passwords, permissions, the services, sign-in, sessions and their limits."""

"""What the registration services raise when a rule is broken."""


class RegistrationRefused(Exception):
    """Every rule a registration breaks, by form field ('' for the form as a whole)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class RegistrationNotFound(Exception):
    """A link names a registration that does not exist (any more)."""

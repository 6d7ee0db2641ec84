class DomainError(Exception):
    """A rule of the domain was broken; the message is for the user, in Indonesian."""

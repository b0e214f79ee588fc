"""Demo data (idempotent: a second run changes nothing). Called by ``manage.py egov_demo``."""


def load() -> dict:
    return {}

"""Demo data for search: build the index of everything registered (idempotent)."""


def load():
    from .services import reindex

    return reindex()

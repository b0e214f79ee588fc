"""Demo data of the dictionary: the system dictionaries."""


def load():
    from .data import ensure_system_dicts

    ensure_system_dicts()

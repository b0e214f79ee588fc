"""Demo data (idempotent: a second run changes nothing). Called by ``manage.py egov_demo``."""


def load() -> dict:
    from . import demo_ops

    demo_ops.load()
    return {}

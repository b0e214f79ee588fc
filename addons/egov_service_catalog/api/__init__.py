"""REST API of the service catalog (core routes in ``core``; the operations side adds ``ops``)."""

from . import core  # noqa: F401

try:  # the operations side's routes, when present
    from . import ops  # noqa: F401
except ImportError:  # pragma: no cover
    pass

"""Models of the service catalog, split by area (catalog/requests: core; resources, billing, outsourcing, portal:
operations)."""

from .billing import *  # noqa: F401,F403
from .catalog import *  # noqa: F401,F403
from .outsourcing import *  # noqa: F401,F403
from .portal import *  # noqa: F401,F403
from .requests import *  # noqa: F401,F403
from .resources import *  # noqa: F401,F403

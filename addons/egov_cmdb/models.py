"""CMDB models: CI classes and attributes as data, CIs, relation types and relations, versions."""

from .topology_models import *  # noqa: E402,F401,F403  (saved topology views; kept at the end of this module)

"""Reusable local peers as pytest fixtures. Enable them for the whole project by adding to the root
conftest.py::

    pytest_plugins = ["tests.peers.fixtures"]

Fixtures:

* ``smtp_server`` — a real aiosmtpd server on 127.0.0.1 (free port); Django's EMAIL_* settings point at it
  and EMAIL_BACKEND is the SMTP backend for the test. ``smtp_server.messages`` holds parsed
  ``email.message.EmailMessage`` objects; ``reject_recipients`` / ``tempfail`` script failures.
* ``http_peer`` — a threaded HTTP server on 127.0.0.1 (free port) recording every request
  (``http_peer.requests``) and answering from a script: ``fail_first(n, status=503)``, ``enqueue(...)``,
  ``route(prefix, status=, json=, body=, delay=)``, ``delay``; ``http_peer.url("/path")``.
* ``http_peer_factory`` — start more than one HTTP peer in a test.
"""

from __future__ import annotations

import pytest

from tests.peers.http_peer import HttpPeer
from tests.peers.smtp_peer import SmtpPeer


@pytest.fixture
def smtp_server(settings):
    peer = SmtpPeer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = peer.host
    settings.EMAIL_PORT = peer.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield peer
    finally:
        peer.stop()


@pytest.fixture
def http_peer_factory():
    peers: list[HttpPeer] = []

    def _make() -> HttpPeer:
        peer = HttpPeer().start()
        peers.append(peer)
        return peer

    yield _make
    for peer in peers:
        peer.stop()


@pytest.fixture
def http_peer(http_peer_factory):
    return http_peer_factory()

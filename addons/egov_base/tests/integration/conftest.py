from tests.peers.fixtures import http_peer, http_peer_factory, smtp_server  # noqa: F401 - shared peers

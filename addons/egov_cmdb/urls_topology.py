"""URLs of the topology, impact analysis and statistics screens (included by urls.py)."""

urlpatterns: list = []

"""Registrations of the topology / impact / statistics screens (menu items, grants)."""

"""Package (see docs/developer/service-catalog.md)."""

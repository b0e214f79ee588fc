"""Models of this area (imported by egov_base/models.py)."""

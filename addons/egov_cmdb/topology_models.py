"""Models of the topology screens (saved topology views). FKs to the CMDB models by string ("egov_cmdb.CI")."""

__all__: list[str] = []

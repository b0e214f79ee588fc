"""outsourcing models."""

__all__: list[str] = []

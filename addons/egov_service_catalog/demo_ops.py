"""Demo data of the operations side (pools, bills, vendors, tickets, questionnaires); idempotent."""


def load() -> dict:
    return {}

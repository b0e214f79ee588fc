"""Services (every write of the app). Core side: catalog, requests, documents, subscriptions, capabilities, setup;
operations side: resources, billing, outsourcing, tickets, reports, analytics, feedback (see
docs/developer/service-catalog.md and docs/developer/service-operations.md)."""

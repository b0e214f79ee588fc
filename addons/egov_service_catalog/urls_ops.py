"""URLs of the operations side (resources, billing, outsourcing, reports, management portal, analytics, portal
tickets/feedback/questionnaires); included by urls.py."""

urlpatterns: list = []

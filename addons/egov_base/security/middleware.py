class SecurityBaselineMiddleware:
    """Placeholder: the security area adds forced password change and extra headers here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

"""drf-spectacular description of our authentication classes."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SystemTokenScheme(OpenApiAuthenticationExtension):
    target_class = "egov_base.api.authentication.SystemTokenAuthentication"
    name = "systemToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "系统令牌：Authorization: Bearer egv_…"}

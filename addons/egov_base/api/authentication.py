from rest_framework.authentication import TokenAuthentication


class SystemTokenAuthentication(TokenAuthentication):
    keyword = "Token"

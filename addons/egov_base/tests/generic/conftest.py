import pytest


@pytest.fixture
def sysadmin(users):
    return users["sysadmin"]


@pytest.fixture
def superuser(make_user):
    return make_user("root", None, "centre", is_superuser=True, is_staff=True)

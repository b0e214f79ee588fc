"""factory-boy factories for egov_base models; other apps import these."""

import factory
from factory.django import DjangoModelFactory

from egov_base.org.models import Organization, OrganizationContact, Region, Role, User


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"5199{n:02d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = Region.Level.DISTRICT
    kind = Region.Kind.DISTRICT


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"测试单位{n}")
    code = factory.Sequence(lambda n: f"ORG{n:05d}")
    kind = Organization.Kind.CITY_DEPT
    region = factory.LazyFunction(lambda: Region.objects.get(code="510100"))


class OrganizationContactFactory(DjangoModelFactory):
    class Meta:
        model = OrganizationContact

    organization = factory.SubFactory(OrganizationFactory)
    name = "王芳"
    phone = factory.Sequence(lambda n: f"+86139{n:08d}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.cn")
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.PostGenerationMethodCall("set_password", "Egov@2026pass")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            if create:
                self.save()
            return
        codes = [extracted] if isinstance(extracted, str) else list(extracted)
        self.save()
        for role in Role.objects.filter(code__in=codes).select_related("group"):
            self.groups.add(role.group)
        self.__dict__.pop("roles", None)
        self.__dict__.pop("role_codes", None)

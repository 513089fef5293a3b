import factory

from territories.models import Commune, Department, Epci, Region, Territory


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "93"
    name = "Provence-Alpes-Côte d'Azur"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = "13"
    name = "Bouches-du-Rhône"
    region = factory.SubFactory(RegionFactory)


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci

    code = factory.Sequence(lambda n: f"2000{n:05d}")
    name = factory.Sequence(lambda n: f"Communauté de communes n°{n}")
    kind = Epci.Kind.CC


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    code = factory.Sequence(lambda n: f"13{n + 300:03d}")
    name = factory.Sequence(lambda n: f"Commune n°{n}")
    department = factory.SubFactory(DepartmentFactory)
    population = 1000
    postal_codes = "13100"


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Territoire n°{n}")
    slug = factory.Sequence(lambda n: f"territoire-{n}")
    kind = Territory.Kind.RURAL
    is_published = True

"""Reference data: 成都市 and its 23 区(市)县 (12 districts, 3 counties, 5 county-level cities, 3 functional
zones). Codes are the GB/T 2260 codes; the three functional zones have no statutory code and use the centre's
internal codes 5101 9x."""

from django.db import transaction

CITY = ("510100", "成都市", "city")
DISTRICTS = [
    ("510104", "锦江区", "district"),
    ("510105", "青羊区", "district"),
    ("510106", "金牛区", "district"),
    ("510107", "武侯区", "district"),
    ("510108", "成华区", "district"),
    ("510112", "龙泉驿区", "district"),
    ("510113", "青白江区", "district"),
    ("510114", "新都区", "district"),
    ("510115", "温江区", "district"),
    ("510116", "双流区", "district"),
    ("510117", "郫都区", "district"),
    ("510118", "新津区", "district"),
    ("510121", "金堂县", "county"),
    ("510129", "大邑县", "county"),
    ("510131", "蒲江县", "county"),
    ("510181", "都江堰市", "county_city"),
    ("510182", "彭州市", "county_city"),
    ("510183", "邛崃市", "county_city"),
    ("510184", "崇州市", "county_city"),
    ("510185", "简阳市", "county_city"),
    ("510191", "四川天府新区成都直管区", "zone"),
    ("510192", "成都东部新区", "zone"),
    ("510193", "成都高新技术产业开发区", "zone"),
]


@transaction.atomic
def ensure_regions():
    """Create or update the region tree; idempotent. Returns the city region."""
    from .models import Region

    city, _ = Region.objects.update_or_create(
        code=CITY[0], defaults={"name": CITY[1], "level": Region.Level.CITY, "kind": Region.Kind.CITY, "parent": None}
    )
    for sort, (code, name, kind) in enumerate(DISTRICTS):
        region = Region.objects.filter(code=code).first() or Region(code=code)
        region.name, region.kind, region.level, region.parent, region.sort = (
            name, kind, Region.Level.DISTRICT, city, sort,
        )
        region.save()
    return city

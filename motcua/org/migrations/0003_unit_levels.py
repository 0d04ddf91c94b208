"""Data: the levels of local government. Levels are rows, so a later reform adds one."""

from django.db import migrations

LEVELS = [("province", "Tỉnh / Thành phố", 1), ("district", "Huyện / Quận", 2), ("commune", "Xã / Phường", 3)]


def create(apps, schema_editor):
    UnitLevel = apps.get_model("org", "UnitLevel")
    for code, name, rank in LEVELS:
        UnitLevel.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})


def remove(apps, schema_editor):
    apps.get_model("org", "UnitLevel").objects.filter(code__in=[c for c, _n, _r in LEVELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("org", "0002_initial")]
    operations = [migrations.RunPython(create, remove)]

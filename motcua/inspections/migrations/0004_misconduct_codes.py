"""Give the reports received before follow-up codes existed a code of their own."""

import secrets

from django.db import migrations

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def fill_codes(apps, schema_editor):
    report = apps.get_model("inspections", "MisconductReport")
    taken = set(report.objects.exclude(code=None).values_list("code", flat=True))
    for row in report.objects.filter(code=None).only("pk"):
        code = ""
        while not code or code in taken:
            code = "PA-" + "".join(secrets.choice(ALPHABET) for _ in range(10))
        taken.add(code)
        report.objects.filter(pk=row.pk).update(code=code)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_inspections_and_investigations")]

    operations = [migrations.RunPython(fill_codes, migrations.RunPython.noop)]

"""Data: the national working calendar (Mon-Fri, 07:00-11:30 and 13:30-17:00)."""

from django.db import migrations


def create(apps, schema_editor):
    WorkCalendar = apps.get_model("workcalendar", "WorkCalendar")
    WorkCalendar.objects.get_or_create(
        code="vn",
        defaults={
            "name": "Lịch làm việc quốc gia",
            "office_periods": [["07:00", "11:30"], ["13:30", "17:00"]],
            "weekend": [5, 6],
            "is_default": True,
        },
    )


def remove(apps, schema_editor):
    apps.get_model("workcalendar", "WorkCalendar").objects.filter(code="vn").delete()


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegaldocsConfig(AppConfig):
    name = "motcua.legaldocs"
    label = "legaldocs"
    verbose_name = _("Legal documents")

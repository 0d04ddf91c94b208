from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    name = "motcua.shell"
    label = "shell"
    verbose_name = _("Web shell")

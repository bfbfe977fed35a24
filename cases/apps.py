from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Modules that register timeline sources (`cases.timeline`) and queue sources
# (`cases.selectors.queue`); each area of the workflow adds its own here.
SOURCE_MODULES: list[str] = [
    "cases.selectors.assignment",
    "cases.views.assignment",
]


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from importlib import import_module

        for module in SOURCE_MODULES:
            import_module(module)

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "pipeline.web"
    label = "portal"
    verbose_name = "Hälsocenter-portalen"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class ElicenseConfig(AppConfig):
    name = "elicense"
    verbose_name = "电子证照"

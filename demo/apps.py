from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top layer beside ``config``: seeds every app's demo data through that app's own
    seeder (``manage.py seed_demo``). No app imports it."""

    name = "demo"
    verbose_name = "演示数据"

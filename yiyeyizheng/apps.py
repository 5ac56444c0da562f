from django.apps import AppConfig


class YiyeyizhengConfig(AppConfig):
    name = "yiyeyizheng"
    verbose_name = "一业一证"

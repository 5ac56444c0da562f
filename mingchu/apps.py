from django.apps import AppConfig


class MingchuConfig(AppConfig):
    name = "mingchu"
    verbose_name = "互联网＋明厨亮灶"

from django.apps import AppConfig


class YiyeyizhengConfig(AppConfig):
    name = "yiyeyizheng"
    verbose_name = "一业一证"

    def ready(self):
        from yiyeyizheng import hooks_applications

        hooks_applications.register()

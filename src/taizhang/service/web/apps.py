from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "taizhang.service.web"
    label = "web"
    verbose_name = "台账界面"

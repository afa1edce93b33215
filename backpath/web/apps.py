from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "backpath.web"
    label = "web"

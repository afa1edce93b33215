"""The data-rights pages (export, erasure requests)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

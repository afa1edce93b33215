"""``/fhir/R4/``: the capability statement, a type (search, create), an instance (read), and
the patient's ``$everything``. Ids are FHIR ids (letters, digits, "-" and ".", at most 64)."""

from __future__ import annotations

from django.urls import path, re_path

from backpath.fhir import views

app_name = "fhir"

ID = r"(?P<resource_id>[A-Za-z0-9\-.]{1,64})"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    re_path(rf"^Patient/{ID}/\$everything$", views.everything, name="everything"),
    re_path(r"^(?P<type_name>[A-Za-z]+)$", views.resource_type, name="type"),
    re_path(rf"^(?P<type_name>[A-Za-z]+)/{ID}$", views.resource_instance, name="instance"),
    re_path(r"^", views.unknown, name="unknown"),
]

"""The data-rights pages (export, erasure requests). Records by UUID only, as everywhere."""

from django.urls import URLPattern, path

from backpath.privacy import views

urlpatterns: list[URLPattern] = [
    path("me/my-data/", views.my_data, name="my_data"),
    path("me/my-data/export.json", views.my_data_export, {"kind": "json"}, name="my_data_json"),
    path("me/my-data/export.pdf", views.my_data_export, {"kind": "pdf"}, name="my_data_pdf"),
    path("me/my-data/erasure/", views.my_erasure_request, name="my_erasure_request"),
    path("clinic/patients/<uuid:patient_id>/data/", views.patient_data, name="patient_data"),
    path(
        "clinic/patients/<uuid:patient_id>/data/export.json",
        views.patient_data_export,
        {"kind": "json"},
        name="patient_data_json",
    ),
    path(
        "clinic/patients/<uuid:patient_id>/data/export.pdf",
        views.patient_data_export,
        {"kind": "pdf"},
        name="patient_data_pdf",
    ),
    path(
        "clinic/patients/<uuid:patient_id>/data/erasure/",
        views.patient_erasure_request,
        name="patient_erasure_request",
    ),
    path("clinic/erasure-requests/", views.erasure_requests, name="erasure_requests"),
    path(
        "clinic/erasure-requests/<uuid:request_id>/",
        views.erasure_decide,
        name="erasure_decide",
    ),
]

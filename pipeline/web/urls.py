"""The portal's addresses (Swedish, as the coach reads them)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pipeline.web import region_views, views

portal = [
    path("", views.Login.as_view(), name="login"),
    path("start/", views.start, name="start"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("kommun/<str:kod>/", views.kommun, name="kommun"),
    path("inlamningar/<int:pk>/<str:filnamn>", views.download, name="download"),
    path("region/", region_views.overview, name="region"),
    path("region/epost/", region_views.emailed_file, name="region_email"),
    path("region/filer/<str:filnamn>", region_views.comparison_file, name="region_file"),
    path("region/logg/", region_views.audit_log, name="audit_log"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
]

urlpatterns = [
    path("", include((portal, "portal"))),
    path("admin/", admin.site.urls),
]

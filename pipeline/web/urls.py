"""The portal's addresses (Swedish, as the coach reads them)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pipeline.web import views

portal = [
    path("", views.Login.as_view(), name="login"),
    path("start/", views.start, name="start"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("kommun/<str:kod>/", views.kommun, name="kommun"),
    path("inlamningar/<int:pk>/<str:filnamn>", views.download, name="download"),
    path("region/", views.region, name="region"),
    path("region/logg/", views.audit_log, name="audit_log"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
]

urlpatterns = [
    path("", include((portal, "portal"))),
    path("admin/", admin.site.urls),
]

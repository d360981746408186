"""The Django admin for the region's administrators: accounts, roles, submissions, the
log. Submissions and the log are read-only here: they are made by the portal."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from pipeline.web.models import AuditLog, KeyFigure, OutputFile, Profile, SentFile, Submission

admin.site.site_header = "Hälsocenter rapport – administration"
admin.site.site_title = "Hälsocenter rapport"
admin.site.index_title = "Administration"

User = get_user_model()


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    verbose_name_plural = "roll i portalen"


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "role", "is_active", "is_staff", "last_login")

    @admin.display(description="roll")
    def role(self, user):
        profile = getattr(user, "profile", None)
        return profile.role_text if profile else "–"


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "kommunkod", "region")
    list_filter = ("region", "kommunkod")
    search_fields = ("user__username",)


class ReadOnly:
    """Made by the portal, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SentFileInline(ReadOnly, admin.TabularInline):
    model = SentFile
    extra = 0


class OutputFileInline(ReadOnly, admin.TabularInline):
    model = OutputFile
    extra = 0
    fields = ("name", "content_type", "size")
    readonly_fields = ("size",)


class KeyFigureInline(ReadOnly, admin.TabularInline):
    model = KeyFigure
    extra = 0


@admin.register(Submission)
class SubmissionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("kommunkod", "ar", "sent_at", "sent_by_name", "valid", "via_email")
    list_filter = ("valid", "via_email", "ar", "kommunkod")
    date_hierarchy = "sent_at"
    inlines = [SentFileInline, OutputFileInline, KeyFigureInline]


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("at", "username", "action", "kommunkod", "submission", "detail")
    list_filter = ("action", "kommunkod")
    search_fields = ("username", "detail")
    date_hierarchy = "at"

    def has_delete_permission(self, request, obj=None):
        return False

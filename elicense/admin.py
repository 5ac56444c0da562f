from django.contrib import admin

from elicense.models import Certificate, SigningKey, Verification


class ReadOnlyAdmin(admin.ModelAdmin):
    """Certificates, keys and the log change only through services and commands."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "holder_name", "status", "issued_at", "key_id"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "holder_uscc", "holder_name", "public_id"]


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ["kid", "status", "created_at", "retired_at"]
    exclude = ["encrypted_private_key"]


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "result", "holder_uscc", "verifier_label"]
    list_filter = ["channel", "result", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["holder_uscc", "verifier_label"]
    date_hierarchy = "created_at"

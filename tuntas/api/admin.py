from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuntas.api.models import ApiToken
from tuntas.api.services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `tuntas token-baru` (the only moment the token is shown); here
    they can be seen and revoked."""

    list_display = ["prefix", "user", "label", "created_at", "last_used_at", "is_revoked"]
    list_filter = ["is_revoked"]
    search_fields = ["user__username", "label", "prefix"]
    readonly_fields = ["user", "label", "prefix", "created_at", "last_used_at", "is_revoked"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Cabut token terpilih"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset:
            api_token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
            count += 1
        self.message_user(request, _("%(n)d token dicabut.") % {"n": count}, messages.SUCCESS)

from django.contrib import admin

from tuntas.katalog.models import Jpd, JpdVersion, MutuItem, ScoringMethod, Urusan


class ReadOnlyAdmin(admin.ModelAdmin):
    """The catalog is data in the repository; change the files and run `tuntas init`."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class MutuItemInline(admin.TabularInline):
    model = MutuItem
    fields = ["code", "kind", "name", "unit", "need_basis", "need_quantity", "need_unit", "note"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class JpdVersionInline(admin.StackedInline):
    model = JpdVersion
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Urusan)
class UrusanAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]


@admin.register(Jpd)
class JpdAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "urusan", "pengampu"]
    list_filter = ["level", "urusan"]
    search_fields = ["code", "name"]
    inlines = [JpdVersionInline]


@admin.register(JpdVersion)
class JpdVersionAdmin(ReadOnlyAdmin):
    list_display = ["jpd", "valid_from", "valid_until", "unconfirmed"]
    list_filter = ["unconfirmed", "jpd__urusan"]
    inlines = [MutuItemInline]


@admin.register(ScoringMethod)
class ScoringMethodAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "weight_penerima", "weight_mutu", "valid_from"]

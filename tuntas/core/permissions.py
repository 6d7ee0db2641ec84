"""Django's default permissions under Indonesian names. Django stores a permission's name once,
in English ("Can add user"), when it creates it after `migrate`; the admin shows that stored
name in every user and group form. After each app's permissions are made, this renames that
app's four default ones (add, change, delete, view) to Indonesian from the model's Indonesian
name ("Dapat menambah pengguna"). Permissions an app declares itself keep their own names."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.utils import translation

VERBS = {"add": "menambah", "change": "mengubah", "delete": "menghapus", "view": "melihat"}


def permission_name(action: str, verbose_name: str) -> str:
    """``Dapat menambah pengguna``; a capitalised model name in lower case inside the sentence
    ("Hasil pekerjaan" → "hasil pekerjaan"), an acronym kept ("JPD")."""
    if verbose_name[:1].isupper() and verbose_name[1:2].islower():
        verbose_name = verbose_name[0].lower() + verbose_name[1:]
    return f"Dapat {VERBS[action]} {verbose_name}"[:255]


def permissions_rename(
    sender: AppConfig, *, using: str = DEFAULT_DB_ALIAS, apps: Any = global_apps, **_: Any
) -> None:
    """post_migrate receiver (connected after django.contrib.auth's, which creates them)."""
    try:
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:  # auth not installed or not migrated yet
        return
    rows = permission_model.objects.using(using).filter(content_type__app_label=sender.label)
    with translation.override("id"):
        for permission in rows.select_related("content_type"):
            action, _, model_name = permission.codename.partition("_")
            if action not in VERBS or model_name != permission.content_type.model:
                continue
            try:
                model = global_apps.get_model(sender.label, model_name)
            except LookupError:  # a model that no longer exists
                continue
            name = permission_name(action, str(model._meta.verbose_name))
            if permission.name != name:
                permission.name = name
                permission.save(update_fields=["name"])

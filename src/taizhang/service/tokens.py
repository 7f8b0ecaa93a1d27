"""API tokens (django-rest-knox): issued by ``POST /api/token/``, stored as digests, valid for
``TAIZHANG_TOKEN_TTL_HOURS`` (default 24) from issue, and deleted — every token of the user — when the user's
password changes (any path: 重置密码 on the office pages, 修改密码, the admin site, ``set_password`` in code)
or the user is deactivated (停用). Sessions end the same way: Django ties a session to the password hash, and
a deactivated user is no longer loaded from a session.

The check is on the saved row: a ``pre_save`` of a user compares the password hash and ``is_active`` with the
database, so anything that saves the user is covered; a bulk ``QuerySet.update()`` skips model signals and is
not (the service never changes passwords that way).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save


def revoke_tokens(user) -> int:
    """Delete every API token of ``user``; returns how many there were."""
    from knox.models import AuthToken

    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def _note_credential_change(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. last_login on every login: nothing to compare
    old = sender.objects.filter(pk=instance.pk).values_list("password", "is_active").first()
    if old is None:
        return
    instance._taizhang_revoke_tokens = old[0] != instance.password or (old[1] and not instance.is_active)


def _revoke_after_save(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_taizhang_revoke_tokens", False):
        instance._taizhang_revoke_tokens = False
        revoke_tokens(instance)


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(_note_credential_change, sender=user_model, dispatch_uid="taizhang-token-revoke-pre")
    post_save.connect(_revoke_after_save, sender=user_model, dispatch_uid="taizhang-token-revoke-post")

"""DRF permission: any user with a ledger role may read; writes are checked by the services
(:mod:`taizhang.service.ledger.permissions`), exactly as for the UI."""

from rest_framework.permissions import BasePermission

from taizhang.service.ledger import permissions as perm


class LedgerViewer(BasePermission):
    message = "需要登录并具有台账角色"

    def has_permission(self, request, view):
        return perm.can_view_ledger(request.user)

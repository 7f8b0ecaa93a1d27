"""修改密码: every logged-in user changes their own password (the office gives an initial one, shown once).

The new password must pass the password rules (settings.AUTH_PASSWORD_VALIDATORS); their messages show on the
form. The session stays logged in; every API token of the user ends (taizhang.service.tokens), and the user's
other sessions end with the old password hash.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.password_validation import password_validators_help_texts
from django.urls import reverse_lazy


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "web/password_change.html"
    success_url = reverse_lazy("web:dashboard")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rules": password_validators_help_texts()}

    def form_valid(self, form):
        resp = super().form_valid(form)
        messages.success(self.request, "密码已修改。其他设备上的登录和 API 令牌已失效，请用新密码重新登录或申请令牌。")
        return resp


password_change = PasswordChange.as_view()

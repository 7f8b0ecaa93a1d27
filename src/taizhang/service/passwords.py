"""Django's four password validators with their messages written in Chinese here.

Django's own Chinese catalogue leaves the minimum-length error in English (its plural form is missing), and the
pages must not depend on which language a management command happens to run in. The rules themselves are
Django's: similarity to the username, name and e-mail; a minimum length; Django's list of 20,000 common
passwords; not only digits.
"""

from __future__ import annotations

from django.contrib.auth import password_validation as pv


class UserAttributeSimilarityValidator(pv.UserAttributeSimilarityValidator):
    # the attributes a person sees on the user pages: 用户名, 姓名 (first_name), 电子邮箱
    LABELS = {"username": "用户名", "first_name": "姓名", "last_name": "姓名", "email": "电子邮箱"}

    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except pv.ValidationError as exc:
            # Django names the attribute by its field's verbose name; say it as the user pages do
            shown = {self._verbose(user, a): label for a, label in self.LABELS.items()}
            if exc.params and exc.params.get("verbose_name") in shown:
                exc.params["verbose_name"] = shown[exc.params["verbose_name"]]
            raise

    @staticmethod
    def _verbose(user, attr: str) -> str:
        try:
            return str(user._meta.get_field(attr).verbose_name)
        except Exception:  # noqa: BLE001 - not a field of this user model: never matched
            return attr

    def get_error_message(self):
        return "密码与%(verbose_name)s太相似，请换一个。"

    def get_help_text(self):
        return "密码不能与用户名、姓名、电子邮箱太相似。"


class MinimumLengthValidator(pv.MinimumLengthValidator):
    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


class CommonPasswordValidator(pv.CommonPasswordValidator):
    def get_error_message(self):
        return "这个密码太常见，容易被猜中，请换一个。"

    def get_help_text(self):
        return "不能使用常见密码。"


class NumericPasswordValidator(pv.NumericPasswordValidator):
    def get_error_message(self):
        return "密码不能全是数字。"

    def get_help_text(self):
        return "密码不能全是数字。"

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "taizhang.service.ledger"
    label = "ledger"
    verbose_name = "台账"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from taizhang.service import tokens

        tokens.connect()  # API tokens die with a password change or a deactivation

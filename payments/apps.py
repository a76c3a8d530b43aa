from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from marketplace.models import Tenant
        from payments.services.tenant_billing import create_billing_for_new_tenant

        post_save.connect(create_billing_for_new_tenant, sender=Tenant, dispatch_uid="tenant-billing-row")

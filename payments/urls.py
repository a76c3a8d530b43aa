from django.urls import path

from payments import checkout, webhooks

app_name = "payments"

urlpatterns = [
    path("webhooks/<slug:gateway_name>/", webhooks.receive, name="webhook"),
    path("test-checkout/<uuid:public_id>/", checkout.test_checkout, name="test-checkout"),
    path("test-checkout/<uuid:public_id>/confirm/", checkout.test_confirm, name="test-confirm"),
]

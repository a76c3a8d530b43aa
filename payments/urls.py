from django.urls import path

from payments import checkout, webhooks
from payments.gateways import pages

app_name = "payments"

urlpatterns = [
    path("webhooks/<slug:gateway_name>/", webhooks.receive, name="webhook"),
    path("test-checkout/<uuid:public_id>/", checkout.test_checkout, name="test-checkout"),
    path("test-checkout/<uuid:public_id>/confirm/", checkout.test_confirm, name="test-confirm"),
    path("paypal/return/<uuid:public_id>/", pages.paypal_return, name="paypal-return"),
    path("authorizenet/pay/<uuid:public_id>/", pages.authorizenet_pay, name="authorizenet-pay"),
    path("cancel/<slug:gateway_name>/<uuid:public_id>/", pages.redirect_cancel, name="redirect-cancel"),
]

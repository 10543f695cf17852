from django.urls import path

from sandbox.slack import views

urlpatterns = [path("<path:hook>", views.receive, name="sandbox-slack-receive")]

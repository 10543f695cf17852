from django.urls import path

from sandbox.slack import views

urlpatterns = [
    path("", views.posts, name="sandbox-slack-posts"),
    path("<path:hook>", views.receive, name="sandbox-slack-receive"),
]

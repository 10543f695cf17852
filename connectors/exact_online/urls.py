from connectors.exact_online.views import PAGES

app_name = "exact_online"
urlpatterns = PAGES.urlpatterns()

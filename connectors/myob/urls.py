from connectors.myob.views import PAGES

app_name = "myob"
urlpatterns = PAGES.urlpatterns()

from connectors.business_central.views import PAGES

app_name = "business_central"
# The company picker and the document settings; no 'Connect' pages (the app signs itself in).
urlpatterns = [p for p in PAGES.urlpatterns() if p.name in ("picker", "mappings")]

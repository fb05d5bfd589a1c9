from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

urlpatterns = [
    path("", include("giamngheo.web.urls")),
    path("accounts/", include("giamngheo.accounts.urls")),
    path("geo/", include("giamngheo.geo.urls")),
    path("org/", include("giamngheo.org.urls")),
    path("standards/", include("giamngheo.standards.urls")),
    path("households/", include("giamngheo.households.urls")),
    path("reviews/", include("giamngheo.reviews.urls")),
    path("tables/", include("giamngheo.reviews.table_urls")),
    path("policies/", include("giamngheo.policies.urls")),
    path("jobs/", include("giamngheo.jobs.urls")),
    path("data/", include("giamngheo.dataio.urls")),
    path("data/export/", include("giamngheo.dataio.export_urls")),
    path("plans/", include("giamngheo.plans.urls")),
    path("dashboard/", include("giamngheo.dashboard.urls")),
    path("training/", include("giamngheo.training.urls")),
    path("vocation/", include("giamngheo.vocation.urls")),
    path("fund/", include("giamngheo.fund.urls")),
    path("relief/", include("giamngheo.relief.urls")),
    path("outreach/", include("giamngheo.outreach.urls")),
    path("initiatives/", include("giamngheo.initiatives.urls")),
    path("unit-reports/", include("giamngheo.unitreports.urls")),
    path("commendation/", include("giamngheo.commendation.urls")),
    path("emulation/", include("giamngheo.emulation.urls")),
    path("scoring/", include("giamngheo.scoring.urls")),
    path("documents/", include("giamngheo.officedocs.urls")),
    path("notices/", include("giamngheo.notices.urls")),
    path("api/", include("giamngheo.api.urls")),
    path("webhooks/", include("giamngheo.webhooks.urls")),
    path("odk/", include("giamngheo.odk.urls")),
    path("", include("giamngheo.ops.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/js/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
]

handler400 = "giamngheo.web.views.error_400"
handler403 = "giamngheo.web.views.error_403"
handler404 = "giamngheo.web.views.error_404"
handler500 = "giamngheo.web.views.error_500"

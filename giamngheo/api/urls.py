from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path

from . import views
from .api import api

app_name = "api"


def _api_patterns() -> list[URLPattern | URLResolver]:
    """The API's own URL patterns, in this namespace; they authenticate themselves (token or session), so
    the site's sign-in redirect does not apply to them."""
    patterns: list[URLPattern | URLResolver] = []
    for pattern in api.urls[0]:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
        patterns.append(pattern)
    return patterns


urlpatterns: list[URLPattern | URLResolver] = [
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    *_api_patterns(),
]

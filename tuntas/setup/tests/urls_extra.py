"""The site's routes plus one that has no access entry (for the walker's own test)."""

from django.http import HttpResponse
from django.urls import path

from tuntas.urls import urlpatterns as site

urlpatterns = [*site, path("baru/", lambda request: HttpResponse(), name="rute-baru-tanpa-matriks")]

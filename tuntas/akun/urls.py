from django.contrib.auth.views import LogoutView
from django.urls import path

from tuntas.akun import views

app_name = "akun"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="masuk"),
    path("keluar/", LogoutView.as_view(), name="keluar"),
    path("sandi/", views.PasswordChangeView.as_view(), name="sandi"),
    path("sandi/selesai/", views.PasswordChangeDoneView.as_view(), name="sandi-selesai"),
]

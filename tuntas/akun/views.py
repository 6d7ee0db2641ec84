from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from tuntas.akun.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "akun/masuk.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "akun/sandi.html"
    success_url = reverse_lazy("akun:sandi-selesai")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "akun/sandi_selesai.html"

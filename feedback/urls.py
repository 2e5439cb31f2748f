from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "feedback"

urlpatterns = [
    # Translators: URL segment of the "Was this page helpful?" form; lower-case ASCII.
    path(_("feedback/"), views.send, name="send"),
]

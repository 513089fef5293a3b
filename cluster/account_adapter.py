"""How django-allauth fits the platform: sign-up open or by invitation only, e-mails sent
through the outbox like every other e-mail, French messages."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm as BaseSignupForm
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from territories.links import absolute_reverse
from territories.outbox import enqueue

# Set in the session by a page that opened a valid invitation (a funder's): its holder may
# sign up even when sign-up is by invitation only.
INVITED_SIGNUP_KEY = "signup_invited"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_taken": _("Un compte existe déjà avec cette adresse e-mail. Connectez-vous ou "
                         "demandez un nouveau mot de passe."),
    }

    def is_open_for_signup(self, request):
        return settings.SIGNUP_OPEN or bool(request.session.get(INVITED_SIGNUP_KEY))

    def get_email_confirmation_url(self, request, emailconfirmation):
        """Link the confirmation e-mail to SITE_URL, not to the host the sign-up came from."""
        return absolute_reverse("account_confirm_email", emailconfirmation.key)

    def send_mail(self, template_prefix, email, context):
        """Render allauth's e-mail, then queue it on the platform's one mail path."""
        message = self.render_mail(template_prefix, email, context)
        html_body = next((content for content, mimetype in
                          getattr(message, "alternatives", []) if mimetype == "text/html"),
                         None)
        body = message.body
        if message.content_subtype == "html":
            body, html_body = "", message.body
        enqueue("cluster.tasks.send_email_task", kwargs={
            "subject": message.subject, "body": body, "to": list(message.to),
            "html_body": html_body})


class SignupForm(BaseSignupForm):
    """allauth's sign-up form, labelled as the platform's sign-in form is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Adresse e-mail")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

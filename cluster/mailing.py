"""E-mails of the cluster app's services, rendered once and queued one per address.

A service calls `queue_emails(...)` inside its transaction: the e-mails go through the
outbox (`territories.outbox.enqueue`), so they leave only once the change is committed,
and each goes to one address, so nobody learns the others'.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from territories.outbox import enqueue


def render_email(template, context):
    """Return (subject, text, HTML) of cluster/emails/<template>*, in the site's language."""
    prefix = f"cluster/emails/{template}"
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        return (subject, render_to_string(f"{prefix}.txt", context),
                render_to_string(f"{prefix}.html", context))


def queue_emails(template, context, emails):
    """Queue the e-mail cluster/emails/<template> to each address, after the commit."""
    emails = sorted({email for email in emails if email})
    if not emails:
        return
    subject, body, html_body = render_email(template, context)
    for email in emails:
        enqueue("cluster.tasks.send_email_task", kwargs={
            "subject": subject, "body": body, "to": [email], "html_body": html_body})

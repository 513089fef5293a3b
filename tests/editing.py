"""Fill in an edit page as a browser would: what each field shows, hidden inputs included."""

from django import forms
from django.test import Client


def signed_in(user):
    """Return a client of its own for `user`: a second person, in a second browser."""
    client = Client()
    client.force_login(user)
    return client


def form_data(response, *names):
    """Return the POST data of the forms (or formsets) named in the page's context.

    The values are those the page shows: the saved ones on an edit page, the
    person's input on a page shown again with errors.
    """
    data = {}
    for name in names or ("form",):
        form = response.context[name]
        if isinstance(form, forms.BaseFormSet):
            data.update(_fields(form.management_form))
            for each in form:
                data.update(_fields(each))
        else:
            data.update(_fields(form))
    return data


def _fields(form):
    data = {}
    for field in form:
        value = field.value()
        if isinstance(field.field, forms.BooleanField):
            if value:
                data[field.html_name] = "on"
            continue
        if isinstance(field.field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            data[field.html_name] = [str(item) for item in value or []]
            continue
        shown = field.field.widget.format_value(value)
        if isinstance(shown, list):
            shown = shown[0] if shown else ""
        data[field.html_name] = "" if shown is None else str(shown)
    return data

"""One way to write a form page: validate, call the service, say it worked, redirect.

Every page that changes something through a form runs the same steps: on a valid POST,
call the service; when the service refuses (`DomainError`), show its message on the field
it names, else above the form, and answer 400; when it accepts, add a success message and
redirect. `form_page` does all of it; `add_refusal` and `render_form` are the two steps a
page with a shape of its own (several forms, a conflict to show) uses on its own.
"""

from django.contrib import messages
from django.shortcuts import redirect, render

from territories.errors import DomainError


def add_refusal(form, error):
    """Show a service's refusal on the form: next to `error.field` if the form has it."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def render_form(request, template, context):
    """Render a form page: 400 when it is shown again after a POST, the POST having failed."""
    return render(request, template, context, status=400 if request.method == "POST" else 200)


def _for(value, result):
    return value(result) if callable(value) else value


def form_page(request, form, *, action, success, next, template, context):
    """Run `action(form.cleaned_data)` on a valid POST, then redirect to `next`; else render.

    `success` (the message) and `next` (a URL, or anything `redirect` takes) may be functions
    of what `action` returns, for pages that name or point to what was just saved. A refusal
    of the service is shown on the form (`add_refusal`) and nothing is redirected.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except DomainError as error:
            add_refusal(form, error)
        else:
            if success:
                messages.success(request, _for(success, result))
            return redirect(_for(next, result))
    return render_form(request, template, context)


def run_action(request, action, *, success=None):
    """Run a button's `action()` (a POST with no form to show again); return whether it ran.

    Add `success` (a message, or a function of what `action` returns) when it ran, the
    service's refusal as an error message when it did not; the page then redirects.
    """
    try:
        result = action()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    if success:
        messages.success(request, _for(success, result))
    return True

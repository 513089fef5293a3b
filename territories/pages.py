"""One way to write a page that changes something: validate, call the service, redirect.

On a valid POST the page calls one service; when the service refuses (`DomainError`), its
message goes on the field it names (`DomainError.field`), else above the form, with a 400;
when it accepts, the page adds a success message and redirects.

- `form_page`: a page with one form (most of them);
- `confirm_page`: an "are you sure?" page, with no form;
- `run_action`: a button that posts and redirects back, its outcome in a message;
- `add_refusal`, `form_status`, `render_form`: the steps on their own, for the few pages
  with a shape of their own (several forms, two possible outcomes).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from territories.errors import DomainError


def add_refusal(form, error, current=None):
    """Show a service's refusal on the form; return the status of the page that shows it.

    The message goes next to `error.field` when the form has that field, else above the
    form (400). On a form that carries a version (`territories.locking.VersionedFormMixin`),
    `current()` returns the form filled from the row as saved now: an edit conflict shows
    what changed since the person read it (409).
    """
    if current is not None and error.code == "edit_conflict":
        form.show_conflict(error, current=current())
        return error.status
    form.add_error(error.field if error.field in form.fields else None, error.message)
    return 400


def form_status(request):
    """Return a form page's status: 400 when it is shown again after a POST that failed."""
    return 400 if request.method == "POST" else 200


def render_form(request, template, context):
    """Render a form page, with a 400 after a POST (a POST that worked redirects)."""
    return render(request, template, context, status=form_status(request))


def _for(value, result):
    return value(result) if callable(value) else value


def form_page(request, form, *, action, success, next, template, context, current=None):
    """Run `action(form.cleaned_data)` on a valid POST, then redirect to `next`; else render.

    `success` (the message) and `next` (a URL, or anything `redirect` takes) may be functions
    of what `action` returns, for pages that name or point to what was just saved. A refusal
    of the service is shown on the form (`add_refusal`, which reads `current`).
    """
    status = form_status(request)
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except PermissionDenied:
            raise  # A refused access (funding's AccessDenied) is the 403 page, not a form error.
        except DomainError as error:
            status = add_refusal(form, error, current)
        else:
            if success:
                messages.success(request, _for(success, result))
            return redirect(_for(next, result))
    return render(request, template, context, status=status)


def run_action(request, action, *, success=None):
    """Run a button's `action()` (a POST with no form to show again); return whether it ran.

    Add `success` (a message, or a function of what `action` returns) when it ran, the
    service's refusal as an error message when it did not; the page then redirects.
    """
    try:
        result = action()
    except PermissionDenied:
        raise
    except DomainError as error:
        messages.error(request, error.message)
        return False
    if success:
        messages.success(request, _for(success, result))
    return True


def confirm_page(request, *, action, success, next, template, context):
    """An "are you sure?" page: run `action()` on POST, then redirect to `next`; else render.

    `success` and `next` are as for `form_page`. A refusal of the service is shown on the
    page as `error` in its context, with the refusal's status (409 for a conflict).
    """
    status = 200
    if request.method == "POST":
        try:
            result = action()
        except PermissionDenied:
            raise
        except DomainError as error:
            context, status = {**context, "error": error.message}, error.status
        else:
            if success:
                messages.success(request, _for(success, result))
            return redirect(_for(next, result))
    return render(request, template, context, status=status)

"""The one error of the domain, shared by every app.

It lives in territories, the ground floor of the apps, so that every app may raise
it without importing upwards; `cluster.errors` re-exports it for the apps above.
"""


class DomainError(Exception):
    """A state change the rules of the platform refuse, with a French message for people.

    Pages show `message`; the API answers `{"detail": message, "code": code}`
    with `status` (400 unless the refusal is a conflict with the current state).
    `field` names the form field the refusal is about, when there is one: pages show
    the message next to it (`territories.pages.add_refusal`), else above the form.
    """

    status = 400

    def __init__(self, message, *, code="invalid", status=None, field=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        if status is not None:
            self.status = status

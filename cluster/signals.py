"""Signals the cluster app sends to the apps above it, which it never imports.

`account_deleting` is sent by `cluster.onboarding.account_delete`, inside its transaction
and before the person's data is erased, with `user` and `email` (the address the account
had). A higher app removes what it keeps about the person (funding: a funder's members and
the invitations to that address); a receiver that raises cancels the whole deletion.
"""

from django.dispatch import Signal

account_deleting = Signal()

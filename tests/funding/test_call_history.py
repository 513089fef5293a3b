"""The back office's call page lists who changed the call and when: its dates, its grid,
its opening and closing; authors by their name, their e-mail to staff only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.history import call_history
from funding.models import FunderMember
from funding.services import call_close, call_copy, call_grid_save, call_open, call_save
from tests.cluster.factories import UserFactory
from tests.funding.factories import FunderMemberFactory
from tests.funding.reviewing import call_data as _data
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

GRID = [{"label": "Coopération", "description": "", "weight": 2, "max_score": 5},
        {"label": "Impact", "description": "", "weight": 1, "max_score": 5}]


@pytest.fixture
def funder_admin(funder):
    return FunderMemberFactory(funder=funder, role=FunderMember.Role.ADMIN,
                               user__first_name="Nadia", user__last_name="Benali",
                               user__email="admin.financeur@exemple.fr").user


def _lived_call(funder, by, *, edits=1):
    """A call created, edited `edits` times (dates and grid), opened, then closed."""
    call = call_save(by=by, **_data(funder))
    for number in range(edits):
        call = call_save(by=by, call=call, **_data(
            funder, deadline=call.deadline + timedelta(days=number + 1)))
        call_grid_save(call=call, by=by, criteria=GRID[:1 + number % 2])
    call_grid_save(call=call, by=by, criteria=GRID)
    now = timezone.now()
    call = call_open(call=call, by=by, opens_at=now - timedelta(hours=1),
                     deadline=now + timedelta(days=30))
    return call_close(call=call, by=by)


def test_dates_grid_and_status_changes_are_listed_with_author_and_date(
        client, funder, funder_admin):
    call = call_save(by=funder_admin, **_data(funder))
    call_grid_save(call=call, by=funder_admin, criteria=GRID[:1])
    call_grid_save(call=call, by=funder_admin, criteria=GRID)
    now = timezone.now()
    call = call_open(call=call, by=funder_admin, opens_at=now - timedelta(hours=1),
                     deadline=now + timedelta(days=30))
    call_close(call=call, by=funder_admin)
    client.force_login(funder_admin)
    response = client.get(reverse("funding:manage_call", args=[call.pk]))
    entries = response.context["history"]
    # Newest first: closed (deadline), opened (draft flag and dates), two grids, creation.
    assert [entry.action for entry in entries] == [
        "modification", "modification", "modification", "modification", "création"]
    closing, opening, grid, first_grid, _created = entries
    assert [change.label for change in closing.changes] == ["Date limite de dépôt"]
    assert {"Ouverture", "Date limite de dépôt", "Brouillon"} == {
        change.label for change in opening.changes}
    assert grid.changes[0].old == "Coopération (poids 2, sur 5)"
    assert grid.changes[0].new == ("Coopération (poids 2, sur 5); "
                                   "Impact (poids 1, sur 5)")
    assert first_grid.changes[0].old == "—"
    assert {entry.author for entry in entries} == {"Nadia Benali"}
    text = page_text(response)
    assert "Historique" in text and "Brouillon : oui → non" in text
    assert "Grille d'évaluation : Coopération (poids 2, sur 5) → " in text
    assert "Nadia Benali" in text


def test_an_author_without_a_name_is_shown_by_e_mail_to_staff_only(funder, funder_admin,
                                                                    staff):
    nameless = UserFactory(email="sans.nom@exemple.fr", first_name="", last_name="",
                           is_staff=True)
    call = call_save(by=nameless, **_data(funder))
    assert call_history(call, viewer=staff)[0].author == "sans.nom@exemple.fr"
    assert call_history(call, viewer=funder_admin)[0].author == "personne sans nom enregistré"


def test_a_copy_starts_its_history_with_its_grid(funder, staff):
    call = call_save(by=staff, **_data(funder))
    call_grid_save(call=call, by=staff, criteria=GRID)
    copy = call_copy(call=call, by=staff)
    grid, created = call_history(copy, viewer=staff)
    assert created.action == "création" and created.user == staff
    assert grid.changes[0].new.startswith("Coopération (poids 2, sur 5)")


def test_the_history_is_bounded_to_the_last_twenty_changes(funder, staff):
    call = _lived_call(funder, staff, edits=12)
    assert len(call_history(call, viewer=staff)) == 20


@pytest.mark.parametrize("edits", [1, 6])
def test_the_call_page_costs_the_same_queries_whatever_its_history(
        client, funder, staff, edits, django_assert_num_queries):
    call = _lived_call(funder, staff, edits=edits)
    client.force_login(staff)
    # The 8 queries of the page without its history (the session, the person, the call
    # through the access object, its funder's right, the call's counts, its funder, its
    # criteria twice), then the call's records, the grid's dates and the grid's records.
    with django_assert_num_queries(11):
        response = client.get(reverse("funding:manage_call", args=[call.pk]))
    assert response.status_code == 200

"""The iCalendar feed of a cluster's milestones, fetched by calendar apps with a signed link."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from cluster.credentials import ical_token
from cluster.models import CalendarLink, Membership, Milestone
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://clusters.example.org"


def feed_url(cluster, token=None):
    url = reverse("milestones_ical", args=[cluster.pk])
    return f"{url}?jeton={token}" if token is not None else url


def fetch(cluster, user=None, token=None):
    """Fetch the feed as a calendar app does: no session, only the link."""
    if token is None and user is not None:
        token = ical_token(user, cluster)
    return Client().get(feed_url(cluster, token))


def test_the_dashboard_offers_a_personal_subscription_link(client, member_a, cluster):
    client.force_login(member_a)
    text = page_text(client.get(reverse("cluster_dashboard", args=[cluster.pk])))
    assert "S'abonner au calendrier" in text
    # The link starts with SITE_URL, not with the host the page was asked from.
    link = re.search(r'href="https://clusters\.example\.org(/clusters/\d+/jalons\.ics\?jeton=[^"]+)"',
                     text)
    assert link is not None
    response = Client().get(link.group(1))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_the_feed_has_one_event_per_milestone(member_a, cluster):
    done = Milestone.objects.filter(step__cluster=cluster).order_by("pk").first()
    done.done_on = date(2026, 2, 20)
    done.save()
    response = fetch(cluster, member_a)
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    milestones = Milestone.objects.filter(step__cluster=cluster).select_related("step")
    assert len(events) == milestones.count() == 10
    by_uid = {str(event["UID"]): event for event in events}
    for milestone in milestones:
        event = by_uid[f"milestone-{milestone.pk}@clusters.example.org"]
        assert event.decoded("DTSTART") == milestone.due_date
        assert str(event["SUMMARY"]) == f"{milestone.step} — {milestone.title}"
        assert (str(event.get("STATUS")) == "COMPLETED") is (milestone.pk == done.pk)
    assert b"DTSTART;VALUE=DATE:" in response.content
    assert "Aix-Marseille-Provence" in str(calendar["X-WR-CALNAME"])


def test_the_feed_is_well_formed_text(member_a, cluster):
    step = cluster.steps.get(number=4)
    Milestone.objects.create(step=step, title="Réunion, bilan; suite", due_date=step.end_date)
    Milestone.objects.create(step=step, title="Restitution " + "très longue " * 15,
                             due_date=step.end_date)
    content = fetch(cluster, member_a).content
    assert content.endswith(b"\r\n")
    lines = content.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    unfolded = content.replace(b"\r\n ", b"")
    assert "SUMMARY:4. Expérimenter — Réunion\\, bilan\\; suite".encode() in unfolded
    assert b"\\n" in unfolded  # the description's line break, escaped
    summaries = [str(event["SUMMARY"]) for event in Calendar.from_ical(content).walk("VEVENT")]
    assert "4. Expérimenter — Réunion, bilan; suite" in summaries
    assert "4. Expérimenter — Restitution " + "très longue " * 15 in summaries


def test_a_uid_stays_the_same_from_one_fetch_to_the_next(member_a, cluster):
    def uids():
        return [str(e["UID"]) for e in Calendar.from_ical(fetch(cluster, member_a).content)
                .walk("VEVENT")]

    assert uids() == uids()


@pytest.mark.parametrize("token", [
    "", "nimportequoi", "W1sxLDFdXQ:1tXyZ:abc",
])
def test_a_bad_token_is_not_found(cluster, facilitator, token):
    assert fetch(cluster, token=token).status_code == 404


def test_a_forged_token_is_not_found(cluster, facilitator, staff):
    genuine = ical_token(facilitator, cluster)
    tampered = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")
    assert fetch(cluster, token=tampered).status_code == 404
    # Tokens made the old way, with the ids in clear, open nothing any more.
    assert fetch(cluster, token=signing.dumps([staff.pk, cluster.pk], salt="cluster-ical")) \
        .status_code == 404
    other_salt = signing.dumps([staff.pk, cluster.pk], salt="autre-chose")
    assert fetch(cluster, token=other_salt).status_code == 404
    other_key = signing.dumps([staff.pk, cluster.pk], salt="cluster-ical", key="pas-la-cle")
    assert fetch(cluster, token=other_key).status_code == 404
    unsigned_payload = signing.dumps({"u": staff.pk}, salt="cluster-ical")
    assert fetch(cluster, token=unsigned_payload).status_code == 404


def test_a_token_only_opens_its_own_cluster(cluster, territory_b, staff):
    other = territory_b.clusters.get()
    assert fetch(other, token=ical_token(staff, cluster)).status_code == 404
    assert fetch(other, staff).status_code == 200


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 200), ("member_b", 404), ("reviewer", 404),
    ("staff", 200)])
def test_the_token_works_only_for_who_may_read_the_cluster(cast, cluster, role, expected):
    assert fetch(cluster, cast[role]).status_code == expected


def test_the_token_of_someone_who_left_is_not_found(member_a, collective_a, cluster):
    token = ical_token(member_a, cluster)
    assert fetch(cluster, token=token).status_code == 200
    Membership.objects.filter(user=member_a, collective=collective_a).delete()
    assert fetch(cluster, token=token).status_code == 404


def test_the_token_of_a_deactivated_account_is_not_found(facilitator, cluster):
    token = ical_token(facilitator, cluster)
    facilitator.is_active = False
    facilitator.save()
    assert fetch(cluster, token=token).status_code == 404


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 200), ("member_b", 404), ("reviewer", 404),
    ("staff", 200), ("anonymous", 404)])
def test_signed_in_people_fetch_it_with_their_session(client, cast, cluster, role, expected):
    as_role(client, cast, role)
    response = client.get(feed_url(cluster))
    assert response.status_code == expected
    if expected == 200:
        assert Calendar.from_ical(response.content).walk("VEVENT")


def test_the_feed_query_count_does_not_grow(cluster, member_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(8) as few:
        fetch(cluster, member_a)
    step = cluster.steps.first()
    Milestone.objects.bulk_create([Milestone(step=step, title=f"Jalon {n}",
                                             due_date=step.end_date) for n in range(30)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = fetch(cluster, member_a)
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 40


def dashboard_link(client, cluster):
    text = page_text(client.get(reverse("cluster_dashboard", args=[cluster.pk])))
    return re.search(r'href="https://clusters\.example\.org(/clusters/\d+/jalons\.ics\?jeton=[^"]+)"',
                     text).group(1)


def test_the_link_shows_no_identifier(member_a, staff, cluster):
    token = ical_token(member_a, cluster)
    key = CalendarLink.objects.get(user=member_a).key
    assert token.split(":")[0] == key
    assert len(key) >= 32
    # Another person's link to the same cluster shares nothing with it.
    assert ical_token(staff, cluster).split(":")[0] != key
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="cluster-ical")


def test_renewing_the_link_cuts_the_old_one(client, member_a, cluster):
    client.force_login(member_a)
    old = dashboard_link(client, cluster)
    confirm = client.get(reverse("calendar_link_renew"))
    assert "Renouveler votre lien d'agenda ?" in page_text(confirm)
    assert Client().get(old).status_code == 200  # asking is not renewing

    response = client.post(reverse("calendar_link_renew"), follow=True)
    assert "les anciens liens ne fonctionnent plus" in page_text(response)
    assert Client().get(old).status_code == 404
    new = dashboard_link(client, cluster)
    assert new != old
    assert Client().get(new).status_code == 200


def test_the_profile_offers_to_renew_the_link(client, member_a):
    client.force_login(member_a)
    text = page_text(client.get(reverse("profile")))
    assert "Renouveler le lien" in text
    assert reverse("calendar_link_renew") in text


def test_renewing_needs_a_signed_in_person(client, member_a, cluster):
    token = ical_token(member_a, cluster)
    response = client.post(reverse("calendar_link_renew"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert fetch(cluster, token=token).status_code == 200


def test_a_link_expires_after_its_lifetime(client, settings, time_machine, member_a, cluster):
    settings.ICAL_LINK_TTL_DAYS = 365
    time_machine.move_to(datetime(2026, 3, 1, 10, 0, tzinfo=UTC))
    client.force_login(member_a)
    old = dashboard_link(client, cluster)
    time_machine.move_to(datetime(2027, 2, 28, 10, 0, tzinfo=UTC))
    assert Client().get(old).status_code == 200
    time_machine.move_to(datetime(2027, 3, 1, 10, 0, tzinfo=UTC) + timedelta(minutes=1))
    assert Client().get(old).status_code == 404
    # The dashboard then shows a fresh link, which works.
    client.force_login(member_a)  # the session itself has long expired
    new = dashboard_link(client, cluster)
    assert new != old
    assert Client().get(new).status_code == 200

"""The label's life cycle after the decision: candidacy on submission, the annual follow-up
of a labelled territory, and the reminders before it is due."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cluster.errors import DomainError
from cluster.masterplan import Key, gather
from funding.followup import follow_up_start, send_follow_up_reminders
from funding.models import Call, Dossier, FollowUpReminder
from funding.services import (
    conflict_declare,
    decision_record,
    dossier_save,
    dossier_start,
    dossier_start_review,
    dossier_submit,
)
from funding.snapshot import dossier_contents
from territories.labels import follow_up_due
from territories.models import Label
from tests.funding.factories import FunderMemberFactory, make_complete
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# Labelled in the first wave; on TEST_CLOCK (9 March 2027) this year's anniversary has
# passed, so the follow-up is due on the next one.
DUE = date(2028, 2, 25)
LONG_PLAN = "Année 1 : réunir. Année 2 : expérimenter. Année 3 : essaimer. " * 6


def labelled(territory, status=Label.Status.LABELLED):
    return Label.objects.create(territory=territory, status=status, wave=1,
                                labelled_on=date(2019, 2, 25))


def on(day, time_machine, hour=7):
    time_machine.move_to(datetime(day.year, day.month, day.day, hour, 15, tzinfo=PARIS),
                         tick=False)


# Candidacy on submission ---------------------------------------------------------------------

@pytest.fixture
def label_draft(cluster, facilitator):
    draft = dossier_start(call=Call.objects.get(slug="territoire-french-impact"),
                          cluster=cluster, by=facilitator)
    make_complete(cluster)
    draft.strategic_plan = LONG_PLAN
    draft.save()
    return draft


def test_submitting_a_label_dossier_makes_the_territory_a_candidate(label_draft, cluster,
                                                                     facilitator):
    assert not Label.objects.exists()
    dossier_submit(dossier=label_draft, by=facilitator)
    assert Label.objects.get(territory=cluster.territory).status == Label.Status.CANDIDATE


def test_a_withdrawn_territory_applies_again_and_a_labelled_one_stays_labelled(
        label_draft, cluster, facilitator):
    label = labelled(cluster.territory, Label.Status.WITHDRAWN)
    dossier_submit(dossier=label_draft, by=facilitator)
    label.refresh_from_db()
    assert label.status == Label.Status.CANDIDATE
    label.status = Label.Status.LABELLED
    label.save()
    Dossier.objects.filter(pk=label_draft.pk).update(status=Dossier.Status.DRAFT)
    label_draft.refresh_from_db()
    dossier_submit(dossier=label_draft, by=facilitator)
    label.refresh_from_db()
    assert (label.status, label.wave) == (Label.Status.LABELLED, 1)


def test_a_funding_dossier_makes_no_candidate(cluster, facilitator, funder):
    from tests.funding.factories import CallFactory

    call = CallFactory(funder=funder, max_amount=None)
    make_complete(cluster)
    draft = dossier_start(call=call, cluster=cluster, by=facilitator)
    dossier_save(dossier=draft, fields={"summary": "Un projet.", "requested_amount": 1000},
                 version=draft.version)
    dossier_submit(dossier=draft, by=facilitator)
    assert not Label.objects.exists()


# The follow-up's due date ------------------------------------------------------------------

@pytest.mark.parametrize(("labelled_on", "today", "due"), [
    (date(2019, 2, 25), date(2027, 3, 9), date(2028, 2, 25)),   # this year's has passed
    (date(2019, 2, 25), date(2027, 2, 25), date(2027, 2, 25)),  # due today
    (date(2019, 12, 31), date(2027, 3, 9), date(2027, 12, 31)),
    (date(2027, 1, 10), date(2027, 3, 9), date(2028, 1, 10)),   # one year after the label
    (date(2024, 2, 29), date(2027, 3, 9), date(2028, 2, 29)),
    (date(2024, 2, 29), date(2026, 1, 5), date(2026, 2, 28)),   # no 29 February that year
])
def test_the_follow_up_is_due_on_the_labels_anniversary(territory_a, labelled_on, today, due):
    label = Label(territory=territory_a, status=Label.Status.LABELLED, wave=1,
                  labelled_on=labelled_on)
    assert follow_up_due(label, today) == due


@pytest.mark.parametrize("status", [Label.Status.CANDIDATE, Label.Status.SUSPENDED,
                                    Label.Status.WITHDRAWN])
def test_a_territory_without_the_label_now_has_no_follow_up_due(territory_a, status):
    assert follow_up_due(Label(territory=territory_a, status=status,
                               labelled_on=date(2019, 2, 25))) is None
    assert follow_up_due(None) is None


# Starting the follow-up --------------------------------------------------------------------

def test_starting_the_follow_up_prefills_it_from_the_cluster_and_moves_the_label(
        cluster, facilitator):
    label = labelled(cluster.territory)
    make_complete(cluster)
    dossier = follow_up_start(cluster=cluster, by=facilitator)
    assert dossier.call.kind == Call.Kind.FOLLOW_UP
    assert dossier.follow_up_due == DUE and dossier.status == Dossier.Status.DRAFT
    assert dossier.title == "Suivi annuel 2028 — Aix-Marseille-Provence"
    label.refresh_from_db()
    assert label.status == Label.Status.FOLLOW_UP
    # The contents are the cluster's, through the schéma directeur's providers.
    contents = dossier_contents(dossier)
    sections = gather(cluster)
    assert contents["challenges"] == sections[Key.CHALLENGES]["challenges"]
    assert all(objective["progress"] is not None or objective["latest_value"] is None
               for challenge in contents["challenges"] for objective in challenge["objectives"])
    portfolio = {key: value for key, value in sections[Key.PORTFOLIO].items()
                 if key != "figures"}
    assert contents["follow_up"] == {"due_on": "2028-02-25", "wave": 1,
                                     "labelled_on": "2019-02-25", "portfolio": portfolio}
    funding = sections[Key.FUNDING]
    assert contents["funding_plan"] == (None if funding["plan"] is None else
                                        {k: v for k, v in funding.items() if k != "figures"})
    # Its checklist asks for the year's review only.
    from funding.selectors import dossier_checklist

    items = {item.key: item.ok for item in dossier_checklist(dossier)}
    assert items == {"summary": False, "challenges": True}


def test_a_follow_up_is_submitted_with_the_years_review(cluster, facilitator):
    labelled(cluster.territory)
    make_complete(cluster)
    dossier = follow_up_start(cluster=cluster, by=facilitator)
    with pytest.raises(DomainError, match="Le bilan de l'année"):
        dossier_submit(dossier=dossier, by=facilitator)
    dossier = dossier_save(dossier=dossier, fields={"summary": "Une année de prototypes."},
                           version=dossier.version)
    dossier = dossier_submit(dossier=dossier, by=facilitator)
    assert dossier.status == Dossier.Status.SUBMITTED
    assert dossier.snapshot["follow_up"]["due_on"] == "2028-02-25"


def test_a_follow_up_for_a_territory_that_is_not_labelled_is_refused(cluster, facilitator):
    with pytest.raises(DomainError) as refused:
        follow_up_start(cluster=cluster, by=facilitator)
    assert refused.value.message == ("Aix-Marseille-Provence n'est pas labellisé : le suivi "
                                     "annuel est réservé aux territoires labellisés.")
    labelled(cluster.territory, Label.Status.SUSPENDED)
    with pytest.raises(DomainError, match="est « suspendu » : il n'a pas de suivi annuel"):
        follow_up_start(cluster=cluster, by=facilitator)
    assert not Dossier.objects.exists()
    assert Label.objects.get().status == Label.Status.SUSPENDED


def test_the_same_years_follow_up_twice_is_refused_and_writes_nothing(cluster, facilitator):
    labelled(cluster.territory)
    first = follow_up_start(cluster=cluster, by=facilitator)
    history = Label.history.count()
    with pytest.raises(DomainError) as refused:
        follow_up_start(cluster=cluster, by=facilitator)
    assert refused.value.message == ("Le suivi annuel 2028 de ce cluster est déjà commencé : "
                                     "complétez le dossier existant.")
    assert list(Dossier.objects.all()) == [first]
    assert Label.history.count() == history
    # Through the call's own "new dossier" service too.
    with pytest.raises(DomainError, match="déjà commencé"):
        dossier_start(call=first.call, cluster=cluster, by=facilitator)


def test_next_years_follow_up_is_a_new_dossier(cluster, facilitator, time_machine):
    labelled(cluster.territory)
    follow_up_start(cluster=cluster, by=facilitator)
    on(date(2028, 3, 1), time_machine)
    second = follow_up_start(cluster=cluster, by=facilitator)
    assert second.follow_up_due == date(2029, 2, 25)
    assert Dossier.objects.count() == 2
    assert Label.objects.get().status == Label.Status.FOLLOW_UP


def test_an_accepted_follow_up_brings_the_label_back_to_labelled(cluster, facilitator):
    labelled(cluster.territory)
    make_complete(cluster)
    dossier = follow_up_start(cluster=cluster, by=facilitator)
    dossier = dossier_save(dossier=dossier, fields={"summary": "Bilan."}, version=1)
    dossier = dossier_submit(dossier=dossier, by=facilitator)
    reviewer = FunderMemberFactory(funder=dossier.call.funder).user
    conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=dossier, by=reviewer)
    decision_record(dossier=dossier, by=reviewer, outcome="accepte", comment="Belle année.")
    label = Label.objects.get()
    assert (label.status, label.wave, label.labelled_on) == (
        Label.Status.LABELLED, 1, date(2019, 2, 25))


# Pages -------------------------------------------------------------------------------------

def test_the_dashboard_says_when_the_follow_up_is_due_and_starts_it(client, people, cluster):
    labelled(cluster.territory)
    as_role(client, people, "facilitator")
    dashboard = page_text(client.get(reverse("cluster_dashboard", args=[cluster.pk])))
    assert "Suivi annuel : à déposer avant le 25 février 2028." in dashboard
    url = reverse("funding:follow_up_start", args=[cluster.pk])
    assert "Commencer le suivi annuel" in page_text(client.get(url))
    response = client.post(url)
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("funding:dossier_edit", args=[dossier.pk])
    # Started: the page leads to it; a second start says why not, and writes nothing.
    assert client.get(url).url == dossier.get_absolute_url()
    again = client.post(url)
    assert again.status_code == 409 and "déjà commencé" in page_text(again)
    assert Dossier.objects.count() == 1
    public = page_text(client.get(reverse("territories:detail",
                                          args=[cluster.territory.slug])))
    assert "En suivi annuel" in public
    assert "Suivi annuel en cours, à déposer avant le 25 février 2028." in public


def test_the_follow_up_page_of_a_territory_not_labelled_says_so(client, people, cluster):
    url = reverse("funding:follow_up_start", args=[cluster.pk])
    as_role(client, people, "facilitator")
    assert "n'est pas labellisé aujourd'hui" in page_text(client.get(url))
    response = client.post(url)
    assert response.status_code == 409 and "n'est pas labellisé" in page_text(response)
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(("role", "status"), [
    ("anonymous", 302), ("member_a", 403), ("facilitator_b", 404), ("reviewer", 404),
    ("member_b", 404), ("facilitator", 200), ("staff", 200)])
def test_who_may_start_the_follow_up(client, people, cluster, role, status):
    labelled(cluster.territory)
    url = reverse("funding:follow_up_start", args=[cluster.pk])
    assert as_role(client, people, role).get(url).status_code == status
    assert as_role(client, people, role).post(url).status_code in {status, 302}
    assert Dossier.objects.exists() == (role in {"facilitator", "staff"})


# Reminders ---------------------------------------------------------------------------------

@pytest.fixture
def run(committed):
    def run_reminders():
        with committed():
            return send_follow_up_reminders()
    return run_reminders


def test_the_facilitators_are_reminded_30_and_7_days_before_once_each(
        cluster, facilitator, member_a, mailoutbox, run, time_machine):
    labelled(cluster.territory)
    on(date(2028, 1, 25), time_machine)  # 31 days before
    assert run() == 0
    on(date(2028, 1, 26), time_machine)  # 30 days before
    assert run() == 1 and run() == 0
    assert [message.to for message in mailoutbox] == [["animatrice@exemple.fr"]]
    assert mailoutbox[0].subject == ("Suivi annuel du label d'Aix-Marseille-Provence : à "
                                     "déposer avant le 25 février 2028")
    assert "dans 30 jours" in mailoutbox[0].body
    assert reverse("funding:follow_up_start", args=[cluster.pk]) in mailoutbox[0].body
    on(date(2028, 2, 10), time_machine)
    assert run() == 0
    on(date(2028, 2, 18), time_machine)  # 7 days before
    assert run() == 1 and run() == 0
    assert "dans 7 jours" in mailoutbox[1].body
    assert set(FollowUpReminder.objects.values_list("due_on", "days_before")) == {
        (DUE, 30), (DUE, 7)}
    on(date(2028, 2, 24), time_machine)
    assert run() == 0 and len(mailoutbox) == 2


def test_a_missed_run_sends_only_the_nearest_reminder(cluster, facilitator, mailoutbox, run,
                                                      time_machine):
    labelled(cluster.territory)
    on(date(2028, 2, 20), time_machine)
    assert run() == 1 and run() == 0
    assert len(mailoutbox) == 1 and "dans 5 jours" in mailoutbox[0].body


@pytest.mark.parametrize("status", [Label.Status.SUSPENDED, Label.Status.WITHDRAWN,
                                    Label.Status.CANDIDATE])
def test_no_reminder_for_a_label_suspended_or_withdrawn(cluster, facilitator, mailoutbox, run,
                                                        time_machine, status):
    labelled(cluster.territory, status)
    on(date(2028, 2, 18), time_machine)
    assert run() == 0
    assert mailoutbox == [] and not FollowUpReminder.objects.exists()


def test_no_reminder_once_the_follow_up_is_submitted(cluster, facilitator, mailoutbox, run,
                                                     time_machine):
    labelled(cluster.territory)
    make_complete(cluster)
    dossier = follow_up_start(cluster=cluster, by=facilitator)
    dossier = dossier_save(dossier=dossier, fields={"summary": "Bilan."}, version=1)
    dossier_submit(dossier=dossier, by=facilitator)
    mailoutbox.clear()
    on(date(2028, 2, 18), time_machine)
    assert run() == 0 and mailoutbox == []


def test_the_reminders_run_every_day_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["rappels-du-suivi-annuel-du-label"]
    assert entry["task"] == "funding.tasks.send_follow_up_reminders_task"

"""Queries and computations used by more than one page or endpoint of the funding app."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cluster.masterplan import has_adopted_master_plan
from cluster.models import Cluster, CollectiveActor, Membership
from funding.models import (
    BudgetLine,
    Call,
    ConflictDeclaration,
    Contribution,
    Dossier,
    Funder,
    FundingPlan,
    FundingSource,
    Review,
    Score,
)
from funding.snapshot import dossier_contents
from territories.choices import choice_labels

# Catalogue and funding plans -------------------------------------------------------------

CENTS = Decimal("0.01")
ZERO = Decimal("0.00")

# Readings of the Herfindahl–Hirschman index, on funders' shares in percent (0 to 10,000).
# Thresholds of the U.S. Department of Justice and FTC Horizontal Merger Guidelines (2010,
# §5.3): below 1,500 unconcentrated, 1,500 to 2,500 moderately concentrated, above 2,500
# highly concentrated. Applied here to the funders of one plan instead of firms of a market.
HHI_DIVERSIFIED_BELOW = Decimal(1500)
HHI_CONCENTRATED_ABOVE = Decimal(2500)
HHI_READINGS = {
    "diversified": gettext_lazy("financement diversifié"),
    "moderate": gettext_lazy("modérément concentré"),
    "concentrated": gettext_lazy("très dépendant d'un financeur"),
}


def sources_for_catalogue(queryset=None):
    """Return sources with what a list shows of them, in a fixed number of queries."""
    queryset = queryset if queryset is not None else FundingSource.objects.all()
    return queryset.select_related("funder").prefetch_related("themes").order_by("name", "pk")


def open_on(queryset, day):
    """Keep the sources open on the day (no date means no limit on that side)."""
    return queryset.filter(Q(opens_on__isnull=True) | Q(opens_on__lte=day),
                           Q(closes_on__isnull=True) | Q(closes_on__gte=day))


def search_sources(queryset, words):
    """Keep the sources whose name, description or funder holds every word."""
    for word in words.split()[:10]:
        queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word)
                                   | Q(funder__name__icontains=word))
    return queryset


def with_theme(queryset, theme):
    """Keep the sources open to the theme: those naming it, and those open to every theme."""
    return queryset.filter(Q(themes=theme) | Q(themes__isnull=True)).distinct()


def plans_with_totals(queryset):
    """Annotate plans with the sums of their budget and of their contributions.

    Two subqueries rather than two joined sums, which would multiply each other's rows.
    """
    money = DecimalField(max_digits=16, decimal_places=2)

    def total(model):
        rows = model.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
        return Coalesce(Subquery(rows.annotate(total=Sum("amount")).values("total")[:1]),
                        Value(ZERO), output_field=money)

    return queryset.annotate(budget_total=total(BudgetLine),
                             contribution_total=total(Contribution))


def funding_plan_rows(plan):
    """Return the plan's budget lines and contributions, in two queries."""
    lines = list(plan.lines.order_by("year", "pk"))
    contributions = list(plan.contributions.select_related("source__funder")
                         .order_by("year", "source__name", "pk"))
    return lines, contributions


@dataclass
class Part:
    """One part of a breakdown: an amount, its exact share (0 to 1) and its shown percent."""

    key: str
    label: str
    amount: Decimal
    share: Decimal = ZERO
    percent: int = 0
    extra: dict = field(default_factory=dict)


def _sum(amounts):
    return sum(amounts, ZERO).quantize(CENTS)


def rounded_percents(amounts):
    """Round the amounts' shares to whole percents that add up to exactly 100.

    Largest remainder method: each part gets its share rounded down, then the points
    left go to the largest remainders (the first part wins a tie). For display only:
    computations use the exact amounts.
    """
    total = sum(amounts, ZERO)
    if total <= 0:
        return [0 for _amount in amounts]
    exact = [amount * 100 / total for amount in amounts]
    floors = [int(value) for value in exact]
    left = 100 - sum(floors)
    by_remainder = sorted(range(len(amounts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in by_remainder[:left]:
        floors[index] += 1
    return floors


def _breakdown(keyed_amounts, total):
    """Turn [(key, label, amount, extra)] into Parts with exact shares and shown percents."""
    percents = rounded_percents([amount for _key, _label, amount, _extra in keyed_amounts])
    return [
        Part(key=key, label=str(label), amount=amount.quantize(CENTS),
             share=(amount / total) if total else ZERO, percent=percent, extra=extra)
        for (key, label, amount, extra), percent in zip(keyed_amounts, percents, strict=True)
    ]


def herfindahl(amounts):
    """Return the Herfindahl–Hirschman index of the amounts: the sum of the squared shares
    in percent, from near 0 (many small funders) to 10,000 (one funder), to the cent."""
    total = sum(amounts, ZERO)
    if total <= 0:
        return None
    return (sum(amount * amount for amount in amounts) * 10000 / (total * total)).quantize(
        CENTS, rounding=ROUND_HALF_UP)


def hhi_level(hhi):
    if hhi is None:
        return None
    if hhi < HHI_DIVERSIFIED_BELOW:
        return "diversified"
    if hhi > HHI_CONCENTRATED_ABOVE:
        return "concentrated"
    return "moderate"


def funding_mix(*, first_year, last_year, lines, contributions):
    """Return the plan's mix, computed from its rows alone (no query).

    `contributions` need their source and its funder loaded. Every breakdown adds up
    to its total to the cent: amounts are Decimals, only the percents are rounded.
    """
    uncertain = {Contribution.Status.ENVISAGED, Contribution.Status.REQUESTED}
    years = []
    for year in range(first_year, last_year + 1):
        budget = _sum(line.amount for line in lines if line.year == year)
        funded = [c for c in contributions if c.year == year]
        total = _sum(c.amount for c in funded)
        unsure = _sum(c.amount for c in funded if c.status in uncertain)
        years.append({"year": year, "budget": budget, "contributions": total,
                      "secured": total - unsure, "uncertain": unsure, "gap": budget - total})
    budget_total = _sum(line.amount for line in lines)
    contribution_total = _sum(c.amount for c in contributions)
    uncertain_total = _sum(c.amount for c in contributions if c.status in uncertain)

    def amount_where(test):
        return _sum(c.amount for c in contributions if test(c))

    public = _breakdown([
        ("public", _("public"), amount_where(lambda c: c.source.funder.is_public), {}),
        ("private", _("privé"), amount_where(lambda c: not c.source.funder.is_public), {}),
    ], contribution_total)
    scopes = _breakdown([
        (scope.value, scope.label, amount_where(lambda c, s=scope: c.source.scope == s), {})
        for scope in FundingSource.Scope
    ], contribution_total)
    statuses = _breakdown([
        (status.value, status.label, amount_where(lambda c, s=status: c.status == s), {})
        for status in Contribution.Status
    ], contribution_total)

    by_funder = {}
    for contribution in contributions:
        funder = contribution.source.funder
        by_funder.setdefault(funder.pk, [funder, ZERO])[1] += contribution.amount
    ranked = sorted(by_funder.values(), key=lambda item: (-item[1], item[0].name))
    kinds = choice_labels(Funder.Kind.choices)  # once, not once per funder
    funders = _breakdown([
        (str(funder.pk), funder.name, amount,
         {"kind": kinds.get(funder.kind, funder.kind), "is_public": funder.is_public})
        for funder, amount in ranked
    ], contribution_total)
    hhi = herfindahl([part.amount for part in funders])
    level = hhi_level(hhi)
    return {
        "years": years,
        "budget_total": budget_total,
        "contribution_total": contribution_total,
        "secured_total": contribution_total - uncertain_total,
        "uncertain_total": uncertain_total,
        "gap_total": budget_total - contribution_total,
        "coverage": (contribution_total / budget_total) if budget_total else None,
        "uncertain_share": (uncertain_total / contribution_total)
        if contribution_total else None,
        "public": public,
        "scopes": scopes,
        "statuses": statuses,
        "funders": funders,
        "hhi": hhi,
        "hhi_level": level,
        "hhi_reading": str(HHI_READINGS[level]) if level else "",
        "top_funder": funders[0] if funders else None,
    }


def funding_plan_detail(plan):
    """Return the plan's rows and its mix, in two queries."""
    lines, contributions = funding_plan_rows(plan)
    return {
        "lines": lines,
        "contributions": contributions,
        "mix": funding_mix(first_year=plan.first_year, last_year=plan.last_year, lines=lines,
                           contributions=contributions),
    }


def plans_of(cluster):
    """Return the cluster's plans, the cluster's own first, with their totals."""
    return plans_with_totals(FundingPlan.objects.filter(cluster=cluster)).select_related(
        "project").order_by(Coalesce("project__title", Value("")), "pk")


# Calls and dossiers ------------------------------------------------------------------------

# What the label asks for, in numbers (press kit of 25 February 2019).
LABEL_MIN_ACTORS = 3
LABEL_MIN_FAMILIES = 2
LABEL_MIN_CHALLENGES = 3
# A multi-year strategic plan is more than a sentence; a schéma directeur adopted by the
# comité (every section validated) stands in for this text.
STRATEGIC_PLAN_MIN_CHARS = 300


def calls_for_list(calls, *, now):
    """Split the calls into open ones (closest deadline first) and closed ones (latest first).

    Return two querysets, each with its funder and number of criteria. The permanent call
    of the label's annual follow-up is left out: labelled clusters start it from their
    dashboard (funding.followup), and the API still lists it with its grid.
    """
    calls = calls.exclude(kind=Call.Kind.FOLLOW_UP).select_related("funder").annotate(
        criterion_count=Count("criteria"))
    return (calls.filter(deadline__gt=now).order_by("deadline", "pk"),
            calls.filter(deadline__lte=now).order_by("-deadline", "pk"))


def member_clusters_with_dossier(user, call):
    """Return the clusters of the person's collectives, each with its dossier for the call.

    `cluster.call_dossier` is the dossier or None; `cluster.role` the person's role.
    Staff see only the clusters of the collectives they belong to: the call's page is
    not the place to act for every collective.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    clusters = list(
        Cluster.objects.filter(collective__memberships__user=user)
        .select_related("territory", "collective")
        .prefetch_related(Prefetch("dossiers", queryset=Dossier.objects.filter(call=call),
                                   to_attr="call_dossiers"))
        .annotate(role=_membership_role(user))
        .order_by("territory__name", "pk"))
    for cluster in clusters:
        cluster.call_dossier = cluster.call_dossiers[0] if cluster.call_dossiers else None
    return clusters


def _membership_role(user):
    return Subquery(Membership.objects.filter(collective=OuterRef("collective"), user=user)
                    .values("role")[:1])


@dataclass
class ChecklistItem:
    """One condition of a complete dossier: met or not, and what to do about it."""

    key: str
    label: str
    ok: bool
    message: str
    fix_url: str
    fix_label: str


def dossier_checklist(dossier, *, contents=None):
    """Return what a complete dossier needs for its call, each item met or not.

    A label dossier needs what the label asks for: a multi-actor collective, three
    défis each with a measurable objective, a multi-year strategic plan, a priority
    cooperation territory and an engaged company. A funding dossier needs a title, a
    presentation, an amount within the call's maximum and at least one défi. Computed
    from the dossier's contents (`dossier_contents`), so in a fixed number of queries.
    """
    contents = contents if contents is not None else dossier_contents(dossier)
    if dossier.call.kind == Call.Kind.LABEL:
        return _label_checklist(dossier, contents)
    if dossier.call.kind == Call.Kind.FOLLOW_UP:
        return _follow_up_checklist(dossier, contents)
    return _funding_checklist(dossier, contents)


def _edit_url(dossier, field):
    return reverse("funding:dossier_edit", args=[dossier.pk]) + f"#id_{field}"


def _strategic_plan_item(dossier, plan_length):
    label = _("Un plan stratégique pluriannuel")
    if has_adopted_master_plan(dossier.cluster):
        return ChecklistItem(
            key="strategic_plan", label=label, ok=True,
            message=_("Le schéma directeur adopté par le comité de pilotage en tient lieu."),
            fix_url=reverse("master_plan", args=[dossier.cluster_id]),
            fix_label=_("Voir le schéma directeur"))
    if plan_length >= STRATEGIC_PLAN_MIN_CHARS:
        message = _("Plan stratégique rédigé (%(count)s caractères).") % {
            "count": formats.number_format(plan_length, force_grouping=True)}
    elif plan_length:
        message = _("Le plan stratégique fait %(count)s caractères : décrivez les "
                    "orientations du territoire sur plusieurs années en %(min)s caractères "
                    "au moins, ou faites adopter le schéma directeur.") % {
            "count": plan_length, "min": STRATEGIC_PLAN_MIN_CHARS}
    else:
        message = _("Le plan stratégique n'est pas encore rédigé : décrivez les orientations "
                    "du territoire sur plusieurs années en %(min)s caractères au moins, ou "
                    "faites adopter le schéma directeur.") % {"min": STRATEGIC_PLAN_MIN_CHARS}
    return ChecklistItem(
        key="strategic_plan", label=label, ok=plan_length >= STRATEGIC_PLAN_MIN_CHARS,
        message=message, fix_url=_edit_url(dossier, "strategic_plan"),
        fix_label=_("Rédiger le plan stratégique"))


def _label_checklist(dossier, contents):
    cluster = dossier.cluster
    actors = contents["collective"]["actors"]
    families = {actor["family_key"] for actor in actors}
    family_labels = dict(CollectiveActor.Family.choices)
    challenges = contents["challenges"]
    unmeasured = [challenge["title"] for challenge in challenges if not challenge["objectives"]]
    plan_length = len(contents["dossier"]["strategic_plan"].strip())
    cooperation = contents["territory"]["cooperation_territories"]
    companies = {engagement["company"] for engagement in contents["engagements"]}

    enough_actors = len(actors) >= LABEL_MIN_ACTORS and len(families) >= LABEL_MIN_FAMILIES
    actor_text = ngettext("%(count)s acteur", "%(count)s acteurs", len(actors)) % {
        "count": len(actors)}
    family_text = ngettext("%(count)s famille", "%(count)s familles", len(families)) % {
        "count": len(families)}
    if enough_actors:
        actor_message = _("%(actors)s de %(families)s : %(names)s.") % {
            "actors": actor_text, "families": family_text,
            "names": ", ".join(str(label) for value, label in family_labels.items()
                               if value in families)}
    else:
        counted = (_("Le collectif compte %(actors)s de %(families)s") % {
            "actors": actor_text, "families": family_text} if actors else
            _("Le collectif n'a encore aucun acteur membre"))
        actor_message = _(
            "%(counted)s : il en faut au moins trois, d'au moins deux familles (collectivité, "
            "structure de l'ESS, entreprise engagée, accompagnement, recherche, citoyens). "
            "Ajoutez des acteurs membres au collectif.") % {"counted": counted}

    challenge_problems = []
    if not challenges:
        challenge_problems.append(_("Le cluster n'a encore aucun défi : il en faut au moins "
                                    "trois."))
    elif len(challenges) < LABEL_MIN_CHALLENGES:
        challenge_problems.append(ngettext(
            "Le cluster a %(count)s défi : il en faut au moins trois.",
            "Le cluster a %(count)s défis : il en faut au moins trois.",
            len(challenges)) % {"count": len(challenges)})
    if unmeasured:
        challenge_problems.append(
            _("Sans objectif mesurable : %(titles)s.")
            % {"titles": ", ".join(f"« {title} »" for title in unmeasured)})
    challenge_message = " ".join(challenge_problems) or ngettext(
        "%(count)s défi, avec au moins un objectif mesurable.",
        "%(count)s défis, chacun avec au moins un objectif mesurable.",
        len(challenges)) % {"count": len(challenges)}

    return [
        ChecklistItem(
            key="multi_actor", label=_("Un collectif multi-acteurs"), ok=enough_actors,
            message=actor_message,
            fix_url=reverse("collective_detail", args=[cluster.collective.slug]),
            fix_label=_("Gérer les acteurs du collectif")),
        ChecklistItem(
            key="challenges", label=_("Trois défis avec des objectifs mesurables"),
            ok=not challenge_problems, message=challenge_message,
            fix_url=reverse("cluster_dashboard", args=[cluster.pk]) + "#defis",
            fix_label=_("Voir les défis du cluster")),
        _strategic_plan_item(dossier, plan_length),
        ChecklistItem(
            key="cooperation", label=_("Un territoire de coopération prioritaire"),
            ok=bool(cooperation),
            message=(_("Territoires de coopération prioritaire : %(names)s.")
                     % {"names": ", ".join(cooperation)} if cooperation else
                     _("Aucun territoire de coopération prioritaire : indiquez-en au moins un "
                       "sur la fiche du territoire (zone voisine ou interne qui rejoint la "
                       "dynamique).")),
            fix_url=reverse("territories:update", args=[cluster.territory.slug]),
            fix_label=_("Modifier la fiche du territoire")),
        ChecklistItem(
            key="engaged_companies", label=_("Des entreprises engagées"), ok=bool(companies),
            message=(ngettext("%(count)s entreprise engagée.", "%(count)s entreprises engagées.",
                              len(companies)) % {"count": len(companies)} if companies else
                     _("Aucune entreprise engagée : enregistrez au moins un engagement "
                       "(mécénat, partenariat, achats responsables…).")),
            fix_url=reverse("engagement_list", args=[cluster.pk]),
            fix_label=_("Voir les entreprises engagées")),
    ]


def _funding_checklist(dossier, contents):
    texts = contents["dossier"]
    amount = texts["requested_amount"]
    maximum = contents["call"]["max_amount"]
    challenges = contents["challenges"]
    if amount is None:
        amount_ok, amount_message = False, _("Indiquez le montant demandé.")
    elif maximum is not None and Decimal(amount) > Decimal(maximum):
        amount_ok, amount_message = False, _(
            "Le montant demandé (%(amount)s €) dépasse le maximum de l'appel (%(max)s €)."
        ) % {"amount": _euros(amount), "max": _euros(maximum)}
    else:
        amount_ok, amount_message = True, _("%(amount)s € demandés.") % {
            "amount": _euros(amount)}
    return [
        ChecklistItem(
            key="title", label=_("Un intitulé"), ok=bool(texts["title"].strip()),
            message=(texts["title"] if texts["title"].strip() else
                     _("Donnez un intitulé au dossier.")),
            fix_url=_edit_url(dossier, "title"), fix_label=_("Modifier l'intitulé")),
        ChecklistItem(
            key="summary", label=_("Une présentation du projet"),
            ok=bool(texts["summary"].strip()),
            message=(_("Présentation rédigée.") if texts["summary"].strip() else
                     _("Présentez le projet : ce qu'il fait, pour qui, avec qui.")),
            fix_url=_edit_url(dossier, "summary"), fix_label=_("Rédiger la présentation")),
        ChecklistItem(
            key="requested_amount", label=_("Un montant demandé dans les limites de l'appel"),
            ok=amount_ok, message=amount_message,
            fix_url=_edit_url(dossier, "requested_amount"),
            fix_label=_("Modifier le montant")),
        _one_challenge_item(dossier, challenges),
    ]


def _one_challenge_item(dossier, challenges):
    return ChecklistItem(
        key="challenges", label=_("Au moins un défi"), ok=bool(challenges),
        message=(ngettext("%(count)s défi.", "%(count)s défis.", len(challenges))
                 % {"count": len(challenges)} if challenges else
                 _("Le cluster n'a encore aucun défi : définissez-en au moins un.")),
        fix_url=reverse("cluster_dashboard", args=[dossier.cluster_id]) + "#defis",
        fix_label=_("Voir les défis du cluster"))


def _follow_up_checklist(dossier, contents):
    """An annual follow-up needs the year's review; its figures come from the cluster."""
    summary = contents["dossier"]["summary"].strip()
    challenges = contents["challenges"]
    return [
        ChecklistItem(
            key="summary", label=_("Le bilan de l'année"), ok=bool(summary),
            message=(_("Bilan rédigé.") if summary else
                     _("Racontez l'année du cluster : ce qui a avancé, ce qui a bloqué, ce "
                       "qui vient.")),
            fix_url=_edit_url(dossier, "summary"), fix_label=_("Rédiger le bilan")),
        _one_challenge_item(dossier, challenges),
    ]


def _euros(amount):
    return formats.number_format(Decimal(amount), decimal_pos=2 if Decimal(amount) % 1 else 0,
                                 force_grouping=True)


# Reviews, conflicts of interest, decisions -------------------------------------------------


# What the lists of dossiers send (the funders' API, the reviewers' page, the CSV and XLSX
# exports): never the frozen snapshot, the texts or the PDF, which a page of 100 would
# otherwise decode for nothing (the snapshot alone weighs some 28 KiB a dossier).
DOSSIER_LIST_FIELDS = (
    "id", "call_id", "cluster_id", "title", "status", "submitted_at", "requested_amount",
    "call__id", "call__slug", "call__title", "call__funder_id", "call__funder__id",
    "call__funder__name", "cluster__id", "cluster__territory_id", "cluster__collective_id",
    "cluster__territory__id", "cluster__territory__name", "cluster__territory__slug",
    "cluster__collective__id", "cluster__collective__name",
    "decision__id", "decision__dossier_id", "decision__outcome",
)


def with_review_figures(dossiers, *, listing=True):
    """Annotate each dossier's average weighted score and number of reviews.

    Subqueries rather than a GROUP BY, so that filters on other relations never count
    a review twice; the decision comes along, with the call, cluster and territory.
    For a list (`listing`), only the columns the lists send are read
    (`DOSSIER_LIST_FIELDS`); a dossier's detail passes `listing=False`.
    """
    reviews = Review.objects.filter(dossier=OuterRef("pk")).order_by().values("dossier")
    dossiers = dossiers.select_related(
        "call__funder", "cluster__territory", "cluster__collective", "decision")
    if listing:
        dossiers = dossiers.only(*DOSSIER_LIST_FIELDS)
    return dossiers.annotate(
        average_score=Subquery(reviews.annotate(value=Avg("weighted_score")).values("value")[:1],
                               output_field=DecimalField(max_digits=5, decimal_places=2)),
        review_count=Coalesce(Subquery(reviews.annotate(value=Count("pk")).values("value")[:1]),
                              0),
    )


def dossier_reviews(dossier):
    """Return the dossier's reviews with their reviewer and scores, in two queries."""
    return list(dossier.reviews.select_related("reviewer").prefetch_related(
        Prefetch("scores", queryset=Score.objects.select_related("criterion").order_by(
            "criterion__position", "criterion__pk"))).order_by("submitted_at", "pk"))


def with_declaration_state(dossiers, user):
    """Annotate `must_declare`: the person reviews the dossier and has not declared yet."""
    if not user.is_authenticated or not user.is_active or user.is_staff:
        return dossiers.annotate(must_declare=Value(False, output_field=BooleanField()))
    member = Exists(Membership.objects.filter(collective=OuterRef("cluster__collective"),
                                              user=user))
    declared = Exists(ConflictDeclaration.objects.filter(dossier=OuterRef("pk"),
                                                         reviewer=user))
    return dossiers.annotate(must_declare=Case(When(member | declared, then=Value(False)),
                                               default=Value(True),
                                               output_field=BooleanField()))

"""Every main page, forms and back office included, as each role: no axe-core violation
(WCAG 2.1 A and AA) at 1280 nor at 320 CSS px, and at 320 px nothing wider than the screen
(WCAG 1.4.10, reflow).

One browser, one context per role, each page loaded once: axe runs at 1280 px, then the same
page is narrowed to 320 px and measured. axe-core is served from the platform's own static
files (`static/vendor/axe-core/`); every request to another host is refused, so nothing
reaches the network.
"""


import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.browser

AXE = "vendor/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW = 320

RUN_AXE = """(only) => axe.run(document, {runOnly: only, resultTypes: ["violations"]})
  .then((results) => results.violations.map((violation) => ({
    rule: violation.id,
    help: violation.help,
    nodes: violation.nodes.map((node) => ({target: node.target.join(" "),
                                           summary: node.failureSummary})),
  })))"""

# The page's width once narrowed (charts redraw on the next frames), and the innermost
# elements that stick out, to say what to fix.
WIDEST = """async (width) => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  await new Promise((done) => setTimeout(done, 50));
  const wide = [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 1)
    .filter((element) => ![...element.children].some(
      (child) => child.getBoundingClientRect().right > width + 1));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    culprits: wide.slice(0, 5).map((element) =>
      `${element.tagName.toLowerCase()}${element.className && typeof element.className ===
        "string" ? "." + element.className.trim().split(/\\s+/).join(".") : ""}`
      + ` (${Math.round(element.getBoundingClientRect().right)} px)`),
  };
}"""


def main_pages():
    """Name and path of every main page, on the demo's flagship territory and cluster."""
    from cluster.models import Cluster, RoadmapStep
    from funding.models import Dossier, FundingPlan
    from projects.models import Event, Project
    from territories.models import Territory

    territory = Territory.objects.get(slug="aix-marseille-provence")
    cluster = Cluster.objects.get(territory=territory)
    challenge = cluster.challenges.order_by("position", "pk").first()
    objective = challenge.objectives.order_by("pk").first()
    step = RoadmapStep.objects.filter(cluster=cluster).order_by("pk").first()
    plan = FundingPlan.objects.filter(cluster=cluster).order_by("pk").first()
    project = Project.objects.filter(cluster=cluster).order_by("pk").first()
    event = Event.objects.filter(cluster=cluster).order_by("pk").first()
    own_dossier = Dossier.objects.filter(cluster=cluster).order_by("pk").first()
    submitted = Dossier.objects.exclude(submitted_at=None).order_by("pk").first()
    actor = territory.actors.order_by("pk").first()
    slug = territory.slug
    collective = cluster.collective
    call = submitted.call
    funder = call.funder
    return [
        ("accueil", reverse("home")),
        ("territoires", reverse("territories:list")),
        ("territoire", reverse("territories:detail", args=[slug])),
        ("carte", reverse("territories:map", args=[slug])),
        ("carte nationale", reverse("national_map")),
        ("acteurs", reverse("territories:actor_list", args=[slug])),
        ("acteur", reverse("territories:actor_detail", args=[slug, actor.pk])),
        ("schéma directeur publié", reverse("territory_master_plan", args=[slug])),
        ("tableau de bord du cluster", reverse("cluster_dashboard", args=[cluster.pk])),
        ("étape de la feuille de route", reverse("step_detail", args=[cluster.pk, step.pk])),
        ("défi", reverse("challenge_update", args=[cluster.pk, challenge.pk])),
        ("objectif", reverse("objective_detail", args=[cluster.pk, objective.pk])),
        ("schéma directeur", reverse("master_plan", args=[cluster.pk])),
        ("projets", reverse("projects:board", args=[cluster.pk])),
        ("liste des projets", reverse("projects:list", args=[cluster.pk])),
        ("projet", reverse("projects:detail", args=[project.slug])),
        ("évènements", reverse("projects:event_list", args=[cluster.pk])),
        ("évènement", reverse("projects:event_public", args=[event.slug])),
        ("plans de financement", reverse("funding:plan_list", args=[cluster.pk])),
        ("plan de financement", reverse("funding:plan_detail", args=[cluster.pk, plan.pk])),
        ("appels", reverse("funding:call_list")),
        ("appel", reverse("funding:call_detail", args=[submitted.call.slug])),
        ("dossier", reverse("funding:dossier_detail", args=[own_dossier.pk])),
        ("dossier déposé", reverse("funding:dossier_detail", args=[submitted.pk])),
        ("instruction", reverse("funding:review_list")),
        ("avis", reverse("funding:dossier_review", args=[submitted.pk])),
        ("recherche", reverse("search") + "?q=alimentation"),
        ("profil", reverse("profile")),
        ("connexion", reverse("login")),
        ("inscription", reverse("account_signup")),
        ("bienvenue", reverse("onboarding")),
        # Forms
        ("nouvel acteur", reverse("territories:actor_create", args=[slug])),
        ("import d'acteurs", reverse("territories:actor_import", args=[slug])),
        ("nouveau défi", reverse("challenge_create", args=[cluster.pk])),
        ("nouveau projet", reverse("projects:create", args=[cluster.pk])),
        ("nouvel évènement", reverse("projects:event_create", args=[cluster.pk])),
        ("nouveau plan", reverse("funding:plan_create", args=[cluster.pk])),
        ("dossier en rédaction", reverse("funding:dossier_edit", args=[own_dossier.pk])),
        # The collective and its companies and committees
        ("collectif", reverse("collective_detail", args=[collective.slug])),
        ("demandes d'adhésion", reverse("join_request_list", args=[collective.slug])),
        ("entreprises engagées", reverse("engagement_list", args=[cluster.pk])),
        ("comités de pilotage", reverse("steering_list", args=[cluster.pk])),
        # Funders and the back office
        ("catalogue des financements", reverse("funding:source_list")),
        ("financeurs", reverse("funding:funder_list")),
        ("personnes du financeur", reverse("funding:funder_people", args=[funder.slug])),
        ("gestion des appels", reverse("funding:manage_call_list")),
        ("nouvel appel", reverse("funding:manage_call_create")),
        ("appel en gestion", reverse("funding:manage_call", args=[call.pk])),
        ("grille de l'appel", reverse("funding:manage_call_grid", args=[call.pk])),
        ("gestion des dossiers", reverse("funding:manage_dossier_list")),
        ("gestion des territoires", reverse("national_territory_list")),
        ("gestion des collectifs", reverse("national_collective_list")),
        ("gestion des masterclasses", reverse("national_masterclass_list")),
        ("nouvelle masterclass", reverse("national_masterclass_create")),
        ("gestion des réseaux d'entreprises", reverse("national_company_network_list")),
    ]


ROLES = {
    # role: demo account (None: anonymous)
    "anonyme": None,
    "membre": "membre@demo.local",
    "animatrice": "animatrice@demo.local",
    "instructrice": "instructeur@demo.local",
    "coordination": "coordination@demo.local",
}


def only_local(context, base_url):
    """Refuse every request to another host: the test never reaches the network."""
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(base_url) else route.abort())


def sign_in(page, base_url, email, password):
    page.goto(f"{base_url}{reverse('login')}")
    page.locator("main").get_by_label("Adresse e-mail").fill(email)
    page.locator("main").get_by_label("Mot de passe").fill(password)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: reverse("login") not in url)


def audit(page, base_url, path):
    """Load the page; None when the role may not see it, else its violations and width."""
    response = page.goto(base_url + path)
    landed = page.url[len(base_url):]
    if response.status >= 400 or (landed.split("?")[0] != path.split("?")[0]
                                  and reverse("login") in landed):
        return None
    page.add_script_tag(url=f"{base_url}{settings.STATIC_URL}{AXE}")
    violations = page.evaluate(RUN_AXE, {"type": "tag", "values": WCAG_TAGS})
    size = page.viewport_size
    page.set_viewport_size({"width": NARROW, "height": 640})
    width = page.evaluate(WIDEST, NARROW)
    # The narrow layout is another page (menus folded, tables stacked): every rule again, and
    # what scrolls sideways must be reachable by keyboard (a labelled region).
    seen = {(violation["rule"], node["target"]) for violation in violations
            for node in violation["nodes"]}
    for violation in page.evaluate(RUN_AXE, {"type": "tag", "values": WCAG_TAGS}) + \
            page.evaluate(RUN_AXE, {"type": "rule", "values": ["scrollable-region-focusable"]}):
        violation["nodes"] = [node for node in violation["nodes"]
                              if (violation["rule"], node["target"]) not in seen]
        if violation["nodes"]:
            violation["help"] += f" (à {NARROW} px)"
            violations.append(violation)
    page.set_viewport_size(size)
    return {"violations": violations, **width}


def walk(browser, base_url, pages, password, roles=ROLES):
    """Audit every page as every role: {(role, page name): result}."""
    results = {}
    for role, email in roles.items():
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
        only_local(context, base_url)
        page = context.new_page()
        if email:
            sign_in(page, base_url, email, password)
        for name, path in pages:
            if email and path == reverse("login"):
                continue  # the sign-in page is the anonymous visitor's
            results[role, name] = audit(page, base_url, path)
        context.close()
    return results


def report(results):
    """What failed, readable: one line per rule and page, then its nodes."""
    lines = []
    for (role, name), result in results.items():
        if result is None:
            continue
        for violation in result["violations"]:
            lines.append(f"{role} / {name}: {violation['rule']} ({len(violation['nodes'])} "
                         f"nœud(s)) — {violation['help']}")
            lines.extend(f"    {node['target']}: {node['summary']}"
                         for node in violation["nodes"][:5])
        if result["scrollWidth"] > NARROW:
            lines.append(f"{role} / {name}: {result['scrollWidth']} px de large à {NARROW} px "
                         f"— {', '.join(result['culprits'])}")
    return "\n".join(lines)


@pytest.fixture
def demo_site(settings, tmp_path, migration_rows):
    """The demo, committed for the live server (the module-scoped `demo` cannot be).

    Its reviewer has declared no conflict and taken the submitted dossier into review, so
    that the review form and the dossier's review buttons are walked too.
    """
    from cluster.models import User
    from funding.models import Dossier
    from funding.services.dossiers import dossier_start_review
    from funding.services.reviews import conflict_declare

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    reviewer = User.objects.get(email=ROLES["instructrice"])
    dossier = Dossier.objects.exclude(submitted_at=None).get()
    conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=dossier, by=reviewer)


def test_every_main_page_passes_axe_and_fits_320_px_for_every_role(
        live_server, browser, demo_site):
    from funding.management.commands.load_demo import DEMO_PASSWORD

    pages = main_pages()
    results = walk(browser, live_server.url, pages, DEMO_PASSWORD)
    seen = {name for (_role, name), result in results.items() if result is not None}
    assert seen == {name for name, _path in pages}, "des pages n'ont été vues par personne"
    assert all(results["animatrice", name] for name in (
        "tableau de bord du cluster", "défi", "plan de financement", "dossier", "profil",
        "dossier en rédaction", "collectif", "demandes d'adhésion"))
    assert all(results["coordination", name] for name in (
        "gestion des appels", "grille de l'appel", "gestion des territoires"))
    assert results["instructrice", "avis"]
    problems = report(results)
    assert not problems, "\n" + problems



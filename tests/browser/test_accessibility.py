"""Every main page, as each role: no axe-core violation (WCAG 2.1 A and AA), and at 320 CSS px
nothing wider than the screen (WCAG 1.4.10, reflow).

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
    return [
        ("accueil", reverse("home")),
        ("territoires", reverse("territories:list")),
        ("territoire", reverse("territories:detail", args=[slug])),
        ("carte", reverse("territories:map", args=[slug])),
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
    # What scrolls sideways at 320 px must be reachable by keyboard (a labelled region).
    violations += page.evaluate(RUN_AXE, {"type": "rule",
                                          "values": ["scrollable-region-focusable"]})
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
        "tableau de bord du cluster", "défi", "plan de financement", "dossier", "profil"))
    assert results["instructrice", "avis"]
    problems = report(results)
    assert not problems, "\n" + problems



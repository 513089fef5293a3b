"""Every main page works under the Content-Security-Policy: the browser refuses nothing."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cluster.models import Measurement, Objective
from tests.projects.factories import ActorFactory, ChallengeFactory

pytestmark = pytest.mark.browser

# Runs before any script of the page: keeps every violation the browser reports.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(event.violatedDirective + " " + event.blockedURI + " " + event.sourceFile
                    + ":" + event.lineNumber);
});
"""


@pytest.fixture
def watched(page):
    """The page, and the list of refusals it reports (console and violation events)."""
    refused = []
    page.add_init_script(LISTEN)
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None)
    page.on("pageerror", lambda error: refused.append(str(error)))

    def visit(url):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        refused.extend(page.evaluate("window.__csp || []"))

    return page, visit, refused


def test_the_main_pages_run_under_the_policy(live_server, watched, member_a, password,
                                             territory_a):
    page, visit, refused = watched
    cluster = territory_a.clusters.get()
    ActorFactory(territory=territory_a, name="Cité de l'agriculture",
                 latitude=Decimal("43.2965"), longitude=Decimal("5.3698"))
    challenge = ChallengeFactory(cluster=cluster, title="Cultiver Marseille")
    objective = Objective.objects.create(
        challenge=challenge, title="Hectares cultivés", unit="ha", baseline=0, target=10,
        target_date=date(2027, 12, 31))
    Measurement.objects.create(objective=objective, measured_on=date(2026, 3, 1),
                               value=4, source="Relevé")

    visit(f"{live_server.url}/")
    response = page.request.get(f"{live_server.url}/")
    assert "default-src 'self'" in response.headers["content-security-policy"]

    visit(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(member_a.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name=str(member_a))).to_be_visible()

    # Leaflet and its marker clusters.
    visit(f"{live_server.url}/territoires/{territory_a.slug}/carte/")
    marker = page.locator("#map .leaflet-marker-icon, #map path.leaflet-interactive").first
    expect(marker).to_be_visible()
    # The map's words come from the page, in its language.
    expect(page.get_by_role("button", name="Zoom avant")).to_be_visible()

    # Progress bars (widths from classes) and the calendar link.
    visit(f"{live_server.url}/clusters/{cluster.pk}/")
    bar = page.locator(".progress-bar").first
    expect(bar).to_be_visible()
    assert bar.evaluate("element => element.getBoundingClientRect().width") > 0

    # Chart.js.
    visit(f"{live_server.url}/clusters/{cluster.pk}/objectifs/{objective.pk}/")
    expect(page.locator("canvas").first).to_be_visible()
    assert page.evaluate("Chart.getChart(document.getElementById('objective-chart'))"
                         ".data.datasets.map(d => d.label)") == ["ha", "Départ", "Cible"]

    # htmx: the project board.
    visit(f"{live_server.url}/projets/clusters/{cluster.pk}/")
    expect(page.get_by_role("region", name="Idée")).to_be_visible()

    # The community's chart; the schéma directeur's tables (column widths from classes).
    visit(f"{live_server.url}/projets/clusters/{cluster.pk}/communaute/")
    visit(f"{live_server.url}/clusters/{cluster.pk}/schema-directeur/apercu/")
    expect(page.get_by_role("heading", name="Aperçu du schéma directeur")).to_be_visible()

    visit(f"{live_server.url}/compte/profil/")
    expect(page.get_by_role("link", name="Renouveler le lien")).to_be_visible()

    # Swagger UI, with its own relaxed style policy.
    visit(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()

    assert refused == []


def test_the_admin_sign_in_runs_under_the_policy(live_server, watched):
    _page, visit, refused = watched
    visit(f"{live_server.url}/admin/login/")
    assert refused == []

"""The scripts of static/js hold no French word: the page that includes one renders its words,
in the person's language, and the script reads them from the page."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cluster.models import Challenge, Objective
from tests.funding.factories import BudgetLineFactory, FundingPlanFactory

SCRIPTS = Path(settings.BASE_DIR) / "static" / "js"
LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
COMMENT = re.compile(r"^\s*//.*$", re.MULTILINE)
# Letters with an accent, French punctuation spacing (" : "), and French words a script
# would show.
FRENCH = re.compile(
    r"[À-ÿŒœ]|\s[:;!?]\s|\b(ajout|ajouter|départ|depart|cible|carte|acteur|lieu|voir|fiche|"
    r"aucun|aucune|élément|erreur|chargement|montant|graphique|zoom avant|fermer|"
    r"suivant|précédent|rechercher|résultats?|valeur)\b",
    re.IGNORECASE)


def french_words(source):
    """Return the string literals of a script that hold French."""
    return [literal for literal in LITERAL.findall(COMMENT.sub("", source))
            if FRENCH.search(literal[1:-1])]


def test_the_check_finds_french_in_a_string_and_not_in_a_comment():
    assert french_words('// "Ajouter" buttons\nlabel: "Départ", x: "Cible", y: \' : \'') == [
        '"Départ"', '"Cible"', "' : '"]
    assert french_words('var x = element.dataset.more; fetch("/api/", {})') == []


def test_no_script_of_static_js_holds_a_french_word():
    scripts = sorted(SCRIPTS.glob("*.js"))
    assert scripts, SCRIPTS
    found = {path.name: french_words(path.read_text(encoding="utf-8")) for path in scripts}
    assert {name: words for name, words in found.items() if words} == {}


def words(response, element_id):
    """Return the words a page renders for its script, as the script reads them."""
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>',
                      response.content.decode(), re.DOTALL)
    assert match, f"{element_id} missing"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_the_objective_page_gives_its_chart_the_names_of_its_lines(client, member_a, cluster):
    challenge = Challenge.objects.create(cluster=cluster, title="Cultiver Marseille",
                                         kind="environnemental")
    objective = Objective.objects.create(challenge=challenge, title="Surfaces cultivées",
                                         unit="hectares", baseline=12, target=40,
                                         target_date=date(2029, 6, 1))
    client.force_login(member_a)
    page = client.get(reverse("objective_detail", args=[cluster.pk, objective.pk]))
    assert words(page, "objective-words") == {"baseline": "Départ", "target": "Cible"}


@pytest.mark.django_db
def test_the_plan_page_gives_its_charts_the_way_to_say_an_amount(client, facilitator, cluster):
    plan = FundingPlanFactory(cluster=cluster)
    BudgetLineFactory(plan=plan)
    client.force_login(facilitator)
    page = client.get(reverse("funding:plan_detail", args=[cluster.pk, plan.pk]))
    assert words(page, "plan-chart-words") == {"amount": "{label} : {amount}"}


@pytest.mark.django_db
def test_the_territory_form_gives_the_perimeter_buttons_their_word(client, staff, territory_a):
    client.force_login(staff)
    page = client.get(reverse("territories:update", args=[territory_a.slug]))
    assert words(page, "perimeter-words") == {"added": "Ajouté"}


@pytest.mark.django_db
def test_the_map_page_gives_the_map_its_words(client, territory_a):
    text = client.get(reverse("territories:map", args=[territory_a.slug])).content.decode()
    for attribute in ('data-actor-label="Acteur"', 'data-place-label="Lieu"',
                      'data-more="Voir la fiche"', 'data-zoom-in="Zoom avant"',
                      'data-zoom-out="Zoom arrière"'):
        assert attribute in text


@pytest.mark.django_db
def test_the_words_follow_the_language(client, member_a, cluster):
    """Only the words change: English keeps the same keys (the English text needs the
    compiled translations, absent from a bare checkout)."""
    client.force_login(member_a)
    challenge = Challenge.objects.create(cluster=cluster, title="Cultiver", kind="environnemental")
    objective = Objective.objects.create(challenge=challenge, title="Surfaces", unit="ha",
                                         baseline=1, target=4, target_date=date(2029, 6, 1))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("objective_detail", args=[cluster.pk, objective.pk]))
    assert set(words(page, "objective-words")) == {"baseline", "target"}

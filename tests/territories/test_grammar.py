"""French "de / du / des / d'" and articles before names, and where pages, e-mails and PDFs use
them (territories.grammar, the `|de` and `|le` filters)."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from cluster import frenchtext
from territories.grammar import de, le
from tests.helpers import page_text

# name, "de" + name, the name inside a sentence
CASES = [
    ("Lyon", "de Lyon", "Lyon"),
    ("Aix-Marseille-Provence", "d'Aix-Marseille-Provence", "Aix-Marseille-Provence"),
    ("Orléans", "d'Orléans", "Orléans"),
    ("Île-de-France", "d'Île-de-France", "Île-de-France"),
    ("Grand Narbonne", "du Grand Narbonne", "le Grand Narbonne"),
    ("Le Grand Narbonne", "du Grand Narbonne", "Le Grand Narbonne"),
    ("Les Mauges", "des Mauges", "Les Mauges"),
    ("Le French Impact", "du French Impact", "Le French Impact"),
    ("Le Havre", "du Havre", "Le Havre"),
    ("La Rochelle", "de La Rochelle", "La Rochelle"),
    ("L'Haÿ-les-Roses", "de L'Haÿ-les-Roses", "L'Haÿ-les-Roses"),
    ("Métropole de Lyon", "de la Métropole de Lyon", "la Métropole de Lyon"),
    ("Eurométropole de Strasbourg", "de l'Eurométropole de Strasbourg",
     "l'Eurométropole de Strasbourg"),
    ("Collectif porteur Aix-Marseille", "du Collectif porteur Aix-Marseille",
     "le Collectif porteur Aix-Marseille"),
    ("Association Tiers-Lieux", "de l'Association Tiers-Lieux", "l'Association Tiers-Lieux"),
    ("Communauté d'agglomération du Grand Reims", "de la Communauté d'agglomération du Grand "
     "Reims", "la Communauté d'agglomération du Grand Reims"),
    ("Hauts-de-France", "des Hauts-de-France", "les Hauts-de-France"),
    ("Pays de la Loire", "des Pays de la Loire", "les Pays de la Loire"),
    ("Pays basque", "du Pays basque", "le Pays basque"),
    ("Bouches-du-Rhône", "des Bouches-du-Rhône", "les Bouches-du-Rhône"),
    ("Toulouse Métropole", "de Toulouse Métropole", "Toulouse Métropole"),
    ("Hénin-Beaumont", "de Hénin-Beaumont", "Hénin-Beaumont"),  # h aspiré: no elision
    ("CRESS PACA", "de CRESS PACA", "CRESS PACA"),
    ("  Lyon \n Métropole ", "de Lyon Métropole", "Lyon Métropole"),
    ("", "", ""),
    (None, "", ""),
]


@pytest.mark.parametrize(("name", "of_name", "in_sentence"), CASES)
def test_de_and_le_in_french(name, of_name, in_sentence):
    with translation.override("fr"):
        assert de(name) == of_name
        assert le(name) == in_sentence
        assert frenchtext.de(name) == of_name  # the documents' module shares the one rule


def test_other_languages_get_of_and_the_name_as_written():
    with translation.override("en"):
        assert de("Le Grand Narbonne") == "of Le Grand Narbonne"
        assert le("Collectif porteur Lyon") == "Collectif porteur Lyon"


def test_the_filters_escape_the_name_like_any_value():
    template = Template("{% load french %}{{ name|de }} · {{ name|le }}")
    with translation.override("fr"):
        text = template.render(Context({"name": "Association <b>X</b>"}))
    assert text == ("de l&#x27;Association &lt;b&gt;X&lt;/b&gt; · "
                    "l&#x27;Association &lt;b&gt;X&lt;/b&gt;")


@pytest.mark.django_db
def test_the_map_page_says_carte_d_aix(client, territory_a):
    text = page_text(client.get(reverse("territories:map", args=[territory_a.slug])))
    assert "Carte d'Aix-Marseille-Provence" in text
    assert "Carte de Aix" not in text


def test_an_email_subject_says_du_collectif_without_escaping():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    request = SimpleNamespace(collective=SimpleNamespace(name="Collectif porteur Aix"),
                              territory=SimpleNamespace(name="Aix-Marseille-Provence"))
    with translation.override("fr"):
        subject = render_to_string("cluster/emails/cluster_request_sent_subject.txt",
                                   {"request": request}).strip()
        funder = SimpleNamespace(name="Agence d'innovation")
        invitation = render_to_string("funding/emails/funder_invitation_subject.txt",
                                      {"funder": funder}).strip()
    assert subject == "Demande de cluster du Collectif porteur Aix sur Aix-Marseille-Provence"
    assert invitation == "Invitation à instruire les dossiers de l'Agence d'innovation"

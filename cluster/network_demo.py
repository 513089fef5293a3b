"""Demo data of the network, from the seeds only (seeds/localtis-27-territoires.txt): the
transfer of Nantes' expertise on tiers-lieux to Strasbourg, and the company network the
article names. Nothing is invented beyond what the source says: the transfer is accepted,
not held (the article gives no date nor outcome), and labelled with its source."""

from cluster.models import CompanyNetwork, Transfer
from cluster.services.network import transfer_ask, transfer_decide

LOCALTIS = ("Localtis, 2019 : « l'expertise de Nantes sur les tiers-lieux au profit de "
            "Strasbourg »")


def load_network(clusters):
    """Record the seed's transfer and company network, once; return the transfer."""
    CompanyNetwork.objects.get_or_create(
        name="La France, une chance. Les entreprises s'engagent",
        defaults={"description": (
            "Démarche portée par le ministère du Travail, citée par Localtis (2019) : "
            "connecter les collectifs territoriaux aux réseaux d'entreprises pour favoriser "
            "tout type de collaboration – mentorat, mécénat financier, mécénat de compétence, "
            "partenariat opérationnel, achat.")})
    nantes, strasbourg = clusters.get("nantes-metropole"), clusters.get("strasbourg-eurometropole")
    if nantes is None or strasbourg is None:
        return None
    transfer = Transfer.objects.filter(source=LOCALTIS).first()
    if transfer is None:
        # The tiers-lieux cut across the five national themes: no theme.
        transfer = transfer_ask(
            requester=strasbourg, provider=nantes, theme=None, format="visite",
            subject="Les tiers-lieux : les ouvrir, les faire vivre, leur modèle économique",
            by=None, source=LOCALTIS)
        transfer = transfer_decide(transfer=transfer, accept=True, by=None)
    return transfer

"""Demo data of the funding app: the label body and a few funders of the hybrid catalogue."""

from funding.models import Funder, FunderMember

FUNDERS = [
    ("le-french-impact", "Le French Impact", Funder.Kind.NETWORK, "https://www.le-frenchimpact.fr"),
    ("banque-des-territoires", "Banque des Territoires", Funder.Kind.PUBLIC_BANK,
     "https://www.banquedesterritoires.fr"),
    ("bpifrance", "Bpifrance", Funder.Kind.PUBLIC_BANK, "https://www.bpifrance.fr"),
    ("region-bretagne", "Région Bretagne", Funder.Kind.REGION, "https://www.bretagne.bzh"),
]


def load_funders():
    """Create or update the demo funders; return them by slug."""
    funders = {}
    for slug, name, kind, website in FUNDERS:
        funder, _ = Funder.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "website": website}
        )
        funders[slug] = funder
    return funders


def ensure_reviewer(*, user, funder):
    FunderMember.objects.get_or_create(user=user, funder=funder)

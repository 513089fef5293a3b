"""Peer territories to learn from: the clusters of other published territories that match a
cluster, each with the reasons shown to the person.

Reasons, strongest first: a peer shares what the cluster needs (or needs what it shares) on a
national theme; a défi on the same theme, or of the same nature; a project one stage ahead
(projects sits above cluster: it adds its reasons through `register_peer_reasons`, called from
its `AppConfig.ready()`); proximity, from the centroid of each territory's communes.

A fixed number of queries whatever the number of territories; the list is bounded (PEERS).
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cluster.models import Challenge, Cluster, KnowHow
from territories.commune_shapes import commune_point
from territories.models import Territory

PEERS = 5
NEAR_KM = 150
WEIGHTS = {"know_how": 3, "project": 2, "theme": 2, "kind": 1, "near": 1}

_providers = []


def register_peer_reasons(function):
    """Add a source of reasons: `function(cluster, peers)` returns {peer cluster pk: [reason
    texts]}, in a fixed number of queries; each reason weighs as a project one stage ahead."""
    if function not in _providers:
        _providers.append(function)


@dataclass
class Peer:
    cluster: Cluster
    reasons: list = field(default_factory=list)
    score: int = 0
    distance_km: float | None = None

    def add(self, weight, text):
        self.reasons.append(text)
        self.score += WEIGHTS[weight]


def _centroids(territory_ids):
    """Return {territory pk: (lat, lon)}, the population-weighted centre of its communes."""
    sums = {}
    links = Territory.communes.through.objects.filter(territory_id__in=territory_ids) \
        .values_list("territory_id", "commune_id", "commune__population")
    for territory_id, code, population in links:
        point = commune_point(code)
        if point is None:
            continue
        weight = max(population or 0, 1)
        total = sums.setdefault(territory_id, [0.0, 0.0, 0])
        total[0] += point[0] * weight
        total[1] += point[1] * weight
        total[2] += weight
    return {pk: (lat / weight, lon / weight) for pk, (lat, lon, weight) in sums.items()}


def distance_km(a, b):
    """Great-circle distance between two (lat, lon) points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(h))


def suggest_peers(cluster, *, limit=PEERS):
    """Return up to `limit` Peers for the cluster, best first, each with its reasons."""
    candidates = {peer.pk: Peer(cluster=peer) for peer in Cluster.objects.filter(
        territory__is_published=True).exclude(territory_id=cluster.territory_id)
        .select_related("territory", "collective").order_by("territory__name", "pk")}
    if not candidates:
        return []
    ids = [*candidates, cluster.pk]
    know_how = {}
    for row in KnowHow.objects.filter(cluster_id__in=ids).select_related("theme"):
        know_how.setdefault(row.cluster_id, []).append(row)
    mine = know_how.get(cluster.pk, [])
    needs = {row.theme_id: row.theme for row in mine if row.kind == KnowHow.Kind.NEED}
    offers = {row.theme_id: row.theme for row in mine if row.kind == KnowHow.Kind.OFFER}
    challenges = {}
    for row in Challenge.objects.filter(cluster_id__in=ids).select_related("theme"):
        challenges.setdefault(row.cluster_id, []).append(row)
    my_themes = {row.theme_id: row.theme for row in challenges.get(cluster.pk, [])
                 if row.theme_id}
    my_kinds = {row.kind for row in challenges.get(cluster.pk, [])} - {Challenge.Kind.OTHER}

    for pk, peer in candidates.items():
        for row in know_how.get(pk, []):
            if row.kind == KnowHow.Kind.OFFER and row.theme_id in needs:
                peer.add("know_how", _("Partage un savoir-faire dont vous avez besoin "
                                       "(%(theme)s) : %(text)s")
                         % {"theme": row.theme.name, "text": row.text})
            elif row.kind == KnowHow.Kind.NEED and row.theme_id in offers:
                peer.add("know_how", _("Cherche votre savoir-faire (%(theme)s) : %(text)s")
                         % {"theme": row.theme.name, "text": row.text})
        peer_challenges = challenges.get(pk, [])
        shared = sorted({row.theme.name for row in peer_challenges if row.theme_id in my_themes})
        for name in shared:
            peer.add("theme", _("Un défi sur le même thème : %(theme)s") % {"theme": name})
        if not shared:
            kinds = sorted({row.get_kind_display() for row in peer_challenges
                            if row.kind in my_kinds})
            if kinds:
                peer.add("kind", _("Un défi de même nature : %(kind)s")
                         % {"kind": ", ".join(kinds)})

    for provider in _providers:
        for pk, reasons in provider(cluster, candidates).items():
            for text in reasons:
                candidates[pk].add("project", text)

    centroids = _centroids([cluster.territory_id] + [peer.cluster.territory_id
                                                     for peer in candidates.values()])
    here = centroids.get(cluster.territory_id)
    for peer in candidates.values():
        there = centroids.get(peer.cluster.territory_id)
        if here and there:
            peer.distance_km = distance_km(here, there)
            if peer.distance_km <= NEAR_KM:
                peer.add("near", _("Territoire proche : à %(km)s km")
                         % {"km": round(peer.distance_km)})
    ranked = sorted((peer for peer in candidates.values() if peer.score),
                    key=lambda peer: (-peer.score, peer.distance_km or math.inf,
                                      peer.cluster.territory.name, peer.cluster.pk))
    return ranked[:limit]


"""Projects give cluster's peer suggestions a reason of their own, through the registry: a
peer's published project on the same theme one stage ahead."""

import pytest

from cluster.peers import suggest_peers
from projects.models import Project
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_peer_with_a_project_one_stage_ahead_is_suggested(cluster, cluster_b):
    cluster_b.territory.is_published = True
    cluster_b.territory.save(update_fields=["is_published"])
    mine = ProjectFactory(cluster=cluster, stage=Project.Stage.PROTOTYPE)
    mine.themes.set(["mobilite-douce"])
    ahead = ProjectFactory(cluster=cluster_b, stage=Project.Stage.EXPERIMENT, title="Vélobus",
                           is_published=True)
    ahead.themes.set(["mobilite-douce"])
    two_ahead = ProjectFactory(cluster=cluster_b, stage=Project.Stage.SCALE, title="Loin",
                               is_published=True)
    two_ahead.themes.set(["mobilite-douce"])
    [peer] = suggest_peers(cluster)
    assert peer.cluster == cluster_b
    # The factory's défis are social on both sides: that reason comes too.
    assert peer.reasons == ["Un défi de même nature : social",
                            "Un projet une étape plus loin (expérimentation, Mobilité douce) : "
                            "Vélobus"]


def test_an_unpublished_project_gives_no_reason(cluster, cluster_b):
    cluster_b.territory.is_published = True
    cluster_b.territory.save(update_fields=["is_published"])
    ProjectFactory(cluster=cluster, stage=Project.Stage.IDEA).themes.set(["bien-vieillir"])
    ProjectFactory(cluster=cluster_b, stage=Project.Stage.PROTOTYPE,
                   is_published=False).themes.set(["bien-vieillir"])
    [peer] = suggest_peers(cluster)
    assert peer.reasons == ["Un défi de même nature : social"]

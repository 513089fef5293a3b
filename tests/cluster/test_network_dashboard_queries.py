"""The national dashboard's queries, pinned at 27 and at 270 territories: the page and
the API run the same number whatever the size of the network (see tests/bench)."""

import pytest

from tests.cluster.network_data import build_network

pytestmark = pytest.mark.django_db

# {url: queries} for the national team, then for the public (sessions and user included).
PINNED = {
    "staff": {"/reseau/": 21, "/api/reseau/": 12, "/api/reseau/territoires/": 10},
    "public": {"/reseau/": 15, "/api/reseau/": 8, "/api/reseau/territoires/": 6},
}


@pytest.mark.parametrize("role", ["staff", "public"])
def test_pinned_queries_at_27_and_270_territories(client, django_assert_num_queries, staff,
                                                   role):
    if role == "staff":
        client.force_login(staff)
    for size, prefix in ((27, "petit"), (243, "grand")):
        build_network(size, prefix=prefix)
        for url, queries in PINNED[role].items():
            with django_assert_num_queries(queries):
                assert client.get(url).status_code == 200

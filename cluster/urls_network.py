"""Pages of the network between territories, under /reseau/ (the national dashboard at
/reseau/ itself is the root urlconf's)."""

from django.urls import path

from cluster.views import network, network_more

urlpatterns = [
    path("territoires/<slug:slug>/", network.territory_network, name="territory_network"),
    path("clusters/<int:pk>/", network.cluster_network, name="cluster_network"),
    path("clusters/<int:pk>/savoir-faire/nouveau/", network.know_how_create,
         name="know_how_create"),
    path("clusters/<int:pk>/savoir-faire/<int:item_pk>/retirer/",
         network.know_how_delete_view, name="know_how_delete"),
    path("clusters/<int:pk>/transferts/nouveau/", network.transfer_create,
         name="transfer_create"),
    path("clusters/<int:pk>/freins/nouveau/", network_more.blocker_create,
         name="blocker_create"),
    path("transferts/", network.transfer_list, name="transfer_list"),
    path("transferts/<int:pk>/", network.transfer_detail, name="transfer_detail"),
    path("transferts/<int:pk>/accepter/", network.transfer_answer, {"accept": True},
         name="transfer_accept"),
    path("transferts/<int:pk>/refuser/", network.transfer_answer, {"accept": False},
         name="transfer_refuse"),
    path("transferts/<int:pk>/realise/", network.transfer_held, name="transfer_held"),
    path("blocages/", network_more.lifted_blocker_list, name="lifted_blocker_list"),
    path("masterclasses/", network_more.masterclass_list, name="masterclass_list"),
    path("masterclasses/<int:pk>/inscription/", network_more.masterclass_join_view,
         name="masterclass_join"),
    path("entreprises/", network_more.company_network_list, name="company_network_list"),
]

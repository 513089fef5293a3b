from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Financements et dossiers")

    def ready(self):
        # The schéma directeur (cluster) gathers this app's data through its registry:
        # cluster never imports funding.
        from cluster.masterplan import Key, register_section_provider
        from funding.masterplan import funding_data

        register_section_provider(Key.FUNDING, funding_data)

        # The search (territories) finds funding sources and calls through its registry too.
        from funding.search import register_search_kinds

        register_search_kinds()

        # A person who deletes their account leaves every funder's people (cluster sends
        # the signal and never imports funding).
        from cluster.signals import account_deleting
        from funding.services.funders import forget_deleted_account

        account_deleting.connect(forget_deleted_account, dispatch_uid="funding.forget_account")

        # And the open data publishes the catalogue through its registry.
        from funding.opendata import register_datasets

        register_datasets()

        # The national dashboard (cluster) gathers the funds raised and planned.
        from cluster.network import register_territory_provider
        from funding.network import fund_totals, funds

        register_territory_provider("funds", funds, totals=fund_totals, columns=[
            ("planned", _("budget prévu")), ("raised", _("financements réunis"))])

"""Pages of the cluster app, one module per part of the site."""

"""Pages of the funding app, one module per part: the catalogue and funding plans, calls and
dossiers."""

"""Pages of the projects app, one module per part of the site."""

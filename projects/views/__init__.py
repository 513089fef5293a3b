"""Pages of the projects app, one module per part: projects, events."""

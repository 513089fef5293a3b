"""Projects, events and essaimage: see DESIGN.md."""

"""Interactive views: query results to HTML (tables, vis-network graphs). Not built yet."""

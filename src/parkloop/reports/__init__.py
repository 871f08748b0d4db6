"""Report assembly and rendering: documents built from service results, no SQL."""

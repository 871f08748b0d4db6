"""The web application (pages) over the same services as the command line."""

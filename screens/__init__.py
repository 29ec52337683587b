"""The Textual UI over the ``wizard`` core. Only this package imports Textual."""

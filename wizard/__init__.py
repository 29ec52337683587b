"""ttnn-wizard core: spec model and parser, profiles, generation, apply/merge, runner, Claude client.

Nothing under this package imports Textual; the UI lives in ``screens``.
"""

__version__ = "0.1.0"

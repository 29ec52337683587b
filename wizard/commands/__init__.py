"""One module per CLI sub-command, each exposing ``run(args) -> int`` (imported lazily by ``wizard.cli``)."""

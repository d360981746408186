"""Developer tools (run from the repository root as modules: `python -m tools.bygg_mall`).

Not part of the program that is installed; nothing in pipeline/ imports them.
"""

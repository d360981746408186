"""Hälsocenter rapport: Excel in, nyckeltal och Word-rapport ut.

The cores, from bytes to bytes (nothing written to disk): `comparison_from_csvs`.
They load on first use, so that `import pipeline` stays light for every command.
"""

__all__ = ["ComparisonResult", "comparison_from_csvs"]


def __getattr__(name: str):
    if name in ("ComparisonResult", "comparison_from_csvs"):
        from pipeline.comparison import job

        return getattr(job, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")

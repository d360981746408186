"""What tests run in a helper process: a workbook reader that dies as python-calamine does
when memory runs out (it prints a Rust backtrace and ends the process at once), and a look
at the helper's memory cap. Kept apart from the tests so that the helper process that runs
them imports nothing more than the real reader would."""

import os


def die(*args, **kwargs):
    os.write(2, b"memory allocation of 549755813888 bytes failed\nstack backtrace:\n")
    os._exit(134)


def address_space_limit() -> int:
    import resource

    return resource.getrlimit(resource.RLIMIT_AS)[0]


def collector() -> tuple[tuple[int, int, int], int]:
    """The helper's garbage-collector thresholds and how many objects it left frozen."""
    import gc

    return gc.get_threshold(), gc.get_freeze_count()

"""A purge backend for tests: remembers every purge (``PAGE_CACHE_PURGE_BACKEND``)."""


class RecordingPurge:
    purged: list[list[str]] = []

    def purge(self, tags: list[str]) -> None:
        RecordingPurge.purged.append(list(tags))

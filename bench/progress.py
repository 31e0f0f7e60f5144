"""A dependency-free progress bar for long bench steps (stderr, one line)."""

import sys
import time


class Bar:
    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.started = time.monotonic()
        self._shown = 0.0

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._shown > 0.25 or self.done >= self.total:
            self._shown = now
            filled = int(30 * self.done / self.total)
            rate = self.done / max(now - self.started, 1e-9)
            sys.stderr.write(
                f"\r{self.label:<22} [{'#' * filled}{'.' * (30 - filled)}] "
                f"{self.done:>9,}/{self.total:,} {rate:>9,.0f}/s"
            )
            sys.stderr.flush()

    def close(self) -> float:
        elapsed = time.monotonic() - self.started
        sys.stderr.write(f"  {elapsed:.1f}s\n")
        return elapsed


def step(label: str):
    """Print a one-line step and return a callable that prints its duration."""
    sys.stderr.write(f"{label:<22} ")
    sys.stderr.flush()
    started = time.monotonic()

    def done() -> float:
        elapsed = time.monotonic() - started
        sys.stderr.write(f"{elapsed:.1f}s\n")
        return elapsed

    return done

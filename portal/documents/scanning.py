"""The virus check of uploaded files: ClamAV's daemon (clamd) through `clamav-client`, optional like Redis.

Where clamd is set (CLAMD_SOCKET, or CLAMD_HOST and CLAMD_PORT) every upload is scanned before it is stored.
Where it is not set or does not answer, a file is stored in quarantine (ScanStatus.PENDING): nobody can download
or publish it until `flask scan-uploads` has found it clean. Nothing is ever "accepted unscanned".
"""

import os
from collections.abc import Callable, Iterable
from io import BytesIO
from pathlib import Path
from typing import TypeVar

from flask import current_app

from portal.documents.models import ScanStatus

#: clamd answers within seconds for the portal's file sizes; a daemon that hangs must not hold a worker
TIMEOUT_SECONDS = 30
Row = TypeVar("Row")


class ScannerUnavailable(Exception):
    """clamd is not configured, not reachable, or could not scan this file: the file waits in quarantine."""


def _setting(name: str, default: str = "") -> str:
    value = current_app.config.get(name)
    return str(value) if value not in (None, "") else os.environ.get(name, default)


def _clamd():
    from clamav_client.clamd import ClamdNetworkSocket, ClamdUnixSocket

    if socket_path := _setting("CLAMD_SOCKET"):
        return ClamdUnixSocket(socket_path, timeout=TIMEOUT_SECONDS)
    if host := _setting("CLAMD_HOST"):
        return ClamdNetworkSocket(host, int(_setting("CLAMD_PORT", "3310")), timeout=TIMEOUT_SECONDS)
    return None


def configured() -> bool:
    """Whether a virus scanner is set up (it may still be down)."""
    return callable(current_app.config.get("VIRUS_SCANNER")) or _clamd() is not None


def find_virus(data: bytes) -> str | None:
    """The name of the virus clamd found in `data`, or None when clean; ScannerUnavailable when it cannot say.

    A callable VIRUS_SCANNER in the configuration (bytes → name or None) replaces clamd: the tests' fake.
    """
    scanner: Callable | None = current_app.config.get("VIRUS_SCANNER")
    if callable(scanner):
        return scanner(data)
    from clamav_client.clamd import ClamdError

    clamd = _clamd()
    if clamd is None:
        raise ScannerUnavailable("no virus scanner is configured (CLAMD_SOCKET or CLAMD_HOST)")
    try:
        result = clamd.instream(BytesIO(data))
    except (ClamdError, OSError) as error:
        raise ScannerUnavailable(f"clamd did not scan the file: {error}") from error
    status, reason = next(iter(result.values()), (None, None))
    if status == "FOUND":
        return reason or "unknown"
    if status == "OK":
        return None
    raise ScannerUnavailable(f"clamd answered {status}: {reason}")


def scan(data: bytes) -> tuple[ScanStatus, str | None]:
    """(clean, None), (infected, virus name), or (pending, None) when no scanner could look at the file."""
    try:
        virus = find_virus(data)
    except ScannerUnavailable as error:
        current_app.logger.warning("upload kept in quarantine: %s", error)
        return ScanStatus.PENDING, None
    return (ScanStatus.INFECTED, virus) if virus else (ScanStatus.CLEAN, None)


def scan_file(path: Path) -> tuple[ScanStatus, str | None]:
    """scan() of a stored file; a file gone from the disk stays pending (staff see it, nobody can open it)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        current_app.logger.error("stored upload %s could not be read for the virus check: %s", path, error)
        return ScanStatus.PENDING, None
    return scan(data)


def scan_rows(rows: Iterable[Row], path_of: Callable[[Row], Path], mark: Callable[[Row, ScanStatus], None],
                   on_infected: Callable[[Row, str], None]) -> dict[str, int]:
    """The virus check of stored files waiting in quarantine (`flask scan-uploads`): for each row, its file
    `path_of(row)` is scanned; a verdict is kept with `mark(row, state)`; an infected file is deleted and
    `on_infected(row, virus)` audits it (the row stays, marked, for staff to see). A row whose file still could
    not be scanned stays pending. Returns {"clean": n, "infected": n, "pending": n}."""
    counts = {"clean": 0, "infected": 0, "pending": 0}
    for row in rows:
        status, virus = scan_file(path_of(row))
        counts[status.value] += 1
        if status == ScanStatus.PENDING:
            continue
        mark(row, status)
        if status == ScanStatus.INFECTED:
            path_of(row).unlink(missing_ok=True)
            on_infected(row, virus or "unknown")
    return counts

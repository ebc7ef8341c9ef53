"""Extract the interface strings and write the ja and en catalogs.

English is the msgid language, so the en catalog repeats it; Japanese comes from
tools/ja_messages.py. A string without Japanese is left empty, and the catalog
test fails until someone writes it.
Run: .venv/bin/python tools/update_catalogs.py
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from ja_messages import JA  # noqa: E402

POT = ROOT / "translations" / "messages.pot"


def main() -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "--ignore-dirs=.* node_modules", "--no-location", "--omit-header",
         "-o", str(POT), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    for lang in ("ja", "en"):
        catalog = read_po(POT.open("rb"), locale=lang)
        catalog.header_comment = f"# {lang} interface strings of the Kyoso Portal"
        catalog.fuzzy = False
        catalog.project, catalog.version = "kyoso-portal", "0.1"
        missing = []
        for message in catalog:
            if not message.id:
                continue
            if lang == "en":
                message.string = message.id
            else:
                message.string = JA.get(message.id, "")
                if not message.string:
                    missing.append(message.id)
                elif message.pluralizable:
                    message.string = (message.string,)
        out = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as fh:
            write_po(fh, catalog, width=0, omit_header=False, sort_output=True)
        for msgid in missing:
            print(f"{lang}: missing translation: {msgid!r}")


if __name__ == "__main__":
    main()

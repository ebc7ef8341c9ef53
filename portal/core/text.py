"""Staff-written Markdown, sanitised before it reaches a page."""

import markdown
import nh3
from markupsafe import Markup


def render_markdown(text: str) -> Markup:
    html = markdown.markdown(text or "", extensions=["sane_lists"])
    # bandit B704 waived: sanitised by nh3 first
    return Markup(nh3.clean(html, link_rel="noopener noreferrer"))  # nosec B704

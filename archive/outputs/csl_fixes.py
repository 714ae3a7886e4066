"""Three rules of CSL 1.0.2 that citeproc-py 0.11 misses and the official styles rely on.

- cs:substitute: "Substituted variables are suppressed in the rest of the output."
  citeproc-py suppresses only a `<text variable>` written directly inside `<substitute>`;
  APA, Chicago and MLA substitute the title through macros, so an article without an
  author showed its title twice ("Title. (2025). Title [Explainer]...").
- `initialize="false"` on cs:name: Chicago and MLA print given names in full, but
  citeproc-py ignored the attribute and printed "Mishra, V.".
- `punctuation-in-quote` (en-US): a period or comma after a quoted title goes inside
  the closing quote ("Title." not "Title".).

`install()` patches citeproc-py's classes once, at app start; the substitute loop is
citeproc-py's own plus a log of what it rendered. It also remembers where each style's
macros are: citeproc-py searched the style with XPath on every macro call, most of the cost
of formatting a citation.
"""

import re
import threading

from citeproc.model import CitationStylesElement, Name, Names, Substitute, Text
from citeproc.source import VariableError

TEXT_TAG = "{http://purl.org/net/xbiblio/csl}text"
PUNCTUATION_AFTER_QUOTE = re.compile(r"([.?!]?)”([.,])")
_original_variable = Text._variable
_original_name_option = Name.get_option
_original_get_macro = CitationStylesElement.get_macro
_found = threading.local()  # each thread's parsed styles (citations._style): its own macros


def _logged_variable(self, item, context):
    """Text's variable lookup, noting what it printed while a substitution is running."""
    text = _original_variable(self, item, context)
    log = getattr(context.get_layout(), "substituted", None)
    if text is not None and log is not None:
        log.add(self.get("variable"))
    return text


def _render_substitute(self, item, context=None, **kwargs):
    """The first child that renders stands in for the names; its variables are used up."""
    context = self if context is None else context
    layout = context.get_layout()
    outer_log = getattr(layout, "substituted", None)
    for child in self.getchildren():
        layout.substituted = set()
        try:
            if isinstance(child, Names) and child.name is None:
                names = self.xpath_search("./parent::cs:names[1]")[0]
                text = child.render(item, names_context=names, context=context, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except VariableError:
            continue
        finally:
            rendered, layout.substituted = layout.substituted, outer_log
        if text:
            self.add_to_repressed_list(child, context)
            layout.repressed.setdefault(TEXT_TAG, []).extend(rendered)
            if outer_log is not None:
                outer_log.update(rendered)
            return text
    return None


def _name_option(self, name, context=None, sort_options=None):
    """`initialize="false"` keeps given names whole whatever `initialize-with` says."""
    if name == "initialize-with" and self.get("initialize", "true") == "false":
        return None
    return _original_name_option(self, name, context, sort_options)


def _get_macro(self, name):
    """A style's macro, found once: a parsed style never changes."""
    source = self.getroottree().docinfo.URL
    if source is None:
        return _original_get_macro(self, name)
    macros = _found.__dict__.setdefault("macros", {})
    key = (source, name)
    if key not in macros:
        macros[key] = _original_get_macro(self, name)
    return macros[key]


def punctuation_inside_quotes(entry):
    """American style: “Title”. becomes “Title.”, and “Why?”. becomes “Why?”."""
    return PUNCTUATION_AFTER_QUOTE.sub(lambda m: f"{m[1] or m[2]}”", entry)


def install():
    Text._variable = _logged_variable
    Substitute.render = _render_substitute
    Name.get_option = _name_option
    CitationStylesElement.get_macro = _get_macro

"""Per-site extraction overrides: a CSS selector or an XPath expression, compiled once.

Used only where the generic extraction fails on a site (``[sites.KEY.selectors]``).
"""

from __future__ import annotations

from functools import lru_cache

from cssselect import GenericTranslator, SelectorError
from lxml import etree

# What a site may override, and what each selects.
SELECTOR_FIELDS = {
    "title": "the headline's element",
    "body": "the element(s) holding the article's text",
    "published": "the publication date: an element whose text is the date, or an attribute (XPath .../@datetime)",
}


class InvalidSelector(ValueError):
    pass


@lru_cache(maxsize=256)
def compile_selector(selector: str) -> etree.XPath:
    """An XPath when the text starts like one (``/``, ``(``, ``./``), else a CSS selector."""
    text = selector.strip()
    try:
        if text.startswith(("/", "(", "./")):
            return etree.XPath(text)
        return etree.XPath(GenericTranslator().css_to_xpath(text))
    except (SelectorError, etree.XPathError) as error:
        raise InvalidSelector(f"{selector!r} is neither a CSS selector nor an XPath: {error}") from None


def select_text(tree: etree._Element, selector: str) -> str | None:
    """The text of the first match (an element's text, or an attribute's value), whitespace collapsed."""
    for match in _matches(tree, selector):
        text = match if isinstance(match, str) else "".join(match.itertext())
        if text := " ".join(text.split()):
            return text
    return None


def select_elements(tree: etree._Element, selector: str) -> list[etree._Element]:
    """The elements a selector matches (attribute or string results left out)."""
    return [match for match in _matches(tree, selector) if isinstance(match, etree._Element)]


def _matches(tree: etree._Element, selector: str) -> list:
    result = compile_selector(selector)(tree)
    # An XPath may evaluate to a string, a number or a boolean instead of a node-set.
    return result if isinstance(result, list) else [str(result)]

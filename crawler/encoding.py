"""A page's raw bytes -> text, when what the page and its server declare may be wrong.

Declarations are often stale: a theme's old ``<meta charset="iso-8859-1">`` above the CMS's
``<meta charset="utf-8">``, a server that calls every page ISO-8859-1. The bytes decide first:
text of another encoding is practically never valid UTF-8, so a page that is valid UTF-8 is
UTF-8, whatever it declares. Else the declarations are tried in turn (BOM, HTTP header, every
``<meta>``), and what none decodes is guessed from the bytes (charset_normalizer, trafilatura's
own guesser).
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from w3lib.encoding import http_content_type_encoding, read_bom, resolve_encoding

# <meta charset="..."> and <meta http-equiv="Content-Type" content="text/html; charset=...">,
# in the first bytes of the page, as browsers look for them.
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
HEAD_BYTES = 4096
# charset_normalizer reads this much of a page's beginning and end to guess its encoding.
GUESS_BYTES = 5000


def decode_page(body: bytes, content_type: str | None = None) -> str:
    """The text of a page as served (``content_type``: its HTTP Content-Type header)."""
    bom, _ = read_bom(body)
    if bom:
        return body.decode(bom, errors="replace").lstrip("\ufeff")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in declared_encodings(body, content_type):
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    sample = body if len(body) <= 2 * GUESS_BYTES else body[:GUESS_BYTES] + body[-GUESS_BYTES:]
    guess = from_bytes(sample).best()
    return body.decode(guess.encoding if guess else "cp1252", errors="replace")


def declared_encodings(body: bytes, content_type: str | None) -> list[str]:
    """The encodings the server and the page declare, in the order they are trusted (the HTTP
    header, then each <meta> in turn), as Python's codec names, UTF-8 left out: the bytes said
    it is not that."""
    names = [http_content_type_encoding(content_type)] if content_type else []
    names += [match.decode("ascii", "replace") for match in META_CHARSET.findall(body[:HEAD_BYTES])]
    encodings = []
    for name in names:
        encoding = resolve_encoding(name) if name else None
        if encoding and codecs.lookup(encoding).name != "utf-8" and encoding not in encodings:
            encodings.append(encoding)
    return encodings

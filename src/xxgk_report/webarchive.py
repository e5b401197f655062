"""A web page saved as one file with its pictures: a MIME archive (Word's 「单个文件网页」 .mht,
often offered for download as .doc; a browser's 「网页，单个文件」 .mhtml), parsed by the
standard library's email package.

    found = archive_page(raw)     # None: not an archive; else (the page's bytes, its charset)

The email package is slow on some shapes of input (parameters: time quadratic in their
number; parts nested in parts: time in depth × lines; memory about 40 bytes a line), so an
archive is measured before it is parsed and refused when it is not shaped like a saved page.
"""

from __future__ import annotations

import re
from email.message import Message
from typing import Optional

#: the first line of an archive is a header: 「MIME-Version: 1.0」, 「From: <Saved by Blink>」
_FIRST_HEADER = re.compile(rb"(?:\xef\xbb\xbf)?\s*[A-Za-z][\w-]*:[^\r\n]*[\r\n]")
#: a part's Content-Type, folded lines and all (line ends made \n first)
_CONTENT_TYPE = re.compile(rb"^content-type:[^\n]*(?:\n[ \t][^\n]*)*", re.IGNORECASE | re.MULTILINE)
_MULTIPART = re.compile(rb"^content-type:[ \t]*multipart/", re.IGNORECASE | re.MULTILINE)
#: a type and a few parameters (a boundary has at most 70 characters, RFC 2046)
MAX_CONTENT_TYPE = 1024
#: the page and its pictures and styles (a saved report has a few dozen)
MAX_PARTS = 5000
#: multiparts in one another (a saved page has one, an e-mail two or three)
MAX_MULTIPARTS = 8
#: lines (base64 and quoted-printable lines have 76 characters: 20 MB is about 270,000)
MAX_LINES = 1_000_000


class ArchiveError(ValueError):
    """An archive that is refused, or has no page: the message says which."""


def archive_page(raw: bytes) -> Optional[tuple[bytes, str]]:
    """(the page's bytes, the charset its part names or "") of a web archive; None when `raw`
    is not one (a web page, or a text whose first line only looks like a header);
    ArchiveError when it is refused or holds no page."""
    if not _FIRST_HEADER.match(raw):
        return None
    raw = raw.removeprefix(b"\xef\xbb\xbf").lstrip()  # the parser reads a blank first line as the headers' end
    _refuse_unlike_a_page(raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
    import email  # noqa: PLC0415 (only an archive needs it)
    import email.policy  # noqa: PLC0415
    try:
        archive = email.message_from_bytes(raw, policy=email.policy.compat32)
        page = _page_of(archive)
        payload = page.get_payload(decode=True) if page is not None else None
    except (RecursionError, ValueError, LookupError, TypeError):  # a broken header
        raise ArchiveError("单个文件网页（MHT）的结构无法解析") from None
    if page is None and not archive.is_multipart():
        return None  # a page whose first line only looks like a header
    if not isinstance(payload, bytes):
        raise ArchiveError("单个文件网页（MHT）中没有网页（text/html）部分")
    return payload, page.get_content_charset() or ""


def _refuse_unlike_a_page(text: bytes) -> None:
    """ArchiveError when the archive (its line ends made \\n) is not shaped like a saved page."""
    limits = ((max((len(m[0]) for m in _CONTENT_TYPE.finditer(text)), default=0), MAX_CONTENT_TYPE,
               f"有超过 {MAX_CONTENT_TYPE} 个字符的 Content-Type"),
              (text.count(b"\n--"), MAX_PARTS, f"超过 {MAX_PARTS} 个部分"),
              (len(_MULTIPART.findall(text)), MAX_MULTIPARTS, f"有超过 {MAX_MULTIPARTS} 层嵌套的部分"),
              (text.count(b"\n"), MAX_LINES, f"超过 {MAX_LINES} 行"))
    for found, most, what in limits:
        if found > most:
            raise ArchiveError(f"单个文件网页（MHT）{what}，不是正常保存的网页；请在浏览器中打开后另存为网页（.html）")


def _page_of(message: Message) -> Optional[Message]:
    """The page of an archive: the part its `start` parameter names (RFC 2387), else the first
    text/html part; never an attachment or a part of an attached message."""
    if message.get_content_maintype() == "message":
        return None
    if not message.is_multipart():
        html = message.get_content_type() == "text/html"
        return message if html and message.get_content_disposition() != "attachment" else None
    parts = message.get_payload()
    start = (message.get_param("start") or "").strip()
    if start:
        parts = sorted(parts, key=lambda part: (part.get("Content-ID") or "").strip() != start)
    return next(filter(None, map(_page_of, parts)), None)

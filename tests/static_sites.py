"""A newsroom made by publishing software other than WordPress: a real static site generator.

:class:`NikolaSite` writes posts in English, Arabic and French (one source file per language,
Nikola's translation mechanism), builds them with Nikola (from PyPI) and its stock theme into a
folder that :class:`Nginx` serves as a real static web server does: ``ETag`` and
``Last-Modified`` on every file, ``304`` to a conditional request. Nikola's own output holds what
the crawler must get right on such sites: a sitemap index listing the per-language RSS feeds
beside the sitemap, a sitemap listing category, tag, author and year-archive pages beside the
posts, feeds announced with ``hreflang``, relative ``hreflang`` alternates, and an ``og:title``
cut at 70 characters. A day of news is a rebuild: new posts, an edit, a deletion.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from html import escape
from pathlib import Path

from crawler.demo.articles import SampleArticle, sample_articles

LANGUAGES = ("en", "ar", "fr")
AUTHORS = ("Amina Benali", "Jean-Marc Dupont", "Sara Haddad")
CATEGORIES = ("Events", "Press releases")
# Nikola cuts og:title at 70 characters: every third English headline is longer.
LONG_TITLE = " at the headquarters of the Organization in the capital"

CONF = """\
BLOG_AUTHOR = "Press Office"
BLOG_TITLE = {{"en": "Regional Organization for Education", "ar": "المنظمة الإقليمية للتربية",
              "fr": "Organisation régionale pour l'éducation"}}
SITE_URL = "{base}"
BLOG_EMAIL = "press@example.org"
BLOG_DESCRIPTION = "News"
DEFAULT_LANG = "en"
TRANSLATIONS = {{"en": "", "ar": "./ar", "fr": "./fr"}}
POSTS = (("posts/*.html", "posts", "post.tmpl"),)
PAGES = (("pages/*.html", "pages", "page.tmpl"),)
TIMEZONE = "Africa/Tunis"
"""


@dataclasses.dataclass(frozen=True)
class Post:
    """One post, in the three languages (the same slug, date, author and category)."""

    slug: str
    published: datetime
    author: str
    category: str
    versions: dict[str, SampleArticle]

    def path(self, language: str) -> str:
        return ("" if language == "en" else f"{language}/") + f"posts/{self.slug}/"

    def source(self, language: str) -> str:
        """Nikola's HTML post: its metadata in a comment, then the body."""
        article = self.versions[language]
        meta = {
            "title": article.title,
            "slug": self.slug,
            "date": self.published.strftime("%Y-%m-%d %H:%M:%S UTC+01:00"),
            "author": self.author,
            "category": self.category,
            "tags": ", ".join(article.tags),
        }
        head = "\n".join(f".. {key}: {value}" for key, value in meta.items())
        body = "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in article.paragraphs)
        return f"<!--\n{head}\n-->\n\n{body}\n"


def sample_posts(count: int, seed: int = 2022) -> list[Post]:
    """``count`` posts, newest first, each in English, Arabic and French."""
    articles = sample_articles(dict.fromkeys(LANGUAGES, count), seed)
    by_language = {lang: [a for a in articles if a.language == lang] for lang in LANGUAGES}
    posts = []
    for index in range(count):
        versions = {lang: by_language[lang][index] for lang in LANGUAGES}
        english = versions["en"]
        if index % 3 == 0:
            versions["en"] = dataclasses.replace(english, title=english.title + LONG_TITLE)
        slug = english.path.rstrip("/").rsplit("/", 1)[1]
        posts.append(Post(slug, english.published, AUTHORS[index % 3], CATEGORIES[index % 2], versions))
    return posts


class NikolaSite:
    """A Nikola site's sources and output in ``folder``, for ``base`` (its URL, with a slash)."""

    def __init__(self, folder: Path, base: str, posts: list[Post]) -> None:
        self.folder, self.base = folder, base
        self.posts = list(posts)
        (folder / "posts").mkdir(parents=True)
        (folder / "pages").mkdir()
        (folder / "conf.py").write_text(CONF.format(base=base), encoding="utf-8")
        for post in self.posts:
            self.write(post)
        self.build()

    @property
    def output(self) -> Path:
        return self.folder / "output"

    def write(self, post: Post) -> None:
        for language in LANGUAGES:
            suffix = "" if language == "en" else f".{language}"
            (self.folder / "posts" / f"{post.slug}{suffix}.html").write_text(post.source(language), "utf-8")

    def build(self) -> None:
        """The removal of what no source makes any more (as a deploy does), then ``nikola build``
        (whose sitemap lists what the output folder holds)."""
        for command, success in ((["check", "-f", "--clean-files"], {0, 1}), (["build"], {0})):
            done = subprocess.run(
                [sys.executable, "-m", "nikola", *command], cwd=self.folder, capture_output=True, timeout=600
            )
            # `check --clean-files` answers 1 when it found (and removed) orphans
            assert done.returncode in success, done.stderr.decode()[-2000:]

    def post_files(self) -> dict[str, int]:
        """The URL of every post page the output holds -> its file's modification time (ns)."""
        return {
            self.base + page.parent.relative_to(self.output).as_posix() + "/": page.stat().st_mtime_ns
            for page in self.output.glob("**/posts/*/index.html")
        }

    # -- a day of news ------------------------------------------------------------------

    def publish(self, post: Post) -> None:
        self.posts.insert(0, post)
        self.write(post)

    def edit(self, post: Post, language: str, paragraph: str) -> Post:
        article = post.versions[language]
        edited = dataclasses.replace(article, paragraphs=(*article.paragraphs, paragraph))
        changed = dataclasses.replace(post, versions={**post.versions, language: edited})
        self.posts[self.posts.index(post)] = changed
        self.write(changed)
        return changed

    def delete(self, post: Post) -> None:
        self.posts.remove(post)
        for source in (self.folder / "posts").glob(f"{post.slug}*.html"):
            source.unlink()

    # -- truth --------------------------------------------------------------------------

    def truth(self) -> list[dict]:
        """Every article page, with what the archive must hold of it."""
        rows = []
        for post in self.posts:
            for language in LANGUAGES:
                article = post.versions[language]
                rows.append(
                    {
                        "url": self.base + post.path(language),
                        "title": article.title,
                        "text": article.text,
                        "published": post.published.isoformat(),
                        "language": language,
                        "authors": [post.author],
                        "translations": {
                            other: self.base + post.path(other) for other in LANGUAGES if other != language
                        },
                    }
                )
        return rows


NGINX_CONF = """\
daemon off;
master_process off;
pid {run}/nginx.pid;
error_log {run}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    log_format requests '$status $request_method $request_uri';
    access_log {run}/access.log requests;
    client_body_temp_path {run}/tmp;
    proxy_temp_path {run}/tmp;
    fastcgi_temp_path {run}/tmp;
    uwsgi_temp_path {run}/tmp;
    scgi_temp_path {run}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""


class Nginx:
    """nginx serving ``root`` on 127.0.0.1:``port``, its access log read as the requests made."""

    def __init__(self, root: Path, port: int, run: Path) -> None:
        self.root, self.port, self.run = root, port, run
        run.mkdir(parents=True, exist_ok=True)
        (run / "nginx.conf").write_text(NGINX_CONF.format(run=run, port=port, root=root))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Nginx:
        executable = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [
                executable,
                "-p",
                str(self.run),
                "-c",
                str(self.run / "nginx.conf"),
                "-e",
                str(self.run / "error.log"),
            ]
        )
        deadline = time.monotonic() + 60
        while True:  # until it answers
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/robots.txt", timeout=5).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((self.run / "error.log").read_text()) from None
                time.sleep(0.1)
        self.mark()
        return self

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)

    def mark(self) -> None:
        """Requests before now are not counted by ``requests()``."""
        log = self.run / "access.log"
        self.seen = log.stat().st_size if log.exists() else 0

    def requests(self) -> list[tuple[int, str]]:
        """(status, path) of every request since the last ``mark()``."""
        with open(self.run / "access.log", "rb") as log:
            log.seek(self.seen)
            lines = log.read().decode().splitlines()
        return [(int(status), path) for status, _, path in (line.split(" ", 2) for line in lines)]


@contextmanager
def nikola_newsroom(folder: Path, port: int, posts: list[Post]) -> Iterator[tuple[NikolaSite, Nginx]]:
    """A Nikola site of ``posts``, built and served on ``port``."""
    site = NikolaSite(folder / "site", f"http://127.0.0.1:{port}/", posts)
    server = Nginx(site.output, port, folder / "nginx").start()
    try:
        yield site, server
    finally:
        server.stop()


def a_minute_later(since: float) -> None:
    """Wait until the clock's minute is not that of ``since``: Nikola's sitemap dates files to
    the minute, so a rebuild in the same minute as the last crawl would look unchanged to it
    (as a rebuild a night later does not)."""
    deadline = time.monotonic() + 120
    while int(time.time() // 60) == int(since // 60):
        assert time.monotonic() < deadline
        time.sleep(0.2)

"""Every limit and politeness default of a crawl, each with its reason.

The ``newsarchive`` command loads this module; so does ``scrapy crawl news`` through
``scrapy.cfg``. Override any of them per run with ``newsarchive crawl -s NAME=VALUE``.
"""

import os
import shutil

from crawler import __version__

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
COMMANDS_MODULE = "crawler.commands"  # `scrapy crawl news` checks its site first (crawler/commands/crawl.py)
NEWSPIDER_MODULE = "crawler.spiders"

# Say who we are: site owners read their logs. Add a contact for your archive with
# -s USER_AGENT="newsarchive/0.1 (+mailto:you@example.org)".
USER_AGENT = f"newsarchive/{__version__} (news archiving crawler; obeys robots.txt)"

# -- where the archive and the configuration live (see crawler/sites.py) --------------------
# None: crawler/paths.py's defaults ($NEWSARCHIVE_DB, else ./archive.db; $NEWSARCHIVE_SITES,
# else ./sites.toml), as for `newsarchive`.
NEWSARCHIVE_DB = None
NEWSARCHIVE_SITES = None
# Articles written per transaction: fewer commits, and a crash loses at most one batch.
NEWSARCHIVE_BATCH_SIZE = 50
# Dedupe rule 3: texts at least this alike (0..1, Jaccard of word 3-shingles) are
# near-duplicates, stored with duplicate_of. None: the archive's own default, 0.8, measured by
# bench/duplicates.py (storage/dedupe.py).
NEWSARCHIVE_NEAR_DUPLICATE = None
# Processes that extract articles (trafilatura is CPU-bound): 0 means one per core.
NEWSARCHIVE_EXTRACT_PROCESSES = 0
# Seconds of work one page's extraction may take (a news page takes a tenth of one): past it,
# its process is killed and replaced and the page recorded as extract_timeout. 0: no limit.
NEWSARCHIVE_EXTRACT_TIMEOUT = 30
# Megabytes of memory (resident) an extraction process may reach; one that a page grows past
# it (half a million table rows take 3 GB) is stopped and replaced, the page recorded as
# too_large. A process holds some 150-190 MB after ordinary pages. 0: no limit.
NEWSARCHIVE_EXTRACT_MEMORY_MB = 400
# Sitemaps may be up to 50 MB uncompressed (sitemaps.org); pages get far less (below).
NEWSARCHIVE_SITEMAP_MAXSIZE = 50 * 1024 * 1024

# A crawl shared by workers on several machines (crawler/distributed.py): the Redis that holds
# its queue and hands the articles to `newsarchive load`. None: this machine alone.
NEWSARCHIVE_REDIS_URL = os.environ.get("NEWSARCHIVE_REDIS_URL")
ADDONS = {"crawler.distributed.Distributed": 0}

ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
EXTENSIONS = {"crawler.progress.Progress": 500}
# A progress line on the terminal for interactive backfills (the CLI turns it on for a TTY).
NEWSARCHIVE_PROGRESS = False
# --quiet: the console shows only errors, each distinct one once (crawler/console.py)
NEWSARCHIVE_QUIET = False
# Backfill date window (ISO dates, inclusive); None: unbounded.
NEWSARCHIVE_SINCE = None
NEWSARCHIVE_UNTIL = None

# -- politeness -------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
# One request at a time per site, at least a second apart, slower when the server slows down.
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Each site is its own spider (crawled in parallel with the others), so a spider needs little
# more than its one request at a time; a small queue also keeps the spider's priorities
# (discovery before articles) in force instead of pulling 16 requests ahead.
CONCURRENT_REQUESTS = 2
# The items of one response the pipeline takes at once. A response gives one page (or a
# discovery page's requests), and Scrapy starts this many tasks for every response it
# scrapes: its default of 100 was a sixth of the reactor thread's work on a local mirror.
CONCURRENT_ITEMS = 4
DOWNLOAD_DELAY = 1
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1
AUTOTHROTTLE_MAX_DELAY = 60
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# -- limits against hostile or broken sites (../shared/RELIABILITY.md, section A) -----------
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # no news page is larger; videos served as pages are
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30  # a page that takes longer is retried later, not waited for
DNS_TIMEOUT = 15
REDIRECT_MAX_TIMES = 5  # real redirect chains are short; longer ones are loops
# Scrapy's retries of timeouts, 5xx and 429, waiting as long as a Retry-After asks, up to this.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    "crawler.rendering.RenderMiddleware": 950,  # after robots.txt, offsite, retries, headers
}
# A listing that links to no article and whose scripts name no JSON endpoint is rendered in
# headless Chromium (crawler/rendering.py), this one: the first of these on PATH; "": never.
NEWSARCHIVE_BROWSER = next(
    (path for name in ("chromium", "chromium-browser", "google-chrome") if (path := shutil.which(name))), ""
)
NEWSARCHIVE_RETRY_AFTER_MAX = 300
# A site that leaves this many requests in a row unanswered (timeouts, refused connections,
# DNS failures, after their retries) is down, or the network is: the run stops there rather
# than time out every request left. 0: never.
NEWSARCHIVE_MAX_CONSECUTIVE_FAILURES = 20
# The spider follows no arbitrary links (only sitemaps, feeds, pagination and article links),
# so it bounds each path itself rather than by link depth, which an archive's long
# pagination would exceed:
DEPTH_LIMIT = 0
NEWSARCHIVE_MAX_LISTING_PAGES = 1000  # per start URL: 1000 pages of 10 is a 10,000-article archive
# Pagination stops after this many pages in a row bring nothing new. 1 is right for listings
# sorted newest first; a site that pins old articles above new ones may need 2.
NEWSARCHIVE_LISTING_STOP_PAGES = 1
NEWSARCHIVE_MAX_SITEMAP_DEPTH = 3  # robots.txt -> index -> sitemap; deeper nesting is a trap
# Where a WordPress site's posts come from (crawler/wp_content.py): "api", its REST API, 100 posts
# a request with their exact fields, the body as the theme renders it; or "pages", each post's
# page fetched and extracted (a full capture of every page).
NEWSARCHIVE_CONTENT = "api"
# Nightly runs read the sitemaps that can hold new URLs (an index's changed children, the ends of
# its numbered series); every sitemap, and the check for articles deleted from the site, is read
# on every backfill and when the last such sweep is this many days old. 0: every run.
NEWSARCHIVE_DELETION_SWEEP_DAYS = 7
# The revisit policy (crawler/frontier.py, due_revisits): edits and deletions that no source
# reports (no WordPress API, a sitemap whose lastmod does not move) are found by asking archived
# articles again, conditionally (a 304 costs no extraction): each article at least every this
# many days, recent ones more often (a week-old one every 2 days), 0: never; and at most this
# many such requests a night per site, the most overdue first.
NEWSARCHIVE_REVISIT_DAYS = 30
NEWSARCHIVE_REVISIT_BUDGET = 500
NEWSARCHIVE_MAX_API_PAGES = 1000  # WordPress API pages of 100 posts: 100,000 posts
URLLENGTH_LIMIT = 1024  # news URLs are short; trap URLs grow
COOKIES_ENABLED = False  # news pages need no session, and cookies invite session traps
DOWNLOAD_VERIFY_CERTIFICATES = True  # an archive must not store what a man in the middle served
# Only the web: no local files, data: URIs, FTP or S3 reached through a redirect or a link.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# A nightly run must end: time, errors and memory are capped.
CLOSESPIDER_TIMEOUT = 3300
CLOSESPIDER_ERRORCOUNT = 500
MEMUSAGE_LIMIT_MB = 2048

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

"""The archive's one writer, fed through Redis by the workers of a distributed crawl.

Workers on any number of machines fetch and extract; SQLite keeps one writer. A worker hands
each archive operation (a run started, an article to store, what became of a URL, a run
finished) to a Redis list as a JSON message (``Handover``, with the methods of ``Archive``
that a crawl uses); ``newsarchive load --from REDIS_URL`` applies them in order, with the same
dedupe rules (``Loader``).

Nothing handed over is lost: a message moves to a second list before it is applied, and
leaves it only once the transaction that applied it has committed. A loader killed in between
applies it again when it comes back, and a message for a URL whose outcome its run already
recorded is skipped, so nothing is stored twice. A worker killed outright never says its run
finished: once its heartbeat has stopped, the loader ends the run as ``interrupted``, after
whatever the worker handed over before it died.

The loader also publishes what the archive knows of each site (its article URLs, when each
was last seen, their ETags; when its last finished run started), so that workers, which have
no archive, fetch only what is new or changed.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import redis

from storage.archive import LOST, Archive
from storage.records import Article, Capture, Known, outcome_columns, utcnow

logger = logging.getLogger(__name__)

QUEUE = "newsarchive:handover"  # messages waiting for the loader
LOADING = "newsarchive:handover:loading"  # ... and those it is applying
LOADER_BATCH = 200  # messages applied per transaction
LOST_CHECK_SECONDS = 5  # how often the loader looks for runs whose worker died


def known_key(site: str) -> str:
    """The hash of a site's archived URLs: URL -> JSON of its ``Known``."""
    return f"newsarchive:{site}:known"


def since_key(site: str) -> str:
    """When the last finished run of a site started: the WordPress API's ``modified_after``."""
    return f"newsarchive:{site}:since"


def worker_key(site: str, worker: str = "") -> str:
    """A worker's heartbeat in a run of ``site`` (``busy`` or ``idle``; gone when it stops, or
    some seconds after it died); without ``worker``, the prefix of them all."""
    return f"newsarchive:{site}:worker:{worker}"


def worker_of(run: str) -> str:
    """The worker that a run's name (``Handover.start_crawl``) belongs to."""
    return run.partition("/")[0]


def sweep_key(site: str) -> str:
    """When the last run of a site that checked every sitemap for deletions started."""
    return f"newsarchive:{site}:swept"


class Handover:
    """The archive as a worker sees it: what a crawl would write there, handed to the loader."""

    def __init__(self, redis_url: str, worker: str) -> None:
        self.redis = redis.Redis.from_url(redis_url)
        self.worker = worker
        self.sites: dict[str, str] = {}  # run -> its site

    def start_crawl(self, site: str, mode: str, scrapy_version: str | None = None) -> str:
        """A run of this worker; returns its name, by which its messages are told apart."""
        started = utcnow()
        run = f"{self.worker}/{site}/{started}"
        self.sites[run] = site
        self._send("start", run, mode=mode, scrapy=scrapy_version, started=started)
        return run

    def revisit(self, capture: Capture, run: str) -> None:
        """Workers cannot tell a page's bytes from its last capture's: the loader will."""
        return None

    def store_many(self, batch: Iterable[tuple[Article, Capture]], run: str) -> Counter[str]:
        handed = 0
        for article, capture in batch:
            self._send("store", run, article=_article_json(article), capture=_capture_json(capture))
            handed += 1
        return Counter(handed_over=handed)

    def refuse(self, capture: Capture, site: str, run: str) -> None:
        self._send("refuse", run, capture=_capture_json(capture))

    def touch(self, url: str, seen: str, run: str) -> None:
        self._send("touch", run, url=url, seen=seen)

    def mark_gone(self, url: str, seen: str, status: int, run: str) -> None:
        self._send("gone", run, url=url, seen=seen, status=status)

    def record_outcome(
        self, run: str, url: str, outcome: str, status: int | None = None, reason: str | None = None
    ) -> None:
        self._send("outcome", run, url=url, outcome=outcome, status=status, reason=reason)

    def finish_crawl(self, run: str, status: str, reason: str, counts: Mapping[str, Any]) -> None:
        self._send("finish", run, status=status, reason=reason, counts=counts)

    def close(self) -> None:
        self.redis.close()

    def _send(self, op: str, run: str, **fields: Any) -> None:
        message = {"op": op, "run": run, "site": self.sites[run], **fields}
        self.redis.rpush(QUEUE, json.dumps(message, ensure_ascii=False))


class Loader:
    """Applies the workers' messages to the archive, ``LOADER_BATCH`` per transaction."""

    def __init__(self, redis_url: str, archive: Archive, batch_size: int = LOADER_BATCH) -> None:
        self.redis = redis.Redis.from_url(redis_url)
        self.archive = archive
        self.batch_size = batch_size
        self.counts: Counter[str] = Counter()
        self.lost: set[str] = set()  # runs found without their worker, their end handed over
        self.next_check = 0.0  # when to look for such runs again (time.monotonic)

    def run(self, stopping: Callable[[], bool], once: bool = False) -> Counter[str]:
        """Apply messages until ``stopping()`` (checked every second), or, ``once``, until none
        is waiting. Returns how many messages had each result."""
        # What a loader killed mid-batch had taken: applied again, and skipped where it had been.
        self._apply(self.redis.lrange(LOADING, 0, -1))
        self.redis.delete(LOADING)
        self.publish_known(self.archive.sites())
        while not stopping():
            if time.monotonic() >= self.next_check:
                self.end_lost_runs()
            first = self.redis.lmove(QUEUE, LOADING) if once else self.redis.blmove(QUEUE, LOADING, 1)
            if first is None:
                if once:
                    break
                continue
            batch = [first]
            while len(batch) < self.batch_size and (message := self.redis.lmove(QUEUE, LOADING)) is not None:
                batch.append(message)
            self._apply(batch)
            self.redis.ltrim(LOADING, len(batch), -1)
        return self.counts

    def end_lost_runs(self) -> None:
        """Hand over the end of every run still open whose worker's heartbeat has stopped:
        queued behind all that worker handed over, it is applied after it (``lost``)."""
        self.next_check = time.monotonic() + LOST_CHECK_SECONDS
        for site, run in self.archive.open_worker_runs():
            if run in self.lost or self.redis.exists(worker_key(site, worker_of(run))):
                continue
            self.lost.add(run)
            self.redis.rpush(QUEUE, json.dumps({"op": "lost", "run": run, "site": site}))

    def _apply(self, batch: list[bytes | str]) -> None:
        finished: set[str] = set()
        with self.archive.transaction():
            for raw in batch:
                message = json.loads(raw)
                self.counts[self._apply_one(message)] += 1
                if message["op"] == "finish":
                    finished.add(message["site"])
        if finished:
            self.archive.checkpoint()
            self.publish_known(finished)

    def _apply_one(self, message: dict[str, Any]) -> str:
        op, run, site = message["op"], message["run"], message["site"]
        crawl_id = self.archive.crawl_of_worker(run)
        if crawl_id is None:
            crawl_id = self.archive.start_crawl(
                site, message.get("mode", "crawl"), message.get("scrapy"), run, message.get("started")
            )
        if op == "start":
            return op
        if op == "finish":
            # what storing did, which only the loader knows; the rest the worker counted
            counts = {**message["counts"], **outcome_columns(self.archive.outcome_counts(crawl_id))}
            self.archive.finish_crawl(crawl_id, message["status"], message["reason"], counts)
            return op
        if op == "lost":
            if not self.archive.is_open(crawl_id):
                return "again"  # its worker said goodbye after all, or ended before it died
            logger.warning("The worker of run %s stopped answering: its run is interrupted", run)
            counts = outcome_columns(self.archive.outcome_counts(crawl_id))
            self.archive.finish_crawl(crawl_id, "interrupted", LOST, counts)
            return op
        url = message["capture"]["url"] if op in ("store", "refuse") else message["url"]
        if self.archive.has_outcome(crawl_id, url):
            return "again"  # applied before the loader was stopped, and handed back since
        if op == "store":
            capture = _capture(message["capture"])
            if self.archive.revisit(capture, crawl_id) is not None:
                return "unchanged"
            return str(self.archive.store(Article(**message["article"]), capture, crawl_id).outcome)
        if op == "refuse":
            self.archive.refuse(_capture(message["capture"]), site, crawl_id)
        elif op == "touch":
            self.archive.touch(url, message["seen"], crawl_id)
        elif op == "gone":
            self.archive.mark_gone(url, message["seen"], message["status"], crawl_id)
        else:
            self.archive.record_outcome(
                crawl_id, url, message["outcome"], message["status"], message["reason"]
            )
        return op

    def publish_known(self, sites: Iterable[str]) -> None:
        """Write what the archive knows of ``sites`` where the workers read it (``read_known``)."""
        for site in sites:
            known = self.archive.known_urls(site)
            staging = known_key(site) + ":new"
            pipe = self.redis.pipeline()  # MULTI: workers see the old hash or the new one, whole
            pipe.delete(staging)
            rows: dict[Any, str] = {url: json.dumps(dataclasses.astuple(k)) for url, k in known.items()}
            if rows:
                pipe.hset(staging, mapping=rows)
                pipe.rename(staging, known_key(site))
            else:
                pipe.delete(known_key(site))
            for key, moment in (
                (since_key(site), self.archive.last_finished_crawl_start(site)),
                (sweep_key(site), self.archive.last_sweep(site)),
            ):
                pipe.set(key, moment) if moment else pipe.delete(key)
            pipe.execute()


def read_known(redis_url: str, site: str) -> tuple[dict[str, Known], str | None, str | None]:
    """What the loader published of ``site``: its archived URLs, when its last finished run
    started, and when its last deletion sweep did."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        known = {
            str(url): Known(*json.loads(fields))
            for url, fields in client.hscan_iter(known_key(site), count=5000)
        }
        since, swept = client.get(since_key(site)), client.get(sweep_key(site))
        return known, str(since) if since else None, str(swept) if swept else None
    finally:
        client.close()


def _article_json(article: Article) -> dict[str, Any]:
    return {field.name: getattr(article, field.name) for field in dataclasses.fields(Article) if field.init}


def _capture_json(capture: Capture) -> dict[str, Any]:
    # the loader packs the body itself: the message carries it once
    fields = {**dataclasses.asdict(capture), "packed": None}
    return {**fields, "body": base64.b64encode(capture.body).decode("ascii")}


def _capture(fields: dict[str, Any]) -> Capture:
    return Capture(**{**fields, "body": base64.b64decode(fields["body"])})

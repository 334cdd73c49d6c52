"""The archive database: schema, URL canonicalization, fingerprints and the deduplicating loader.

This package knows nothing of Scrapy or trafilatura: it takes plain records
(:class:`storage.records.Article`, :class:`storage.records.Capture`) and owns ``archive.db``.
"""

"""newsarchive's crawler: a Scrapy project (settings, the ``news`` spider, pipelines) and its CLI."""

__version__ = "0.1.0"

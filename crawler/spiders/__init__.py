"""The project's spiders: one generic ``news`` spider, driven by sites.toml."""

"""The project's Scrapy commands (COMMANDS_MODULE): Scrapy's own, with what they are given checked first."""

# scrapyd-deploy builds the project's egg with `python setup.py bdist_egg`; everything else
# (name, packages, dependencies, the entry point Scrapyd reads) is in pyproject.toml.
from setuptools import setup

setup()

"""Tests of the crawler: discovery, spider, pipelines, metadata, paywall, WARC, demo crawls."""

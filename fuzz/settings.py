"""Settings for `make fuzz`: the benchmark's (production settings on loopback, plain HTTP,
no collectstatic) with the site's own URLs only."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "config.urls"

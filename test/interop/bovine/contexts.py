"""JSON-LD contexts for bovine without the internet.

bovine expands and compacts every activity with pyld; contexts it does not know are fetched over
the network (and silently replaced by an empty context when that fails, which would hide errors).
Here they come from a preloaded JSON file {url: {"@context": ...}} written by the test; any other
URL is refused and named in the log, so a missing context is visible instead of silently empty.
"""

import json
import logging

import bovine.jsonld
from pyld.jsonld import JsonLdError

logger = logging.getLogger("ipn-glue")

# bovine answers these itself (its own AS2 variant, an empty Mastodon context); keep its choice.
BUILT_IN = {"https://www.w3.org/ns/activitystreams", "http://joinmastodon.org/ns"}


def _refuse_network(**_kwargs):
    def loader(url, options=None):
        logger.error("JSON-LD context not preloaded (no network fetch): %s", url)
        raise JsonLdError("context not preloaded", "jsonld.LoadDocumentError", {"url": url})

    return loader


def preload(path: str) -> list[str]:
    """Puts the contexts of `path` into bovine's context cache; returns the URLs loaded."""
    with open(path, encoding="utf-8") as fp:
        documents = json.load(fp)
    loaded = []
    for url, document in documents.items():
        if url in BUILT_IN:
            continue
        # In-memory only: the cache's sqlite file lives in the run's temporary directory anyway.
        bovine.jsonld.jsonld_cache.cache[url] = document["@context"]
        loaded.append(url)
    # bovine's loader falls back to this factory for anything not cached.
    bovine.jsonld.requests_document_loader = _refuse_network
    return loaded

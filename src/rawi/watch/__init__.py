"""Live monitoring: poll outlet feeds politely, fetch each new item's page once, analyze and store it,
and raise alerts for the articles a watchlist asks about.

    feeds file ─► scheduler (per-host queues, one request at a time per host, a delay between them,
                  robots.txt, conditional GET, back-off) ─► pages ─► analyze ─► store.ingest ─► state
                                                                              └► watchlist ─► alerts

One module per job: `config` (feeds file, options), `http` (one polite GET), `robots`, `hosts`
(per-host gate and back-off), `feeds` (feed bytes → item links), `pages` (page bytes → analyzed page),
`state` (what was seen, validators, alerts), `watchlist`, `alerts` (Atom file, webhook), `poller` (a round).
"""

from rawi.watch.config import FeedSpec, WatchOptions, load_feeds
from rawi.watch.poller import RoundReport, Watcher

__all__ = ["FeedSpec", "RoundReport", "WatchOptions", "Watcher", "load_feeds"]

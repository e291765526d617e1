"""Runs bovine-herd (an independent ActivityPub server) for IPN's interop test.

  python herd.py --port N --dir DIR --contexts FILE [--handle supplier]

Serves http://127.0.0.1:N with its sqlite database in DIR, creates the account on first start,
and prints one line "READY <actor id>" when it starts up (hypercorn binds the socket just after,
so a client waits for an answer, not only for this line). Control routes: see control.py.
"""

import argparse
import asyncio
import logging
import os
import sys

args = argparse.ArgumentParser()
args.add_argument("--port", type=int, required=True)
args.add_argument("--dir", required=True)
args.add_argument("--contexts", required=True)
args.add_argument("--handle", default="supplier")
opts = args.parse_args()
# Before importing bovine: its JSON-LD cache opens a sqlite file in the working directory.
os.chdir(opts.dir)
os.environ.setdefault("BUTCHER_ALLOW_HTTP", "1")  # bovine's client: plain http on loopback

from hypercorn.asyncio import serve  # noqa: E402
from hypercorn.config import Config  # noqa: E402
from quart import Quart  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from bovine_herd import BovineHerd  # noqa: E402
from bovine_store import bovine_admin_store  # noqa: E402
from bovine_store.models import BovineActor  # noqa: E402

import contexts  # noqa: E402
from control import control  # noqa: E402

logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
# The test polls the control routes; their access-log lines would bury bovine's own.
logging.getLogger("hypercorn.access").addFilter(lambda record: "/_glue/" not in record.getMessage())
DB_URL = f"sqlite://{os.path.join(opts.dir, 'bovine.sqlite3')}"
ORIGIN = f"http://127.0.0.1:{opts.port}"


async def ensure_account() -> str:
    """The supplier's bovine name; registered under ORIGIN on the first start only."""
    async with bovine_admin_store(db_url=DB_URL, domain=ORIGIN) as store:
        await Tortoise.generate_schemas()
        existing = await BovineActor.get_or_none(handle_name=opts.handle)
        return existing.bovine_name if existing else await store.register(opts.handle)


async def main():
    logging.getLogger("ipn-glue").info("preloaded contexts: %s", ", ".join(contexts.preload(opts.contexts)))
    name = await ensure_account()
    app = Quart(__name__)
    app.config["ipn_supplier"] = name
    BovineHerd(app, db_url=DB_URL)
    app.register_blueprint(control)

    @app.before_serving
    async def announce():
        actor = await app.config["bovine_store"].actor_for_name(name)
        print(f"READY {actor.actor_id}", flush=True)

    config = Config()
    config.bind = [f"127.0.0.1:{opts.port}"]
    config.accesslog = "-"
    await serve(app, config)


asyncio.run(main())

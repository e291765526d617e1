"""Test-only control routes for the supplier account (loopback, no auth).

They do what bovine's client-to-server outbox does after authenticating the actor (the same
bovine_process steps), and read what arrived in the actor's inbox from bovine's own database.
"""

import json

from bovine.activitystreams.activity_factory import ActivityFactory
from bovine.jsonld import with_external_context
from bovine.types import Visibility
from bovine_process import handle_outbox_item, process_outbox_item
from bovine_process.types import ProcessingItem
from bovine_store.models import CollectionItem, StoredJsonObject
from quart import Blueprint, current_app, request

control = Blueprint("ipn_glue", __name__, url_prefix="/_glue")


async def supplier():
    store = current_app.config["bovine_store"]
    return await store.actor_for_name(current_app.config["ipn_supplier"])


@control.get("/actor")
async def actor():
    return (await supplier()).actor_object.build(visibility=Visibility.OWNER)


@control.post("/follow")
async def follow():
    """Body {"object": actor URL, "inbox"?: URL}: the supplier sends a Follow as its outbox would.

    Without "inbox", bovine delivers it itself, to the followed actor's own inbox (errors only
    logged). With "inbox", bovine's signed client posts it there instead, e.g. to a shared inbox as
    GoToSocial does, and the answer carries that inbox's status.
    """
    body = await request.get_json()
    me = await supplier()
    info = me.actor_object.build(visibility=Visibility.OWNER)
    data = ActivityFactory(info).follow(body["object"]).build()
    item = await handle_outbox_item(ProcessingItem(me.actor_id, data), me)
    if "inbox" not in body:
        await process_outbox_item(item, me)
        return {"id": item.data["id"]}
    response = await me.client.post(body["inbox"], json.dumps(with_external_context(item.data)))
    return {"id": item.data["id"], "status": response.status, "body": await response.text()}


async def _items(collection: str) -> list:
    rows = await CollectionItem.filter(part_of=collection).order_by("id")
    return [row.object_id for row in rows]


@control.get("/following")
async def following():
    return {"items": await _items((await supplier()).actor_object.following)}


@control.get("/inbox")
async def inbox():
    """The inbox in arrival order; each activity's object as bovine stores it now."""
    result = []
    for object_id in await _items((await supplier()).actor_object.inbox):
        stored = await StoredJsonObject.get_or_none(id=object_id)
        activity = stored.content if stored else {"id": object_id}
        target = activity.get("object")
        target_id = target.get("id") if isinstance(target, dict) else target
        current = await StoredJsonObject.get_or_none(id=target_id) if isinstance(target_id, str) else None
        result.append({"activity": activity, "object": current.content if current else None})
    return {"items": result}

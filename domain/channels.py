"""Channels through which a transaction is made: ids as stored, names as shown, display order."""

DIGITAL = "digital"
UNSPECIFIED = "unspecified"

# id -> name, in the order charts and tables show them
CHANNELS = {
    "digital": "Digital",
    "phone": "Phone",
    "paper": "Paper",
    "face_to_face": "Face to face",
    UNSPECIFIED: "Channel not reported",
}

# the channels the demo data invents from the real non-digital totals
ILLUSTRATIVE_CHANNELS = ("phone", "paper", "face_to_face")


def channel_name(channel_id: str) -> str:
    return CHANNELS.get(channel_id, channel_id.replace("_", " ").capitalize())


def channel_order(channel_ids) -> list[str]:
    known = [c for c in CHANNELS if c in set(channel_ids)]
    return known + sorted(set(channel_ids) - set(known))

"""The file-system broker transport (the embedded default), each message put in place whole.

kombu's file-system channel creates a message file under its final name and then writes it, so a
worker listing the folder in between takes an empty or half-written file, cannot decode it and
stops ("Unrecoverable error: JSONDecodeError"), leaving every queued job waiting. Here a message
is written under a name no consumer matches and renamed into place, which is atomic on one file
system: a consumer sees a whole message or none. `config/celery.py` makes it the transport of
every `filesystem://` URL, so the URL (and a test that points the app at another broker) decides.
"""

import itertools
import os
import uuid
from time import monotonic_ns

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

SEQUENCE = itertools.count()
PARTIAL = ".part"  # consumers match names ending in ".<queue>.msg" only


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        # Consumers take the files in name order: the time in nanoseconds and a sequence first, so
        # messages put in the same millisecond keep their order (kombu's names did not).
        name = f"{monotonic_ns():020d}{next(SEQUENCE) % 10**6:06d}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        try:
            with open(final + PARTIAL, "wb") as partial:
                partial.write(str_to_bytes(dumps(payload)))
            os.replace(final + PARTIAL, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel

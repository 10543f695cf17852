"""The Redis broker transport, publishing through one client per channel.

kombu's Redis channel builds a new redis-py client object for every message it publishes
(`conn_or_acquire`). The socket comes from the channel's pool either way, but building the client
costs about a twentieth of webhook intake's CPU. A redis-py client is safe to share between
threads: each command takes a connection from the pool and gives it back.
"""

from contextlib import contextmanager
from functools import cached_property

from kombu.transport import redis


class Channel(redis.Channel):
    @cached_property
    def _shared_client(self):
        return self._create_client()

    @contextmanager
    def conn_or_acquire(self, client=None):
        yield client or self._shared_client


class Transport(redis.Transport):
    Channel = Channel

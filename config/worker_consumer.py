"""The worker's consumer, reconnecting to a broker that went away every couple of seconds.

Celery reconnects on kombu's defaults: 2 s, then 2 s longer each time, up to 30 s between tries,
so after a long outage a worker could sit idle for half a minute with the broker already back.
Events and jobs must move within seconds of its return, and a try costs one refused connection.
"""

import functools

from celery.worker.consumer import Consumer as CeleryConsumer

RECONNECT_FIRST_SECONDS = 0.5
RECONNECT_STEP_SECONDS = 0.5
RECONNECT_CAP_SECONDS = 2.0


class Consumer(CeleryConsumer):
    def ensure_connected(self, conn):
        conn.ensure_connection = functools.partial(
            conn.ensure_connection,
            interval_start=RECONNECT_FIRST_SECONDS,
            interval_step=RECONNECT_STEP_SECONDS,
            interval_max=RECONNECT_CAP_SECONDS,
        )
        return super().ensure_connected(conn)

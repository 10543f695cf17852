"""The embedded broker never hands a worker a message still being written: kombu's own file
transport did (the worker stopped on an empty file, and every queued job waited)."""

import threading
from queue import Empty

import pytest
from kombu import Connection

from config.file_broker import Transport

MESSAGES = 800
PAYLOAD = "x" * 200_000  # a slow write widens the window in which a reader could find it


def drain_while_publishing(transport, folder) -> tuple[int, list[str]]:
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder)}
    taken, errors = 0, []
    with Connection(transport=transport, transport_options=options) as publisher_side:
        publisher = publisher_side.default_channel
        with Connection(transport=transport, transport_options=options) as consumer_side:
            consumer = consumer_side.default_channel

            def publish():
                for number in range(MESSAGES):
                    publisher._put("jobs", {"number": number, "body": PAYLOAD})

            thread = threading.Thread(target=publish)
            thread.start()
            while taken + len(errors) < MESSAGES:
                try:
                    message = consumer._get("jobs")
                except Empty:
                    continue
                except ValueError as exc:  # kombu's own transport: a file still being written
                    errors.append(repr(exc)[:80])
                    continue
                assert message["body"] == PAYLOAD
                taken += 1
            thread.join()
    return taken, errors


@pytest.mark.embedded
def test_every_message_is_read_whole_while_another_process_publishes(tmp_path):
    taken, errors = drain_while_publishing(Transport, tmp_path)
    assert errors == []
    assert taken == MESSAGES
    assert list(tmp_path.iterdir()) == []  # nothing half-written left behind


@pytest.mark.embedded
def test_the_embedded_broker_url_uses_this_transport():
    import config.celery  # noqa: F401  (registers the transport for filesystem:// URLs)

    with Connection("filesystem://") as connection:
        assert isinstance(connection.transport, Transport)

"""What is waiting on the broker: proof that work was really handed to the workers, not only
marked as handed over."""

from config.celery import app


def take_queued(queue: str) -> list[tuple[str, list]]:
    """(task name, positional arguments) of every message waiting in `queue`, taking them off."""
    taken = []
    with app.connection_for_read() as conn:
        simple = conn.SimpleQueue(queue)
        try:
            while True:
                try:
                    message = simple.get(block=False)
                except simple.Empty:
                    return taken
                args = message.decode()[0]  # Celery protocol 2: [args, kwargs, embed]
                taken.append((message.headers["task"], args))
                message.ack()
        finally:
            simple.close()

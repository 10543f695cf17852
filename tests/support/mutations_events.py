"""Events stored during a broker outage and the sandbox store's webhook sender.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

OUTAGE = "tests/webhooks/test_broker_outage.py"
HELD = f"{OUTAGE}::test_while_the_web_process_runs_its_held_events_go_within_seconds_of_the_brokers_return"
SWEPT = (
    f"{OUTAGE}::test_events_whose_hand_over_was_lost_are_swept_within_30_s_of_the_brokers_return"
)
HANDOVER = "tests/webhooks/test_handover.py"
SANDBOX = "tests/sandbox/test_delivery_outage.py"
SANDBOX_OUTAGE = f"{SANDBOX}::test_orders_placed_during_a_broker_outage_reach_the_app_as_webhooks"
SANDBOX_DUE = f"{SANDBOX}::test_the_sweep_sends_only_deliveries_overdue_on_bigcommerces_schedule"
SWEPT_ONCE = (
    f"{HANDOVER}::test_an_event_swept_while_its_first_message_still_waits_is_processed_once"
)

MUTATIONS: list[Mutation] = [
    Mutation(
        name="handover-gives-up-while-the-broker-is-down",
        claim="the web process retries a batch the broker refused until it answers",
        path="webhooks/handover.py",
        find="backoff = 0.0 if sent else min(",
        replace="backoff = 0.0 if True else min(",
        tests=(HELD,),
    ),
    Mutation(
        name="handover-drops-a-refused-batch",
        claim="a batch the broker refused is held, not dropped",
        path="webhooks/handover.py",
        find="                    self._hold(batch)\n",
        replace="",
        tests=(HELD,),
    ),
    Mutation(
        name="handover-holds-without-a-cap",
        claim="while the broker is down a web process holds at most its cap of ids, the newest",
        path="webhooks/handover.py",
        find="while len(self._pending) > self._max_held:",
        replace="while False:",
        tests=(
            f"{HANDOVER}::test_while_the_broker_is_down_the_hand_over_holds_the_newest_ids_up_to_its_cap",
        ),
    ),
    Mutation(
        name="worker-reconnects-on-celerys-default-steps",
        claim="a worker reconnects within about 2 s of the broker's return, however long it was away",
        path="config/settings.py",
        find='CELERY_WORKER_CONSUMER = "config.worker_consumer:Consumer"\n',
        replace="",
        tests=(HELD,),
    ),
    Mutation(
        name="sweeper-waits-five-minutes-for-lost-events",
        claim="an event whose hand-over was lost is swept within 30 s of the broker's return",
        path="webhooks/services.py",
        find="STUCK_AFTER = timedelta(seconds=10)",
        replace="STUCK_AFTER = timedelta(minutes=5)",
        tests=(SWEPT,),
    ),
    Mutation(
        name="sweeper-runs-every-minute",
        claim="beat runs the event sweeper every 10 s",
        path="config/schedule.py",
        find='"webhooks.tasks.sweep_stuck_events", every_seconds=10',
        replace='"webhooks.tasks.sweep_stuck_events", every_seconds=60',
        tests=(SWEPT,),
    ),
    Mutation(
        name="sweeper-sends-the-same-events-every-sweep",
        claim="a swept event is not swept again until it has waited STUCK_AFTER once more",
        path="webhooks/services.py",
        find="    ).update(state=EventState.DISPATCHED, dispatched_at=now)\n",
        replace="    )\n",
        tests=(
            f"{HANDOVER}::test_an_event_swept_while_its_first_message_still_waits_is_processed_once",
        ),
    ),
    Mutation(
        name="event-left-dispatched-after-processing",
        claim="an event sent twice (swept while its first message waits) is processed once",
        path="webhooks/services.py",
        find="state=EventState.PROCESSED if kind and event.resource_id else EventState.IGNORED,",
        replace="state=EventState.DISPATCHED if kind and event.resource_id else EventState.IGNORED,",
        tests=(SWEPT_ONCE,),
    ),
    Mutation(
        name="sandbox-order-fails-while-the-broker-is-down",
        claim="the sandbox store places orders while the app's broker is down",
        path="sandbox/bigcommerce/delivery.py",
        find="    except Exception:  # any broker failure: the delivery is a row, the sweep finds it\n",
        replace="    except ZeroDivisionError:\n",
        tests=(SANDBOX_OUTAGE,),
    ),
    Mutation(
        name="sandbox-sweep-sends-nothing",
        claim="deliveries whose message was lost with the broker still reach the app",
        path="sandbox/bigcommerce/tasks.py",
        find="    for delivery_id in ids:\n        deliver.delay(delivery_id)\n",
        replace="",
        tests=(SANDBOX_OUTAGE,),
    ),
    Mutation(
        name="sandbox-sweep-not-in-beat",
        claim="beat runs the sandbox store's sweep where the sandbox is served",
        path="config/schedule.py",
        find="    return ours + tuple(\n",
        replace="    return ours or tuple(\n",
        tests=(SANDBOX_OUTAGE,),
    ),
    Mutation(
        name="sandbox-sweep-ignores-the-retry-schedule",
        claim="the sweep sends a delivery only when BigCommerce's retry schedule says it is due",
        path="sandbox/bigcommerce/delivery.py",
        find='state="pending", next_attempt_at__lte=timezone.now() - OVERDUE_AFTER',
        replace='state="pending"',
        tests=(SANDBOX_DUE,),
    ),
    Mutation(
        name="sandbox-attempt-sends-whenever-asked",
        claim="a late or duplicate message does not send a delivery again before it is due",
        path="sandbox/bigcommerce/delivery.py",
        find='pk=delivery_id, state="pending", next_attempt_at__lte=now',
        replace='pk=delivery_id, state="pending"',
        tests=(SANDBOX_DUE,),
    ),
    Mutation(
        name="sandbox-retry-due-at-once",
        claim="a failed delivery is due again after BigCommerce's retry delay",
        path="sandbox/bigcommerce/delivery.py",
        find="next_attempt_at=timezone.now() + timedelta(seconds=wait)",
        replace="next_attempt_at=timezone.now()",
        tests=(SANDBOX_DUE,),
    ),
]

"""APScheduler 3.x oracle for the differential test of src/schedule.

Reads JSON lines {"schedule", "timezone", "after", "start"?, "end"?, "count"?} and writes one JSON line per
input: {"next": [ISO-8601 UTC, ...]} with the fire times strictly after "after" (fewer when the trigger
ends), or {"error": message, "type": exception class} when APScheduler rejects the input.

The schedule is turned into CronTrigger keyword arguments exactly as the legacy ECS Scheduler did
(ecs_scheduler/serialization.py, JobSchema._parse_schedule): split on whitespace, zip with
second minute hour day_of_week week day month year (extra parts dropped), `_` -> space in day.
"""
import json
import signal
import sys
from datetime import datetime, timedelta, timezone

from apscheduler.triggers.cron import CronTrigger

LEGACY_FIELDS = ["second", "minute", "hour", "day_of_week", "week", "day", "month", "year"]
UTC = timezone.utc
TICK = timedelta(microseconds=1)
# APScheduler walks day by day when a schedule can never match, up to year 9999: seconds per query.
BUDGET_SECONDS = 0.5


class OutOfTime(Exception):
    pass


def out_of_time(_signum, _frame):
    raise OutOfTime("over the time budget")


def legacy_kwargs(schedule):
    args = dict(zip(LEGACY_FIELDS, schedule.split()))
    if args.get("day"):
        args["day"] = args["day"].replace("_", " ")
    return args


def parse_instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def iso(moment):
    text = moment.astimezone(UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def answer(request):
    kwargs = legacy_kwargs(request["schedule"])
    for bound in ("start", "end"):
        if request.get(bound):
            kwargs[bound + "_date"] = request[bound]
    trigger = CronTrigger(timezone=request["timezone"], **kwargs)
    now = parse_instant(request["after"])
    fire_times = []
    for _ in range(request.get("count", 1)):
        # Strictly after `now`: CronTrigger answers "at or after", rounding up to whole seconds.
        fire_time = trigger.get_next_fire_time(None, now + TICK)
        if fire_time is None:
            break
        fire_times.append(iso(fire_time))
        now = fire_time
    return {"next": fire_times}


def main():
    signal.signal(signal.SIGALRM, out_of_time)
    for line in sys.stdin:
        if not line.strip():
            continue
        signal.setitimer(signal.ITIMER_REAL, BUDGET_SECONDS)
        try:
            reply = answer(json.loads(line))
        except Exception as error:  # the test compares rejections; the class tells them from crashes
            reply = {"error": str(error), "type": type(error).__name__}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

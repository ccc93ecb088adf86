"""Audit messages: goals, tasks and progress updates."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "goal.created": _l("Added the goal “%(title)s”"),
    "goal.edited": _l("Changed the goal “%(title)s”"),
    "goal.update_recorded": _l("Recorded a progress update on the goal “%(title)s”"),
    "goal.achieve": _l("Marked a goal as achieved"),
    "goal.drop": _l("Dropped a goal"),
    "goal.pause": _l("Paused a goal"),
    "goal.resume": _l("Resumed a goal"),
    "goal.reopen": _l("Reopened a goal"),
    "goal.evidence_linked": _l("Linked evidence to the goal “%(title)s”"),
    "goal.state_changed": _l("Changed the state of the goal “%(title)s”"),
    "task.created": _l("Added the task “%(title)s”"),
    "task.edited": _l("Changed the task “%(title)s”"),
    "task.complete": _l("Ticked off a task"),
    "task.reopen": _l("Reopened a task"),
    "task.done": _l("The task “%(title)s” is done"),
    "task.reopened": _l("The task “%(title)s” is open again"),
}

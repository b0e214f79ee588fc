"""Workflow helpers on django-fsm-2 and configurable approval chains.

Public names (imported lazily so models can import this package early)::

    from egov_base.workflow import transition, guard, run_transition, available_transitions, WorkflowMixin
"""

_EXPORTS = {
    "transition": "fsm", "guard": "fsm", "WorkflowMixin": "fsm", "run_transition": "fsm",
    "available_transitions": "fsm", "TransitionError": "fsm", "FSMField": "fsm",
}


def __getattr__(name):
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(name)

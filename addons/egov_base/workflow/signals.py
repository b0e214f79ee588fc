"""Signals of the workflow area.

``approval_finished`` is sent inside the approval transaction when an instance ends, with
``instance`` (ApprovalInstance) and ``result`` ("approved" / "rejected" / "cancelled"). The business object is
``instance.obj``. A receiver raising an exception rolls the approval act back."""

from django.dispatch import Signal

approval_finished = Signal()

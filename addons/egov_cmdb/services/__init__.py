"""CMDB write services (HackSoft style: keyword-only arguments, one transaction each).

Contract for CMDB-topology and other apps::

    from egov_cmdb.services import (ci_create, ci_update, ci_upsert, ci_set_status, ci_transition,
                                    ci_restore_version, ci_delete, relation_create, relation_delete)
"""

from .ci import (  # noqa: F401
    ci_create,
    ci_delete,
    ci_restore_version,
    ci_set_status,
    ci_transition,
    ci_update,
    ci_upsert,
    clean_input,
    snapshot,
    snapshot_diff,
)
from .classes import attribute_delete, attribute_save, class_delete, class_save  # noqa: F401
from .indexing import index_cis, index_cis_task, queue_index  # noqa: F401
from .reference import sync_reference_data  # noqa: F401
from .relations import relation_create, relation_delete, relation_type_save  # noqa: F401
from .reminders import send_warranty_reminders, send_warranty_reminders_task  # noqa: F401

"""Celery tasks of the CMDB (thin wrappers defined next to their services; imported here so workers and readers find
them in the usual place): ``egov_cmdb.import_run`` (large imports), ``egov_cmdb.index_cis`` (search index in
batches after commit), ``egov_cmdb.send_warranty_reminders`` (daily 09:00)."""

from .services.importer import import_run_task  # noqa: F401
from .services.indexing import index_cis_task  # noqa: F401
from .services.reminders import send_warranty_reminders_task  # noqa: F401

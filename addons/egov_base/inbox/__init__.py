"""Unified inbox (待办/已办/待阅/已阅). Public API: ``egov_base.inbox.services`` and ``.selectors``."""

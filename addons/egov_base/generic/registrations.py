"""Generic area registrations: nothing to register for itself (Comment and ListPreference are internal);
the org area registers the egov_base models."""

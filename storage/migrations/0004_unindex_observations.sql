-- observations(indicator, period) made every file's commit touch pages all
-- over the index (rows arrive by file, not by indicator): a cold sync spent
-- most of its time writing those pages to the WAL. Reconcile sorts the
-- current observations instead, and `sheaf explain` scans.
DROP INDEX observations_indicator;

-- The artifact store keeps several files under one content key (".thr", ".json", ".png",
-- ...): a row per (key, kind), so the second file's metadata is no longer dropped.
ALTER TABLE artifacts DROP CONSTRAINT artifacts_pkey;
ALTER TABLE artifacts ADD PRIMARY KEY (key, kind);

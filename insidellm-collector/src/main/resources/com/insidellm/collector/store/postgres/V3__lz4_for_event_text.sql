-- A ~1 KB event with its search text passes PostgreSQL's TOAST threshold, so every row was compressed with the
-- default pglz on insert, which cost about as much as the trigram index (ingest roughly doubled with lz4 here).
-- lz4 needs PostgreSQL 14 built with it; elsewhere the default stays and this is a no-op.
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 140000 THEN
    BEGIN
      EXECUTE 'ALTER TABLE events ALTER COLUMN raw SET COMPRESSION lz4, ALTER COLUMN search SET COMPRESSION lz4';
    EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR syntax_error THEN
      RAISE NOTICE 'lz4 compression is not available; events keep the default compression';
    END;
  END IF;
END
$$;

/** Exporter-side schema, one entry per version (see migrate() in database.ts). Append only. */
export const EXPORT_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE bundles (
    channel         TEXT    NOT NULL,
    sequence        INTEGER NOT NULL CHECK (sequence >= 1),
    id              TEXT    NOT NULL,
    manifest_sha256 TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    base_sequence   INTEGER NULL,
    blob_count      INTEGER NOT NULL,
    bytes           INTEGER NOT NULL,
    PRIMARY KEY (channel, sequence)
  );
  -- What the site is believed to hold, per channel: the next incremental export skips these digests.
  CREATE TABLE shipped (
    channel  TEXT    NOT NULL,
    digest   TEXT    NOT NULL,
    size     INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    PRIMARY KEY (channel, digest)
  ) WITHOUT ROWID;
  `,
  `
  -- The newest signed upstream date each (channel, source key) accepted, e.g. an apt suite's
  -- Release Date: an export from a mirror that went back in time is refused.
  CREATE TABLE upstream_marks (
    channel    TEXT NOT NULL,
    key        TEXT NOT NULL,
    date       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, key)
  ) WITHOUT ROWID;
  `,
  `
  -- The site key each channel's receipts must be signed by, pinned on first use.
  CREATE TABLE site_keys (
    channel     TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    armored     TEXT NOT NULL,
    pinned_at   TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- Volumes an export has written and fsynced but not yet sealed with a manifest: a re-run of an
  -- interrupted export keeps those whose file still hashes to what was written. plan_sha256
  -- names exactly what the volume was packed from; parts_json holds the split-blob parts it
  -- carries, with the digests computed while packing. Cleared when the channel records a bundle.
  CREATE TABLE written_volumes (
    channel     TEXT    NOT NULL,
    bundle_id   TEXT    NOT NULL,
    number      INTEGER NOT NULL CHECK (number >= 1),
    plan_sha256 TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT    NOT NULL,
    parts_json  TEXT    NOT NULL,
    written_at  TEXT    NOT NULL,
    PRIMARY KEY (channel, bundle_id, number)
  ) WITHOUT ROWID;
  `,
];

/** Site-side schema, one entry per version (see migrate() in database.ts). Append only. */
export const SITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE trusted_keys (
    fingerprint TEXT PRIMARY KEY,
    user_ids    TEXT NOT NULL,          -- JSON array of strings
    armored     TEXT NOT NULL,
    added_at    TEXT NOT NULL
  );

  CREATE TABLE bundles (
    manifest_sha256 TEXT    PRIMARY KEY,
    id              TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    sequence        INTEGER NOT NULL,
    base_sequence   INTEGER NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'complete', 'published', 'superseded', 'rejected')),
    manifest_path   TEXT    NOT NULL,
    received_at     TEXT    NOT NULL,
    completed_at    TEXT    NULL,
    published_at    TEXT    NULL,
    reason          TEXT    NULL
  );
  CREATE INDEX bundles_by_channel ON bundles (channel, sequence);
  CREATE INDEX bundles_by_status ON bundles (status);

  CREATE TABLE bundle_volumes (
    manifest_sha256 TEXT    NOT NULL REFERENCES bundles (manifest_sha256) ON DELETE CASCADE,
    number          INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'missing' CHECK (status IN ('missing', 'ingested')),
    ingested_at     TEXT    NULL,
    PRIMARY KEY (manifest_sha256, number)
  );

  -- The last PUBLISHED bundle of each channel; its sequence is the anti-replay floor.
  CREATE TABLE channels (
    name                 TEXT    PRIMARY KEY,
    last_sequence        INTEGER NOT NULL,
    last_bundle_id       TEXT    NOT NULL,
    last_manifest_sha256 TEXT    NOT NULL REFERENCES bundles (manifest_sha256),
    updated_at           TEXT    NOT NULL
  );

  CREATE TABLE blobs (
    digest   TEXT    PRIMARY KEY,
    size     INTEGER NOT NULL,
    added_at TEXT    NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE publications (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    snapshot      TEXT    NOT NULL UNIQUE,
    created_at    TEXT    NOT NULL,
    bundles       TEXT    NOT NULL,     -- JSON array of manifest sha256
    status        TEXT    NOT NULL CHECK (status IN ('current', 'previous', 'retired')),
    -- The publication that was live when this one was published: what a rollback from it returns to.
    rolls_back_to INTEGER NULL REFERENCES publications (id)
  );
  CREATE UNIQUE INDEX publications_one_current ON publications (status) WHERE status = 'current';

  CREATE TABLE events (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT    NOT NULL,
    kind   TEXT    NOT NULL,
    detail TEXT    NOT NULL             -- JSON
  );
  `,
  `
  -- Upstream keys the site pins per source ("<type>/<name>"); reverify uses only 'pinned' rows.
  -- 'pending' rows are keys a bundle offered that the operator has not accepted yet.
  CREATE TABLE upstream_keys (
    source      TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    user_ids    TEXT NOT NULL,          -- JSON array of strings
    armored     TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pinned', 'pending')),
    first_seen  TEXT NOT NULL,
    decided_at  TEXT NULL,
    PRIMARY KEY (source, fingerprint)
  ) WITHOUT ROWID;

  -- The newest signed upstream date the site accepted per key (anti-replay of upstream metadata).
  CREATE TABLE upstream_marks (
    key        TEXT PRIMARY KEY,
    date       TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) WITHOUT ROWID;

  -- Driver-defined trust anchors the operator added (snap store roots).
  CREATE TABLE trust_anchors (
    kind        TEXT NOT NULL,
    id          TEXT NOT NULL,
    description TEXT NOT NULL,
    data        TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (kind, id)
  ) WITHOUT ROWID;
  `,
  `
  -- Each publication's sources and their effective catalogs (a vault blob: the bundle's catalog,
  -- or the driver's merge of the previous effective catalog with it), and the bundle each came from.
  -- Rebuilding a publication starts from these rows, never from a manifest re-read from disk.
  CREATE TABLE publication_sources (
    publication_id  INTEGER NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
    channel         TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    catalog         TEXT    NOT NULL,   -- effective catalog digest
    bundle_catalog  TEXT    NOT NULL,   -- the catalog digest the bundle itself shipped
    manifest_sha256 TEXT    NOT NULL REFERENCES bundles (manifest_sha256),
    bundle_id       TEXT    NOT NULL,
    sequence        INTEGER NOT NULL,
    PRIMARY KEY (publication_id, type, name)
  ) WITHOUT ROWID;
  -- 1 when the publication's sources were recorded above (publications made before this step were not).
  ALTER TABLE publications ADD COLUMN sources_recorded INTEGER NOT NULL DEFAULT 0;

  -- Stored manifests are addressed relative to the home (bundles/<id>-<sha256 prefix>/<id>.manifest.json).
  UPDATE bundles SET manifest_path = 'bundles/' || id || '-' || substr(manifest_sha256, 1, 12) || '/' || id || '.manifest.json'
  WHERE manifest_path LIKE '/%';
  `,
  `
  -- The exporter keys allowed to sign each channel's bundles: the key that signed its first bundle
  -- ('first-use'), or keys the operator named ('operator'). A bundle by any other trusted key is
  -- refused, so one exporter key cannot take over or burn another's channel.
  CREATE TABLE channel_signers (
    channel     TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    origin      TEXT NOT NULL CHECK (origin IN ('first-use', 'operator')),
    bound_at    TEXT NOT NULL,
    PRIMARY KEY (channel, fingerprint)
  ) WITHOUT ROWID;
  `,
  `
  -- The primary fingerprint of the exporter key whose signature verified when the bundle arrived
  -- (NULL for bundles recorded before this step): what the site page names as "signed by".
  ALTER TABLE bundles ADD COLUMN signer TEXT NULL;
  `,
];

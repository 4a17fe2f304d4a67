export const SNAP_ID_RE = /^[a-zA-Z0-9]{32}$/;

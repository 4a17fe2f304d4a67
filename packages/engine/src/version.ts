export const AIRLOCK_VERSION = '0.1.0';

export { failpoint } from '@airlock/core';

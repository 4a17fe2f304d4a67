import type { ZstdErrors } from '@airlock/compress';
import { AirlockError, asAirlockError } from '@airlock/core';

/** How damaged zstd data of a volume is reported to the operator. */
export const VOLUME_ZSTD_ERRORS: ZstdErrors = {
  corrupt: (cause) =>
    cause === undefined
      ? new AirlockError('VOLUME_CORRUPT', 'the zstd data of the volume makes no progress; it is damaged')
      : asAirlockError(cause, 'VOLUME_CORRUPT', 'the volume is not valid zstd data; it is damaged, copy it again from the source media'),
  truncated: () => new AirlockError('VOLUME_TRUNCATED', 'the volume ends in the middle of its zstd data; it was cut short, copy it again'),
};

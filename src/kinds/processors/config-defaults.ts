import type { z } from 'zod';

export const MiB = 1024 * 1024;

/**
 * A config schema that a processor named without config (`undefined`) fills with its defaults.
 * `prefault` rather than a preprocess step, so that unknown-key messages can still list the keys.
 */
export const withDefaults = <T extends z.ZodObject>(schema: T) => schema.prefault({} as z.input<T>);

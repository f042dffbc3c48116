import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import type { PurchaseFilters } from './purchases.ts';

/**
 * Parameter building blocks shared by the analyses' zod schemas. Parameters use snake_case,
 * like the result metadata, because they travel through query strings and JSON unchanged.
 */

/** A calendar date YYYY-MM-DD that exists (2018-02-30 is refused). */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a calendar date');

/** A list given as an array or as one comma-separated string (query strings, CLI flags). */
function listOf<T extends z.ZodType<string>>(item: T) {
  return z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s.length > 0)
        : v,
    z.array(item).min(1, 'at least one value'),
  );
}

/** Two-letter state codes, normalised to upper case. */
export const statesSchema = listOf(
  z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'a two-letter state code')
    .transform((s) => s.toUpperCase()),
);

/** Product categories as named in the data (Portuguese). */
export const categoriesSchema = listOf(z.string().min(1).max(200));

/** The published data set version to analyse; the current one when absent. Not part of the cache key. */
export const datasetVersionSchema = z.coerce.number().int().positive();

/** Filters every analysis accepts. */
export const filterShape = {
  states: statesSchema.optional(),
  categories: categoriesSchema.optional(),
};

/** Validates untrusted parameters into a typed value, turning zod issues into an InputError naming each field. */
export function parseParams<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw new InputError(
    `invalid ${what} parameters`,
    result.error.issues.map((i) => ({
      location: i.path.join('.') || '(root)',
      message: i.code === 'unrecognized_keys' ? `unknown parameter(s): ${i.keys.join(', ')}` : i.message,
    })),
  );
}

/** The purchase filters of validated params. */
export function filtersOf(p: {
  readonly states?: readonly string[] | undefined;
  readonly categories?: readonly string[] | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}): PurchaseFilters {
  return {
    ...(p.states ? { states: p.states } : {}),
    ...(p.categories ? { categories: p.categories } : {}),
    ...(p.from ? { from: p.from } : {}),
    ...(p.to ? { to: p.to } : {}),
  };
}

/** Params without the keys that select the data set rather than the computation (they are not cache keys). */
export function cacheParams<T extends { readonly dataset_version?: number | undefined }>(
  p: T,
): Record<string, unknown> {
  const { dataset_version: _v, ...rest } = p;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

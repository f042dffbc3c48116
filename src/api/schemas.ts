import { z } from 'zod';

/** RFC 9457 problem details, with the product's stable error `code` and the correlation id. */
export const problemSchema = z
  .object({
    type: z.string().describe('URI identifying the problem type: urn:olist:problem:<code>'),
    title: z.string().describe('Short summary of the problem type'),
    status: z.number().int().min(400).max(599),
    detail: z.string().describe('What went wrong in this occurrence'),
    instance: z.string().describe('The request path'),
    code: z.string().describe('Stable error code, e.g. INPUT_INVALID, UNAUTHENTICATED, RATE_LIMITED'),
    request_id: z.string().describe('Correlation id (also in the X-Request-Id header)'),
    errors: z
      .array(z.object({ location: z.string().optional(), message: z.string() }))
      .optional()
      .describe('For validation errors: each field at fault'),
  })
  .describe('Problem details (application/problem+json)');
export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `?limit=&offset=` for list endpoints. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Page size (1–1000)'),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0).describe('Rows to skip'),
});

export const pageMeta = z.object({
  total: z.number().int().describe('Rows matching the filters'),
  limit: z.number().int(),
  offset: z.number().int(),
});

/** A query-string boolean: only the words true/false (and 1/0), never `Boolean("false")`. */
export const queryBool = z
  .enum(['true', 'false', '1', '0'])
  .transform((s) => s === 'true' || s === '1')
  .describe('true or false');

export const roleEnum = z.enum(['admin', 'analyst', 'viewer']);

export const isoTimestamp = z.iso.datetime({ offset: true });

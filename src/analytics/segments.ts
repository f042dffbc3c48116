import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { literal } from '../engine/engine.ts';

/**
 * Named customer segments from the R, F (and optionally M) scores. A map is an ordered list of
 * rules; a customer gets the first rule whose score ranges all contain theirs. A map must cover
 * every (R, F, M) combination of 1–5, so no customer is left without a segment.
 */

const score = z.number().int().min(1).max(5);

/**
 * A score range: `4`, `[4, 5]` or `{min: 4, max: 5}` (inclusive). The object form is also the parsed
 * form, so a parsed map parses again to itself (callers may pass validated params back in).
 */
const rangeSchema = z
  .union([score, z.tuple([score, score]), z.strictObject({ min: score, max: score })])
  .transform((v) =>
    typeof v === 'number' ? { min: v, max: v } : Array.isArray(v) ? { min: v[0], max: v[1] } : v,
  )
  .refine((r) => r.min <= r.max, 'range [min, max] with min ≤ max');

export type ScoreRange = z.output<typeof rangeSchema>;

const ruleSchema = z.strictObject({
  name: z.string().trim().min(1).max(60),
  r: rangeSchema.optional(),
  f: rangeSchema.optional(),
  m: rangeSchema.optional(),
  /** The business action to recommend for the segment (recommendations fall back to a generic one). */
  action: z.string().trim().min(1).max(500).optional(),
});

export type SegmentRule = z.output<typeof ruleSchema>;

const CELLS = [1, 2, 3, 4, 5].flatMap((r) =>
  [1, 2, 3, 4, 5].flatMap((f) => [1, 2, 3, 4, 5].map((m) => ({ r, f, m }))),
);

const within = (range: ScoreRange | undefined, v: number) => !range || (v >= range.min && v <= range.max);

/** The rule a score triple falls in, or undefined. */
export function segmentOf(
  rules: readonly SegmentRule[],
  r: number,
  f: number,
  m: number,
): SegmentRule | undefined {
  return rules.find((rule) => within(rule.r, r) && within(rule.f, f) && within(rule.m, m));
}

export const segmentMapSchema = z
  .strictObject({ segments: z.array(ruleSchema).min(1).max(50) })
  .superRefine((map, ctx) => {
    const seen = new Set<string>();
    map.segments.forEach((s, i) => {
      if (seen.has(s.name))
        ctx.addIssue({
          code: 'custom',
          path: ['segments', i, 'name'],
          message: `duplicate segment "${s.name}"`,
        });
      seen.add(s.name);
    });
    const uncovered = CELLS.filter((c) => !segmentOf(map.segments, c.r, c.f, c.m));
    if (uncovered.length) {
      const shown = uncovered
        .slice(0, 10)
        .map((c) => `R${c.r} F${c.f} M${c.m}`)
        .join(', ');
      ctx.addIssue({
        code: 'custom',
        path: ['segments'],
        message: `${uncovered.length} score combination(s) match no segment: ${shown}${uncovered.length > 10 ? ', …' : ''}`,
      });
    }
  });

export type SegmentMap = z.output<typeof segmentMapSchema>;
export type SegmentMapInput = z.input<typeof segmentMapSchema>;

/**
 * The common 11-segment map on R and F (M is not used), as a grid (rows R, columns F):
 *
 *        F=1           F=2                  F=3                  F=4               F=5
 *   R=5  New Customers Potential Loyalists  Potential Loyalists  Champions         Champions
 *   R=4  Promising     Potential Loyalists  Potential Loyalists  Loyal Customers   Loyal Customers
 *   R=3  About to Sleep About to Sleep      Need Attention       Loyal Customers   Loyal Customers
 *   R=2  Hibernating   Hibernating          At Risk              At Risk           Can't Lose Them
 *   R=1  Lost          Hibernating          At Risk              At Risk           Can't Lose Them
 */
export const DEFAULT_SEGMENT_MAP: SegmentMap = segmentMapSchema.parse({
  segments: [
    {
      name: 'Champions',
      r: 5,
      f: [4, 5],
      action:
        'reward them: loyalty-programme perks, early access to new products and referral incentives; they need no discounts',
    },
    {
      name: 'Loyal Customers',
      r: [3, 4],
      f: [4, 5],
      action:
        'keep them engaged: loyalty programme, personalised recommendations and cross-sell of related categories',
    },
    {
      name: 'Potential Loyalists',
      r: [4, 5],
      f: [2, 3],
      action:
        'turn them into regulars: membership or loyalty sign-up, bundles and a reason to make the next purchase',
    },
    {
      name: 'New Customers',
      r: 5,
      f: 1,
      action:
        'onboard them: a welcome series, good delivery and support, and an incentive for a second purchase',
    },
    {
      name: 'Promising',
      r: 4,
      f: 1,
      action: 'build the relationship: follow-up recommendations and a time-limited second-purchase offer',
    },
    {
      name: 'Need Attention',
      r: 3,
      f: 3,
      action:
        'reactivate before they slip: personalised reminders and limited-time offers based on past purchases',
    },
    {
      name: 'About to Sleep',
      r: 3,
      f: [1, 2],
      action:
        'reconnect: reminders with popular or related products and a modest discount to bring them back',
    },
    {
      name: "Can't Lose Them",
      r: [1, 2],
      f: 5,
      action:
        'win them back personally: direct outreach, find out what went wrong, and a strong win-back offer',
    },
    {
      name: 'At Risk',
      r: [1, 2],
      f: [3, 4],
      action:
        'win-back campaign: personalised emails, renewal offers and a survey on why they stopped buying',
    },
    {
      name: 'Lost',
      r: 1,
      f: 1,
      action: 'spend little: one low-cost win-back attempt, otherwise exclude them from paid campaigns',
    },
    {
      name: 'Hibernating',
      r: [1, 2],
      f: [1, 2],
      action:
        'low-cost reactivation: include them in broad campaigns with relevant products and seasonal offers',
    },
  ],
});

/**
 * Reads and validates a segment map YAML file (format: docs/analytics.md) and returns it as
 * written, ready to pass as the `segment_map` parameter (which validates it again).
 */
export function readSegmentMapFile(file: string): SegmentMapInput {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: cannot read the segment map: ${(err as Error).message}`);
  }
  const result = segmentMapSchema.safeParse(raw);
  if (!result.success) {
    throw new InputError(
      `${file}: invalid segment map`,
      result.error.issues.map((i) => ({ location: i.path.join('.') || '(root)', message: i.message })),
    );
  }
  return raw as SegmentMapInput;
}

/** Reads, validates and normalises a segment map YAML file. */
export function loadSegmentMap(file: string): SegmentMap {
  return segmentMapSchema.parse(readSegmentMapFile(file));
}

function segmentCase(map: SegmentMap, r: string, f: string, m: string, value: (i: number) => string): string {
  const cond = (col: string, range: ScoreRange | undefined) =>
    range
      ? [range.min === range.max ? `${col} = ${range.min}` : `${col} BETWEEN ${range.min} AND ${range.max}`]
      : [];
  const whens = map.segments.map((s, i) => {
    const parts = [...cond(r, s.r), ...cond(f, s.f), ...cond(m, s.m)];
    return `WHEN ${parts.length ? parts.join(' AND ') : 'TRUE'} THEN ${value(i)}`;
  });
  return `(CASE WHEN ${r} IS NULL OR ${f} IS NULL OR ${m} IS NULL THEN NULL ${whens.join(' ')} END)`;
}

/** SQL CASE assigning the segment name from score columns (first matching rule wins). */
export function segmentCaseSql(map: SegmentMap, r: string, f: string, m: string): string {
  return segmentCase(map, r, f, m, (i) => literal(map.segments[i]!.name));
}

/** The same assignment as the rule's index in the map (cheaper to group by than the name). */
export function segmentIndexCaseSql(map: SegmentMap, r: string, f: string, m: string): string {
  return segmentCase(map, r, f, m, (i) => String(i));
}

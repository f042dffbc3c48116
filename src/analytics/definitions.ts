import { z } from 'zod';
import type { Config } from '../core/config.ts';

/**
 * The definitions every number depends on (docs/definitions.md):
 * - customer = customer_unique_id;
 * - purchase = an order whose status is not in `excludedStatuses`;
 * - order value = sum of its payment_value rows (`payments`) or of price + freight_value (`items`);
 * - as-of date = the day after the latest purchase, unless given.
 * Every analysis result states the definitions it used.
 */
export const definitionsSchema = z.strictObject({
  excludedStatuses: z.array(z.string().min(1)),
  orderValue: z.enum(['payments', 'items']),
});

export type Definitions = z.infer<typeof definitionsSchema>;

export function definitionsFromConfig(config: Config): Definitions {
  return {
    excludedStatuses: [...config.analytics.excluded_statuses],
    orderValue: config.analytics.order_value,
  };
}

/** A plain-English statement of the definitions, for result metadata, reports and exports. */
export function describeDefinitions(d: Definitions): Record<string, string> {
  return {
    customer: 'customer_unique_id (customer_id is one per order)',
    purchase: `an order whose status is not ${d.excludedStatuses.length ? d.excludedStatuses.join(' or ') : '(none excluded)'}`,
    order_value:
      d.orderValue === 'payments'
        ? 'sum of the order’s payment_value rows'
        : 'sum of the order’s item price + freight_value',
    as_of: 'the day after the latest purchase timestamp, unless given',
    timestamps: 'Brazil local time as in the files (no zone)',
  };
}

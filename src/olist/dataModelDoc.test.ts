import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderDataModelDoc } from './dataModelDoc.ts';
import { TABLES } from './tables.ts';

describe('the data model', () => {
  it('has the exact published columns, including the misspelled _lenght ones', () => {
    expect(TABLES.products.columns.map((c) => c.name)).toEqual([
      'product_id',
      'product_category_name',
      'product_name_lenght',
      'product_description_lenght',
      'product_photos_qty',
      'product_weight_g',
      'product_length_cm',
      'product_height_cm',
      'product_width_cm',
    ]);
    expect(TABLES.orders.columns.map((c) => c.name)).toEqual([
      'order_id',
      'customer_id',
      'order_status',
      'order_purchase_timestamp',
      'order_approved_at',
      'order_delivered_carrier_date',
      'order_delivered_customer_date',
      'order_estimated_delivery_date',
    ]);
  });

  it('documents itself: docs/data-model.md is current (npm run docs regenerates it)', () => {
    const doc = readFileSync(new URL('../../docs/data-model.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderDataModelDoc());
  });
});

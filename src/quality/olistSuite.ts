/**
 * The built-in Olist rule suite: every documented quirk of the real data
 * (../shared/data/OLIST_FACTS.md §2.9) is a WARNING, so real Olist data always publishes with
 * its findings attached; structural breakage that makes the analyses wrong (orphan rows beyond
 * 1 %, impossible scores, negative money, duplicate primary keys, empty core tables, deliveries
 * before purchase in more than 1 % of orders) is an ERROR that rejects a load.
 */
import { BRAZIL_STATES, ORDER_STATUSES, PAYMENT_TYPES, TABLES } from '../olist/tables.ts';
import type { Rule } from './rules.ts';
import { Validator } from './validator.ts';

export interface OlistSuiteOptions {
  /** Largest accepted age in days of the latest purchase relative to the as-of date (default 30). */
  readonly freshnessDays?: number;
  /** Largest accepted relative row count change against the previous version (default 0.5 = ±50 %). */
  readonly maxRowCountChange?: number;
  /** Largest accepted change of a column's null share against the previous version (default 0.05). */
  readonly maxNullRateChange?: number;
  /**
   * Also check primary keys for uniqueness (default false: ingest rejects a file with a duplicate
   * primary key, so on ingested versions these rules could never fail; set it for data loaded otherwise).
   */
  readonly checkPrimaryKeys?: boolean;
}

/** Referential failures tolerated before a load is rejected. */
const ORPHAN_TOLERANCE = 0.99;
/** Matches a value made only of digits and separators: a number where a city name belongs. */
const NUMBER_LIKE = '[0-9][0-9 ./-]*';

export function olistSuite(opts: OlistSuiteOptions = {}): Rule[] {
  const freshnessDays = opts.freshnessDays ?? 30;
  const maxRowChange = opts.maxRowCountChange ?? 0.5;
  const maxNullChange = opts.maxNullRateChange ?? 0.05;
  const warn = { severity: 'warning' } as const;
  const orphans = { mostly: ORPHAN_TOLERANCE } as const;

  const customers = new Validator('customers')
    .rowCount(1, null, { id: 'customers.not_empty' })
    .parses('customer_zip_code_prefix', 'integer', { id: 'customers.zip_is_numeric' })
    .inSet('customer_state', BRAZIL_STATES, { ...warn, id: 'customers.state_known' })
    .regex('customer_city', NUMBER_LIKE, {
      ...warn,
      id: 'customers.city_not_a_number',
      negate: true,
      description: 'customer_city is a name, not a number',
    })
    .references('customer_zip_code_prefix', 'geolocation', 'geolocation_zip_code_prefix', {
      ...warn,
      id: 'customers.zip_in_geolocation',
      description: 'customer zip prefix has coordinates in geolocation (use LEFT JOIN)',
    })
    .rowCountDrift(maxRowChange, { ...warn, id: 'customers.row_count_drift' });

  const geolocation = new Validator('geolocation', warn)
    .rowCount(1, null, { id: 'geolocation.not_empty', description: 'geolocation has rows (optional file)' })
    .unique(
      [
        'geolocation_zip_code_prefix',
        'geolocation_lat',
        'geolocation_lng',
        'geolocation_city',
        'geolocation_state',
      ],
      {
        id: 'geolocation.exact_duplicates',
        key: ['geolocation_zip_code_prefix'],
        description: 'no exact duplicate rows (failing = extra copies)',
      },
    )
    .inSet('geolocation_state', BRAZIL_STATES, { id: 'geolocation.state_known' })
    .satisfies('geolocation_lat BETWEEN -34 AND 6 AND geolocation_lng BETWEEN -74 AND -28', {
      id: 'geolocation.inside_brazil',
      description: 'coordinates fall inside Brazil (lat −34…6, lng −74…−28)',
    })
    .satisfies('states = 1', {
      id: 'geolocation.zip_single_state',
      from: `SELECT geolocation_zip_code_prefix, count(DISTINCT geolocation_state) AS states
               FROM {geolocation} GROUP BY geolocation_zip_code_prefix`,
      description: 'each zip prefix lies in one state (failing = zip prefixes)',
    })
    .rowCountDrift(maxRowChange, { id: 'geolocation.row_count_drift' });

  const orders = new Validator('orders')
    .rowCount(1, null, { id: 'orders.not_empty' })
    .references('customer_id', 'customers', 'customer_id', { ...orphans, id: 'orders.customer_fk' })
    .satisfies('order_delivered_customer_date >= order_purchase_timestamp', {
      ...orphans,
      id: 'orders.delivered_after_purchase',
      description: 'delivered to the customer on or after the purchase',
    })
    .satisfies("order_estimated_delivery_date >= date_trunc('day', order_purchase_timestamp)", {
      ...orphans,
      id: 'orders.estimate_after_purchase',
      description: 'estimated delivery date on or after the purchase day',
    })
    .inSet('order_status', ORDER_STATUSES, { ...warn, id: 'orders.status_known' })
    .unique('customer_id', {
      ...warn,
      id: 'orders.customer_id_one_order',
      description: 'customer_id is one per order (customer_unique_id is the person)',
    })
    .references('order_id', 'order_items', 'order_id', {
      ...warn,
      id: 'orders.has_items',
      description: 'order has at least one item (orders without items: use LEFT JOIN)',
    })
    .references('order_id', 'order_payments', 'order_id', {
      ...warn,
      id: 'orders.has_payment',
      description: 'order has at least one payment',
    })
    .references('order_id', 'order_reviews', 'order_id', {
      ...warn,
      id: 'orders.has_review',
      mostly: 0.95,
      description: 'order has a review (the data are a sample of reviewed orders; 95 % expected)',
    })
    .notNull('order_delivered_customer_date', {
      ...warn,
      id: 'orders.delivered_has_delivery_date',
      where: `order_status = 'delivered'`,
      description: 'delivered order has its delivery date',
    })
    .notNull('order_delivered_carrier_date', {
      ...warn,
      id: 'orders.delivered_has_carrier_date',
      where: `order_status = 'delivered'`,
      description: 'delivered order has its carrier hand-over date',
    })
    .notNull('order_approved_at', {
      ...warn,
      id: 'orders.delivered_has_approval',
      where: `order_status = 'delivered'`,
      description: 'delivered order has its payment approval time',
    })
    .satisfies('order_approved_at >= order_purchase_timestamp', {
      ...warn,
      id: 'orders.approved_after_purchase',
      description: 'payment approved on or after the purchase',
    })
    .satisfies('order_delivered_carrier_date >= order_approved_at', {
      ...warn,
      id: 'orders.carrier_after_approval',
      description: 'handed to the carrier on or after the approval',
    })
    .satisfies('order_delivered_customer_date >= order_delivered_carrier_date', {
      ...warn,
      id: 'orders.delivered_after_carrier',
      description: 'delivered to the customer on or after the carrier hand-over',
    })
    .satisfies('order_delivered_customer_date IS NULL', {
      ...warn,
      id: 'orders.canceled_not_delivered',
      where: `order_status = 'canceled'`,
      description: 'a canceled order has no delivery date',
    })
    .freshness('order_purchase_timestamp', freshnessDays, { ...warn, id: 'orders.fresh' })
    .rowCountDrift(maxRowChange, { ...warn, id: 'orders.row_count_drift' })
    .nullRateDrift('order_approved_at', maxNullChange, { ...warn, id: 'orders.null_drift.order_approved_at' })
    .nullRateDrift('order_delivered_carrier_date', maxNullChange, {
      ...warn,
      id: 'orders.null_drift.order_delivered_carrier_date',
    })
    .nullRateDrift('order_delivered_customer_date', maxNullChange, {
      ...warn,
      id: 'orders.null_drift.order_delivered_customer_date',
    });

  const items = new Validator('order_items')
    .rowCount(1, null, { id: 'order_items.not_empty' })
    .references('order_id', 'orders', 'order_id', { ...orphans, id: 'order_items.order_fk' })
    .references('product_id', 'products', 'product_id', { ...orphans, id: 'order_items.product_fk' })
    .references('seller_id', 'sellers', 'seller_id', { ...orphans, id: 'order_items.seller_fk' })
    .range('order_item_id', 1, null, { id: 'order_items.item_number_positive' })
    .range('price', 0, null, { id: 'order_items.price_not_negative' })
    .range('freight_value', 0, null, { id: 'order_items.freight_not_negative' })
    .range('freight_value', 0, null, {
      ...warn,
      strict: true,
      id: 'order_items.freight_charged',
      description: 'freight_value > 0 (free freight was a 2018 promotion)',
    })
    .satisfies(
      `shipping_limit_date <= (SELECT max(order_purchase_timestamp) FROM {orders}) + INTERVAL 60 DAY`,
      {
        ...warn,
        id: 'order_items.shipping_limit_plausible',
        description: 'shipping_limit_date at most 60 days after the last purchase of the data set',
      },
    )
    .rowCountDrift(maxRowChange, { ...warn, id: 'order_items.row_count_drift' })
    .distributionDrift('price', 'psi', 0.25, { ...warn, id: 'order_items.price_drift' });

  const payments = new Validator('order_payments')
    .rowCount(1, null, { id: 'order_payments.not_empty' })
    .references('order_id', 'orders', 'order_id', { ...orphans, id: 'order_payments.order_fk' })
    .range('payment_value', 0, null, { id: 'order_payments.value_not_negative' })
    .range('payment_sequential', 1, null, { id: 'order_payments.sequential_positive' })
    .range('payment_installments', 0, null, { id: 'order_payments.installments_not_negative' })
    .range('payment_value', 0, null, {
      ...warn,
      strict: true,
      id: 'order_payments.value_positive',
      description: 'payment_value > 0 (zero-value vouchers and not_defined rows)',
    })
    .inSet('payment_type', PAYMENT_TYPES, { ...warn, id: 'order_payments.type_known' })
    .satisfies(`payment_type <> 'not_defined'`, {
      ...warn,
      id: 'order_payments.type_defined',
      description: 'payment_type is not not_defined',
    })
    .range('payment_installments', 1, null, {
      ...warn,
      id: 'order_payments.installments_positive',
      description: 'at least one installment',
    })
    .satisfies('abs(round(paid - charged, 2)) <= 0.01', {
      ...warn,
      id: 'order_payments.matches_items',
      key: ['order_id'],
      // One aggregation over both tables (cheaper than two GROUP BYs and a join): orders with payments and items.
      from: `SELECT order_id, sum(paid) AS paid, sum(charged) AS charged FROM (
                 SELECT order_id, payment_value AS paid, 0 AS charged, 1 AS p, 0 AS i FROM {order_payments}
                 UNION ALL
                 SELECT order_id, 0, price + freight_value, 0, 1 FROM {order_items})
               GROUP BY order_id HAVING sum(p) > 0 AND sum(i) > 0`,
      description: 'an order’s payments add up to its items’ price + freight (±0.01; failing = orders)',
    })
    .rowCountDrift(maxRowChange, { ...warn, id: 'order_payments.row_count_drift' })
    .distributionDrift('payment_value', 'ks', 0.1, { ...warn, id: 'order_payments.value_drift' });

  const reviews = new Validator('order_reviews')
    .rowCount(1, null, {
      ...warn,
      id: 'order_reviews.not_empty',
      description: 'reviews have rows (optional file)',
    })
    .references('order_id', 'orders', 'order_id', { ...orphans, id: 'order_reviews.order_fk' })
    .range('review_score', 1, 5, { id: 'order_reviews.score_1_to_5' })
    .unique('review_id', {
      ...warn,
      id: 'order_reviews.review_id_unique',
      description: 'review_id is unique (failing = extra copies of a review_id)',
    })
    .unique('order_id', {
      ...warn,
      id: 'order_reviews.one_review_per_order',
      description: 'one review per order (failing = extra reviews; keep the latest)',
    })
    .satisfies('review_answer_timestamp >= review_creation_date', {
      ...warn,
      id: 'order_reviews.answered_after_creation',
      description: 'answered on or after the survey was sent',
    })
    .satisfies('review_creation_date::DATE >= order_purchase_timestamp::DATE', {
      ...warn,
      id: 'order_reviews.created_after_purchase',
      from: `SELECT r.review_id, r.order_id, r.review_creation_date, o.order_purchase_timestamp
               FROM {order_reviews} r JOIN {orders} o USING (order_id)`,
      description: 'review created on or after the purchase day',
    })
    .rowCountDrift(maxRowChange, { ...warn, id: 'order_reviews.row_count_drift' })
    .distributionDrift('review_score', 'psi', 0.25, { ...warn, id: 'order_reviews.score_drift' });

  const products = new Validator('products')
    .rowCount(1, null, { id: 'products.not_empty' })
    .satisfies(
      'least(product_name_lenght, product_description_lenght, product_photos_qty, product_weight_g, ' +
        'product_length_cm, product_height_cm, product_width_cm) >= 0',
      {
        ...orphans,
        id: 'products.measures_not_negative',
        description: 'lengths, photos, weight and sizes are ≥ 0',
      },
    )
    .notNull('product_category_name', { ...warn, id: 'products.has_category' })
    .references('product_category_name', 'category_translation', 'product_category_name', {
      ...warn,
      id: 'products.category_translated',
      description: 'product category has an English translation (failing keys = categories)',
    })
    .satisfies(
      'product_weight_g IS NOT NULL AND product_length_cm IS NOT NULL AND product_height_cm IS NOT NULL ' +
        'AND product_width_cm IS NOT NULL',
      { ...warn, id: 'products.has_dimensions', description: 'weight and dimensions are present' },
    )
    .range('product_weight_g', 0, null, {
      ...warn,
      strict: true,
      id: 'products.weight_positive',
      description: 'product_weight_g > 0',
    })
    .rowCountDrift(maxRowChange, { ...warn, id: 'products.row_count_drift' })
    .nullRateDrift('product_category_name', maxNullChange, {
      ...warn,
      id: 'products.null_drift.product_category_name',
    });

  const sellers = new Validator('sellers')
    .rowCount(1, null, { id: 'sellers.not_empty' })
    .parses('seller_zip_code_prefix', 'integer', { id: 'sellers.zip_is_numeric' })
    .inSet('seller_state', BRAZIL_STATES, { ...warn, id: 'sellers.state_known' })
    .regex('seller_city', NUMBER_LIKE, {
      ...warn,
      id: 'sellers.city_not_a_number',
      negate: true,
      description: 'seller_city is a name, not a number',
    })
    .references('seller_zip_code_prefix', 'geolocation', 'geolocation_zip_code_prefix', {
      ...warn,
      id: 'sellers.zip_in_geolocation',
      description: 'seller zip prefix has coordinates in geolocation',
    })
    .rowCountDrift(maxRowChange, { ...warn, id: 'sellers.row_count_drift' });

  const translation = new Validator('category_translation').rowCount(1, null, {
    id: 'category_translation.not_empty',
  });

  const validators = [
    customers,
    geolocation,
    orders,
    items,
    payments,
    reviews,
    products,
    sellers,
    translation,
  ];
  if (opts.checkPrimaryKeys) {
    for (const v of validators) {
      const pk = TABLES[v.table].primaryKey;
      if (pk.length)
        v.unique(pk, { id: `${v.table}.primary_key_unique`, description: `${pk.join(' + ')} is unique` });
    }
  }
  return validators.flatMap((v) => v.rules());
}

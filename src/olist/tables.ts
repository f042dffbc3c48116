/**
 * The Olist data model: one typed definition of the nine tables. It drives the DDL,
 * the CSV reader, ingest validation, the synthetic generator's headers and the docs.
 * Column names and order are exactly those of the published files, including Olist's
 * misspelled `product_name_lenght` and `product_description_lenght`.
 */

/** Logical column types. `zip` is a 5-character digit string that keeps its leading zeros. */
export type ColumnType = 'id' | 'text' | 'zip' | 'state' | 'integer' | 'double' | 'timestamp';

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly description: string;
}

export interface ForeignKey {
  readonly columns: readonly string[];
  readonly table: TableName;
  readonly references: readonly string[];
}

export const TABLE_NAMES = [
  'customers',
  'geolocation',
  'order_items',
  'order_payments',
  'order_reviews',
  'orders',
  'products',
  'sellers',
  'category_translation',
] as const;

export type TableName = (typeof TABLE_NAMES)[number];

export interface TableDef {
  readonly name: TableName;
  readonly file: string;
  readonly description: string;
  /** Optional tables may be absent from a folder: ingest warns and loads an empty table. */
  readonly optional: boolean;
  readonly columns: readonly ColumnDef[];
  /**
   * Primary key. Olist's reviews are keyed by `review_id` in name only (814 duplicate ids in
   * the real file), so the reviews table has no enforced key: the quality suite reports them.
   */
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly ForeignKey[];
}

const col = (name: string, type: ColumnType, nullable: boolean, description: string): ColumnDef => ({
  name,
  type,
  nullable,
  description,
});

export const TABLES: Readonly<Record<TableName, TableDef>> = {
  customers: {
    name: 'customers',
    file: 'olist_customers_dataset.csv',
    description:
      'One row per order-customer: customer_id is one per order, customer_unique_id is the person.',
    optional: false,
    columns: [
      col('customer_id', 'id', false, 'Key of the customer as seen by one order'),
      col('customer_unique_id', 'id', false, 'The person; the customer used by every analysis'),
      col('customer_zip_code_prefix', 'zip', false, 'First five digits of the zip code'),
      col('customer_city', 'text', false, 'City name (lower case, no accents in the original)'),
      col('customer_state', 'state', false, 'Two-letter state code'),
    ],
    primaryKey: ['customer_id'],
    foreignKeys: [],
  },
  geolocation: {
    name: 'geolocation',
    file: 'olist_geolocation_dataset.csv',
    description: 'Zip prefixes with coordinates; many rows (and exact duplicates) per prefix.',
    optional: true,
    columns: [
      col('geolocation_zip_code_prefix', 'zip', false, 'Zip prefix'),
      col('geolocation_lat', 'double', false, 'Latitude'),
      col('geolocation_lng', 'double', false, 'Longitude'),
      col('geolocation_city', 'text', false, 'City name'),
      col('geolocation_state', 'state', false, 'Two-letter state code'),
    ],
    primaryKey: [],
    foreignKeys: [],
  },
  order_items: {
    name: 'order_items',
    file: 'olist_order_items_dataset.csv',
    description: 'One row per item of an order.',
    optional: false,
    columns: [
      col('order_id', 'id', false, 'Order'),
      col('order_item_id', 'integer', false, 'Line number 1..n within the order'),
      col('product_id', 'id', false, 'Product'),
      col('seller_id', 'id', false, 'Seller'),
      col('shipping_limit_date', 'timestamp', false, 'Deadline for the seller to hand over to the carrier'),
      col('price', 'double', false, 'Item price (R$)'),
      col('freight_value', 'double', false, 'Freight charged for the item (R$)'),
    ],
    primaryKey: ['order_id', 'order_item_id'],
    foreignKeys: [
      { columns: ['order_id'], table: 'orders', references: ['order_id'] },
      { columns: ['product_id'], table: 'products', references: ['product_id'] },
      { columns: ['seller_id'], table: 'sellers', references: ['seller_id'] },
    ],
  },
  order_payments: {
    name: 'order_payments',
    file: 'olist_order_payments_dataset.csv',
    description: 'One row per payment of an order; an order may be paid in several rows.',
    optional: false,
    columns: [
      col('order_id', 'id', false, 'Order'),
      col('payment_sequential', 'integer', false, 'Sequence number of the payment within the order'),
      col('payment_type', 'text', false, 'credit_card, boleto, voucher, debit_card or not_defined'),
      col('payment_installments', 'integer', false, 'Number of installments'),
      col('payment_value', 'double', false, 'Amount paid (R$)'),
    ],
    primaryKey: ['order_id', 'payment_sequential'],
    foreignKeys: [{ columns: ['order_id'], table: 'orders', references: ['order_id'] }],
  },
  order_reviews: {
    name: 'order_reviews',
    file: 'olist_order_reviews_dataset.csv',
    description: 'Customer reviews; review_id is not unique in the real data.',
    optional: true,
    columns: [
      col('review_id', 'id', false, 'Review (not unique: the same id can be attached to several orders)'),
      col('order_id', 'id', false, 'Order'),
      col('review_score', 'integer', false, 'Score 1 to 5'),
      col('review_comment_title', 'text', true, 'Title of the comment'),
      col('review_comment_message', 'text', true, 'Comment text; may contain line breaks and commas'),
      col('review_creation_date', 'timestamp', false, 'When the satisfaction survey was sent'),
      col('review_answer_timestamp', 'timestamp', false, 'When the survey was answered'),
    ],
    primaryKey: [],
    foreignKeys: [{ columns: ['order_id'], table: 'orders', references: ['order_id'] }],
  },
  orders: {
    name: 'orders',
    file: 'olist_orders_dataset.csv',
    description: 'One row per order.',
    optional: false,
    columns: [
      col('order_id', 'id', false, 'Order'),
      col('customer_id', 'id', false, 'Customer row of this order (one per order)'),
      col(
        'order_status',
        'text',
        false,
        'delivered, shipped, canceled, unavailable, invoiced, processing, …',
      ),
      col('order_purchase_timestamp', 'timestamp', false, 'Purchase time (Brazil local time, no zone)'),
      col('order_approved_at', 'timestamp', true, 'Payment approval time'),
      col('order_delivered_carrier_date', 'timestamp', true, 'Handed to the carrier'),
      col('order_delivered_customer_date', 'timestamp', true, 'Delivered to the customer'),
      col('order_estimated_delivery_date', 'timestamp', false, 'Delivery date promised at purchase'),
    ],
    primaryKey: ['order_id'],
    foreignKeys: [{ columns: ['customer_id'], table: 'customers', references: ['customer_id'] }],
  },
  products: {
    name: 'products',
    file: 'olist_products_dataset.csv',
    description: 'Product catalogue (the _lenght misspellings are part of the schema).',
    optional: false,
    columns: [
      col('product_id', 'id', false, 'Product'),
      col('product_category_name', 'text', true, 'Category in Portuguese'),
      col('product_name_lenght', 'integer', true, 'Characters in the product name'),
      col('product_description_lenght', 'integer', true, 'Characters in the description'),
      col('product_photos_qty', 'integer', true, 'Number of photos'),
      col('product_weight_g', 'integer', true, 'Weight in grams'),
      col('product_length_cm', 'integer', true, 'Length in cm'),
      col('product_height_cm', 'integer', true, 'Height in cm'),
      col('product_width_cm', 'integer', true, 'Width in cm'),
    ],
    primaryKey: ['product_id'],
    foreignKeys: [],
  },
  sellers: {
    name: 'sellers',
    file: 'olist_sellers_dataset.csv',
    description: 'Marketplace sellers.',
    optional: false,
    columns: [
      col('seller_id', 'id', false, 'Seller'),
      col('seller_zip_code_prefix', 'zip', false, 'Zip prefix'),
      col('seller_city', 'text', false, 'City name (one real row holds a zip code here)'),
      col('seller_state', 'state', false, 'Two-letter state code'),
    ],
    primaryKey: ['seller_id'],
    foreignKeys: [],
  },
  category_translation: {
    name: 'category_translation',
    file: 'product_category_name_translation.csv',
    description: 'Portuguese category names with their English translation (UTF-8 BOM, CRLF).',
    optional: false,
    columns: [
      col('product_category_name', 'text', false, 'Category in Portuguese'),
      col('product_category_name_english', 'text', false, 'Category in English'),
    ],
    primaryKey: ['product_category_name'],
    foreignKeys: [],
  },
};

export const ALL_TABLES: readonly TableDef[] = TABLE_NAMES.map((n) => TABLES[n]);

/** The 27 Brazilian federative units, as they appear in the state columns. */
export const BRAZIL_STATES = [
  'AC',
  'AL',
  'AM',
  'AP',
  'BA',
  'CE',
  'DF',
  'ES',
  'GO',
  'MA',
  'MG',
  'MS',
  'MT',
  'PA',
  'PB',
  'PE',
  'PI',
  'PR',
  'RJ',
  'RN',
  'RO',
  'RR',
  'RS',
  'SC',
  'SE',
  'SP',
  'TO',
] as const;

export const ORDER_STATUSES = [
  'delivered',
  'shipped',
  'canceled',
  'unavailable',
  'invoiced',
  'processing',
  'created',
  'approved',
] as const;

export const PAYMENT_TYPES = ['credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined'] as const;

/**
 * The shape of the real Olist data set as data: published counts (OLIST_FACTS.md section 2 and the
 * widely published breakdowns of the full files) and the few model parameters calibrated against them.
 * Counts are kept as the published integers and used as weights; `BASE_*` give the denominators so that
 * rare quirks can be scaled to any size.
 */

/** Persons (customer_unique_id) and orders of the real data set. */
export const BASE_CUSTOMERS = 96_096;
export const BASE_ORDERS = 99_441;
export const BASE_ITEMS = 112_650;
export const BASE_PRODUCTS = 32_951;
export const BASE_SELLERS = 3_095;
export const BASE_GEOLOCATION_ROWS = 1_000_163;
export const BASE_GEOLOCATION_DUPLICATES = 261_831;

/** First and last purchase timestamps (facts 2.2). */
export const FIRST_PURCHASE = '2016-09-04 21:15:19';
export const LAST_PURCHASE = '2018-10-17 17:30:18';

/**
 * Orders per month, all statuses. 2017-01..2018-08 is the published table (facts 2.2); the 2016 ramp-up
 * (329 orders) and the 2018-09/10 tail (20 orders) use the published monthly split of those totals.
 */
export const MONTHLY_ORDERS: readonly (readonly [year: number, month: number, orders: number])[] = [
  [2016, 9, 4],
  [2016, 10, 324],
  [2016, 11, 0],
  [2016, 12, 1],
  [2017, 1, 800],
  [2017, 2, 1780],
  [2017, 3, 2682],
  [2017, 4, 2404],
  [2017, 5, 3700],
  [2017, 6, 3245],
  [2017, 7, 4026],
  [2017, 8, 4331],
  [2017, 9, 4285],
  [2017, 10, 4631],
  [2017, 11, 7544],
  [2017, 12, 5673],
  [2018, 1, 7269],
  [2018, 2, 6728],
  [2018, 3, 7211],
  [2018, 4, 6939],
  [2018, 5, 6873],
  [2018, 6, 6167],
  [2018, 7, 6292],
  [2018, 8, 6512],
  [2018, 9, 16],
  [2018, 10, 4],
];

/**
 * Relative daily weight of the Black Friday week within November 2017 (other days weigh 1): 2017-11-24
 * carries about 15 % of the month, the following days stay elevated.
 */
export const BLACK_FRIDAY_2017: Readonly<Record<number, number>> = { 24: 6, 25: 2.5, 26: 2, 27: 2.2 };

/** Orders by weekday, Monday first (published breakdown of the 99,441 orders). */
export const WEEKDAY_ORDERS = [16_196, 15_963, 15_552, 14_761, 14_122, 10_887, 11_960] as const;

/** Orders by hour of the purchase timestamp, 0..23 (published breakdown of the 99,441 orders). */
export const HOUR_ORDERS = [
  2394, 1170, 510, 272, 206, 188, 502, 1231, 2967, 4785, 6177, 6578, 5995, 6518, 6569, 6454, 6675, 6150, 5769,
  5982, 6193, 6217, 5816, 4123,
] as const;

/** Orders after August 2018 are canceled, except about one in twenty (facts 2.2). */
export const TAIL_START = '2018-09-01 00:00:00';
export const TAIL_CANCELED_SHARE = 19 / 20;

/** order_status value counts (facts 2.3). */
export const ORDER_STATUS_COUNTS = {
  delivered: 96_478,
  shipped: 1_107,
  canceled: 625,
  unavailable: 609,
  invoiced: 314,
  processing: 301,
  created: 5,
  approved: 2,
} as const;
export type OrderStatus = keyof typeof ORDER_STATUS_COUNTS;

/**
 * Null timestamps by status (facts 2.1 and 2.9 item 5: 160 approved_at, 1,783 carrier, 2,965 customer
 * nulls). Rates are per order of that status; the handful on delivered orders are planted as quirks.
 */
export const CANCELED_NO_APPROVAL = 141 / 625;
export const CANCELED_WITH_CARRIER = 75 / 625;

/** Orders without items by status (775 in all, facts 2.9 item 7). */
export const NO_ITEMS_SHARE: Readonly<Record<OrderStatus, number>> = {
  delivered: 0,
  shipped: 1 / 1107,
  canceled: 164 / 625,
  unavailable: 603 / 609,
  invoiced: 2 / 314,
  processing: 0,
  created: 1,
  approved: 0,
};

/** customer_unique_id by number of orders (facts 2.6). */
export const ORDERS_PER_CUSTOMER: readonly (readonly [orders: number, customers: number])[] = [
  [1, 93_099],
  [2, 2_745],
  [3, 203],
  [4, 30],
  [5, 8],
  [6, 6],
  [7, 3],
  [9, 1],
  [17, 1],
];
/** Share of a customer's later orders placed within 24 h of the previous one (facts 2.6). */
export const REPEAT_WITHIN_24H = 0.3;

/** Orders by number of items (98,666 orders with items, 112,650 items). */
export const ITEMS_PER_ORDER: readonly (readonly [items: number, orders: number])[] = [
  [1, 88_863],
  [2, 7_516],
  [3, 1_322],
  [4, 505],
  [5, 204],
  [6, 198],
  [7, 22],
  [8, 8],
  [9, 3],
  [10, 8],
  [11, 4],
  [12, 5],
  [13, 1],
  [14, 2],
  [15, 2],
  [20, 2],
  [21, 1],
];
/** In a multi-item order, the next item repeats the product, picks another of the seller's, or any. */
export const NEXT_ITEM_SAME_PRODUCT = 0.62;
export const NEXT_ITEM_SAME_SELLER = 0.29;

/** Customer rows (= orders) by state (facts 2.6 top ten; the rest from the published per-state table). */
export const CUSTOMER_STATE_ORDERS = {
  SP: 41_746,
  RJ: 12_852,
  MG: 11_635,
  RS: 5_466,
  PR: 5_045,
  SC: 3_637,
  BA: 3_380,
  DF: 2_140,
  ES: 2_033,
  GO: 2_020,
  PE: 1_652,
  CE: 1_336,
  PA: 975,
  MT: 907,
  MA: 747,
  MS: 715,
  PB: 536,
  PI: 495,
  RN: 485,
  AL: 413,
  SE: 350,
  TO: 280,
  RO: 253,
  AM: 148,
  AC: 81,
  AP: 68,
  RR: 46,
} as const;

/** Sellers by state (recounted from the original sellers file, facts 2.6). */
export const SELLER_STATE_COUNTS = {
  SP: 1_849,
  PR: 349,
  MG: 244,
  SC: 190,
  RJ: 171,
  RS: 129,
  GO: 40,
  DF: 30,
  ES: 23,
  BA: 19,
  CE: 13,
  PE: 9,
  PB: 6,
  RN: 5,
  MS: 5,
  MT: 4,
  SE: 2,
  RO: 2,
  PI: 1,
  PA: 1,
  MA: 1,
  AM: 1,
  AC: 1,
} as const;

/** Region of each state, for freight and delivery-time distances. */
export const STATE_REGION: Readonly<Record<string, 'N' | 'NE' | 'CO' | 'SE' | 'S'>> = {
  AC: 'N',
  AM: 'N',
  AP: 'N',
  PA: 'N',
  RO: 'N',
  RR: 'N',
  TO: 'N',
  AL: 'NE',
  BA: 'NE',
  CE: 'NE',
  MA: 'NE',
  PB: 'NE',
  PE: 'NE',
  PI: 'NE',
  RN: 'NE',
  SE: 'NE',
  DF: 'CO',
  GO: 'CO',
  MS: 'CO',
  MT: 'CO',
  ES: 'SE',
  MG: 'SE',
  RJ: 'SE',
  SP: 'SE',
  PR: 'S',
  RS: 'S',
  SC: 'S',
};

export const STATE_NAMES: Readonly<Record<string, string>> = {
  AC: 'acre',
  AL: 'alagoas',
  AM: 'amazonas',
  AP: 'amapa',
  BA: 'bahia',
  CE: 'ceara',
  DF: 'distrito federal',
  ES: 'espirito santo',
  GO: 'goias',
  MA: 'maranhao',
  MG: 'minas gerais',
  MS: 'mato grosso do sul',
  MT: 'mato grosso',
  PA: 'para',
  PB: 'paraiba',
  PE: 'pernambuco',
  PI: 'piaui',
  PR: 'parana',
  RJ: 'rio de janeiro',
  RN: 'rio grande do norte',
  RO: 'rondonia',
  RR: 'roraima',
  RS: 'rio grande do sul',
  SC: 'santa catarina',
  SE: 'sergipe',
  SP: 'sao paulo',
  TO: 'tocantins',
};

// ---------------------------------------------------------------------------------------------------
// Payments (facts 2.4)

/** Single-row orders by payment type (96,479 orders with one payment row). */
export const SINGLE_PAYMENT_TYPE = {
  credit_card: 73_972,
  boleto: 19_784,
  debit_card: 1_526,
  voucher: 1_194,
} as const;

/** Orders by number of payment rows, for orders with more than one (2,961 orders). */
export const MULTI_PAYMENT_ROWS: readonly (readonly [rows: number, orders: number])[] = [
  [2, 2_382],
  [3, 301],
  [4, 108],
  [5, 52],
  [6, 36],
  [7, 28],
  [8, 11],
  [9, 9],
  [10, 5],
  [11, 8],
  [12, 8],
  [13, 3],
  [14, 2],
  [15, 2],
  [19, 2],
  [21, 1],
  [22, 1],
  [26, 1],
  [29, 1],
];
export const MULTI_PAYMENT_SHARE = 2_961 / 99_440;
/** Composition of two-row payments: credit card + voucher, two cards, two vouchers (+ 2 debit pairs). */
export const TWO_ROW_MIX = { card_voucher: 1_869, card_card: 287, voucher_voucher: 224, debit: 2 } as const;
/** Three rows: card + 2 vouchers, 3 vouchers, 2 cards + voucher. */
export const THREE_ROW_MIX = { card_vouchers: 212, vouchers: 86, cards_voucher: 3 } as const;
/** Four or more rows: one card + vouchers, or vouchers only. */
export const MANY_ROW_MIX = { card_vouchers: 161, vouchers: 117 } as const;

/** credit_card rows by payment_installments (1..24; the 2 rows with 0 are planted as a quirk). */
export const CARD_INSTALLMENTS: readonly (readonly [installments: number, rows: number])[] = [
  [1, 25_455],
  [2, 12_413],
  [3, 10_461],
  [4, 7_098],
  [5, 5_239],
  [6, 3_920],
  [7, 1_626],
  [8, 4_268],
  [9, 644],
  [10, 5_328],
  [11, 23],
  [12, 133],
  [13, 16],
  [14, 15],
  [15, 74],
  [16, 5],
  [17, 8],
  [18, 27],
  [20, 17],
  [21, 3],
  [22, 1],
  [23, 1],
  [24, 18],
];
/** Correlation (Gaussian copula) between log order value and the installment count: bigger baskets, more. */
export const INSTALLMENTS_VALUE_CORRELATION = 0.55;

/**
 * Orders whose payments match price + freight within a cent: 98.37 % of all orders with payments
 * (facts 2.4). The 775 orders without items never match, so among orders with items the rate of a
 * mismatch is the remainder.
 */
export const PAYMENT_MATCH_SHARE = 97_822 / 99_440;
export const MISMATCH_WITH_ITEMS = (99_440 - 97_822 - 775) / (99_440 - 775);

// ---------------------------------------------------------------------------------------------------
// Reviews (facts 2.5, 2.7)

/** Score distributions by delivery outcome; they mix back to the published overall distribution. */
export const REVIEW_SCORES = {
  /** avg 4.29 */
  on_time: [6.53, 2.7, 8.0, 20.37, 62.3],
  /** avg 2.57 */
  late: [46, 8, 11, 12, 23],
  /** avg 1.76 */
  not_delivered: [72, 5, 8, 5, 10],
} as const;
export type DeliveryOutcome = keyof typeof REVIEW_SCORES;
/** Overall published score distribution, scores 1..5 (99,224 rows). */
export const REVIEW_SCORE_COUNTS = [11_424, 3_151, 8_179, 19_142, 57_328] as const;

/** 768 of 99,441 orders have no review. */
export const ORDER_WITHOUT_REVIEW = 768 / 99_441;
/** 547 orders have 2 (543) or 3 (4) reviews. */
export const ORDER_MULTI_REVIEW = 547 / 99_441;
export const MULTI_REVIEW_THREE = 4 / 547;
/**
 * Share of a customer's within-24-hours follow-up orders that reuse the previous order's review (the
 * same review_id on several orders of one customer): tuned so duplicates are about 814 per 99,224 rows.
 */
export const SHARED_REVIEW_WITHIN_24H = 0.81;
/** review_comment_title is 88.34 % null, review_comment_message 58.70 % null. */
export const REVIEW_MESSAGE_SHARE = 1 - 0.587;
export const REVIEW_TITLE_SHARE = 1 - 0.8834;
/** P(title | message); P(title | no message) follows from the overall title share. */
export const REVIEW_TITLE_GIVEN_MESSAGE = 0.2;

// ---------------------------------------------------------------------------------------------------
// Delivery model (calibrated to facts 2.7: mean 12.5 days, median ~10.2, 8.1 % late; stage shares
// approval 4 %, seller->carrier 25.5 %, carrier->customer 70.5 %)

export const DELIVERY = {
  /** Approval lag: instant card approvals (minutes) vs. delayed ones; boleto takes a day or two. */
  instantApprovalMedianMin: 17,
  delayedApprovalShare: 0.12,
  delayedApprovalMedianH: 14,
  boletoApprovalMedianH: 30,
  /** Approved -> handed to the carrier, days. */
  carrierMedianDays: 1.8,
  carrierSigma: 0.9,
  /** Carrier -> customer, days, before the regional factor. */
  transitMedianDays: 6.2,
  transitSigma: 0.62,
  /** Estimated delivery: purchase day + estMedianDays * regional factor^0.7, log-sd estSigma. */
  estMedianDays: 22,
  estSigma: 0.2,
  /** Share of delivered orders whose carrier date precedes approval (1,359 of 96,478). */
  carrierBeforeApproval: 1_359 / 96_478,
} as const;

/** Transit-time factor by the customer's region (relative to SP-to-SE deliveries). */
export const REGION_TRANSIT_FACTOR: Readonly<Record<string, number>> = {
  SE: 1,
  S: 1.35,
  CO: 1.45,
  NE: 2.0,
  N: 2.4,
};

/** Periods when logistics were overloaded and deliveries ran late (published monthly late rates). */
export const SLOW_PERIODS: readonly (readonly [from: string, to: string, factor: number])[] = [
  ['2017-11-20', '2017-12-20', 1.35],
  ['2018-02-05', '2018-03-25', 1.4],
];

/** Free-shipping promotion: freight 0 on some orders from 22 Apr to 14 Jun 2018 (facts 2.9 item 10). */
export const FREE_FREIGHT_FROM = '2018-04-22';
export const FREE_FREIGHT_TO = '2018-06-15';
export const FREE_FREIGHT_SHARE = 0.03;

// ---------------------------------------------------------------------------------------------------
// Catalogue

/** Products per person and sellers per person in the real data set. */
export const PRODUCTS_PER_CUSTOMER = BASE_PRODUCTS / BASE_CUSTOMERS;
export const SELLERS_PER_CUSTOMER = BASE_SELLERS / BASE_CUSTOMERS;
export const ITEMS_PER_CUSTOMER = BASE_ITEMS / BASE_CUSTOMERS;

/** 610 of 32,951 products have no category (and no name/description length or photo count). */
export const PRODUCT_NO_CATEGORY = 610 / 32_951;
/** Products sold by more than one seller (more than 1,000 in the real data). */
export const PRODUCT_SECOND_SELLER = 0.06;

/** Product counts by category (recounted from the original products file; 73 categories). */
export const CATEGORY_PRODUCTS: Readonly<Record<string, number>> = {
  cama_mesa_banho: 3029,
  esporte_lazer: 2867,
  moveis_decoracao: 2657,
  beleza_saude: 2444,
  utilidades_domesticas: 2335,
  automotivo: 1900,
  informatica_acessorios: 1639,
  brinquedos: 1411,
  relogios_presentes: 1329,
  telefonia: 1134,
  bebes: 919,
  perfumaria: 868,
  papelaria: 849,
  fashion_bolsas_e_acessorios: 849,
  cool_stuff: 789,
  ferramentas_jardim: 753,
  pet_shop: 719,
  eletronicos: 517,
  construcao_ferramentas_construcao: 400,
  eletrodomesticos: 370,
  malas_acessorios: 349,
  consoles_games: 317,
  moveis_escritorio: 309,
  instrumentos_musicais: 289,
  eletroportateis: 231,
  casa_construcao: 225,
  livros_interesse_geral: 216,
  fashion_calcados: 173,
  moveis_sala: 156,
  climatizacao: 124,
  livros_tecnicos: 123,
  telefonia_fixa: 116,
  casa_conforto: 111,
  market_place: 104,
  alimentos_bebidas: 104,
  fashion_roupa_masculina: 95,
  moveis_cozinha_area_de_servico_jantar_e_jardim: 94,
  sinalizacao_e_seguranca: 93,
  construcao_ferramentas_seguranca: 91,
  eletrodomesticos_2: 90,
  construcao_ferramentas_jardim: 88,
  alimentos: 82,
  bebidas: 81,
  construcao_ferramentas_iluminacao: 78,
  agro_industria_e_comercio: 74,
  industria_comercio_e_negocios: 68,
  artigos_de_natal: 65,
  audio: 58,
  artes: 55,
  fashion_underwear_e_moda_praia: 53,
  dvds_blu_ray: 48,
  moveis_quarto: 45,
  construcao_ferramentas_ferramentas: 39,
  livros_importados: 31,
  portateis_casa_forno_e_cafe: 31,
  pcs: 30,
  cine_foto: 28,
  fashion_roupa_feminina: 27,
  musica: 27,
  artigos_de_festas: 26,
  fashion_esporte: 19,
  artes_e_artesanato: 19,
  flores: 14,
  fraldas_higiene: 12,
  la_cuisine: 10,
  portateis_cozinha_e_preparadores_de_alimentos: 10,
  moveis_colchao_e_estofado: 10,
  tablets_impressao_imagem: 9,
  fashion_roupa_infanto_juvenil: 5,
  casa_conforto_2: 5,
  pc_gamer: 3,
  seguros_e_servicos: 2,
  cds_dvds_musicais: 1,
};

/** Price level of a category relative to the catalogue median (rough, by product type). */
export const CATEGORY_PRICE_FACTOR: Readonly<Record<string, number>> = {
  pcs: 6,
  eletrodomesticos_2: 3.2,
  pc_gamer: 3,
  portateis_casa_forno_e_cafe: 2.6,
  agro_industria_e_comercio: 2.2,
  climatizacao: 1.9,
  instrumentos_musicais: 1.9,
  moveis_escritorio: 1.9,
  relogios_presentes: 1.8,
  moveis_colchao_e_estofado: 1.6,
  moveis_quarto: 1.6,
  eletroportateis: 1.6,
  consoles_games: 1.3,
  cool_stuff: 1.4,
  ferramentas_jardim: 1.2,
  informatica_acessorios: 1.1,
  bebes: 1.3,
  telefonia: 0.55,
  papelaria: 0.75,
  fashion_bolsas_e_acessorios: 0.8,
  livros_interesse_geral: 0.7,
  livros_tecnicos: 0.9,
  dvds_blu_ray: 0.6,
  cds_dvds_musicais: 0.55,
  alimentos: 0.6,
  bebidas: 0.7,
  flores: 0.5,
  fraldas_higiene: 0.7,
  casa_conforto_2: 0.4,
  artigos_de_festas: 0.7,
};

/** Product photo counts (32,341 products with a count). */
export const PHOTOS_QTY: readonly (readonly [photos: number, products: number])[] = [
  [1, 16_489],
  [2, 6_263],
  [3, 3_860],
  [4, 2_428],
  [5, 1_484],
  [6, 968],
  [7, 343],
  [8, 192],
  [9, 105],
  [10, 95],
  [11, 46],
  [12, 35],
  [13, 9],
  [14, 5],
  [15, 8],
  [17, 7],
  [18, 2],
  [19, 1],
  [20, 1],
];

/** Quantiles [p, value] of the product columns (recounted from the original products file). */
export const PRODUCT_QUANTILES = {
  nameLength: [
    [0, 5],
    [0.01, 20],
    [0.05, 29],
    [0.25, 42],
    [0.5, 51],
    [0.75, 57],
    [0.95, 60],
    [0.99, 63],
    [1, 76],
  ],
  descriptionLength: [
    [0, 4],
    [0.01, 84],
    [0.05, 150],
    [0.25, 339],
    [0.5, 595],
    [0.75, 972],
    [0.95, 2063],
    [0.99, 3287],
    [1, 3992],
  ],
  weightG: [
    [0, 2],
    [0.01, 60],
    [0.05, 105],
    [0.25, 300],
    [0.5, 700],
    [0.75, 1900],
    [0.95, 10850],
    [0.99, 22550],
    [1, 40425],
  ],
  lengthCm: [
    [0, 7],
    [0.01, 16],
    [0.05, 16],
    [0.25, 18],
    [0.5, 25],
    [0.75, 38],
    [0.95, 65],
    [0.99, 100],
    [1, 105],
  ],
  heightCm: [
    [0, 2],
    [0.01, 2],
    [0.05, 3],
    [0.25, 8],
    [0.5, 13],
    [0.75, 21],
    [0.95, 44],
    [0.99, 69],
    [1, 105],
  ],
  widthCm: [
    [0, 6],
    [0.01, 11],
    [0.05, 11],
    [0.25, 15],
    [0.5, 20],
    [0.75, 30],
    [0.95, 47],
    [0.99, 63],
    [1, 118],
  ],
} as const satisfies Record<string, readonly (readonly [number, number])[]>;

/** Item price model: lognormal around the catalogue median (order-level mean ~161, median ~105). */
export const PRICE_MEDIAN = 70;
export const PRICE_SIGMA = 0.9;
/** Freight per item: base + weight term, times a distance factor (about 14 % of order value). */
export const FREIGHT_BASE = 11.5;
export const FREIGHT_PER_KG_SQRT = 4;
export const FREIGHT_SIGMA = 0.3;
/** Product popularity: lognormal weights (the best seller sells ~0.5 % of items). */
export const POPULARITY_SIGMA = 1.45;
export const SELLER_SIZE_SIGMA = 1.5;
/** Days a seller has to hand the order to the carrier (shipping_limit_date - approval). */
export const SELLER_HANDLING_DAYS: readonly (readonly [days: number, sellers: number])[] = [
  [2, 3],
  [3, 7],
  [4, 10],
  [5, 15],
  [6, 36],
  [7, 14],
  [8, 5],
  [10, 5],
  [12, 3],
  [15, 1],
  [18, 1],
];

// ---------------------------------------------------------------------------------------------------
// Rare quirks: real counts; planted round(count * scale) times, at least once when customers >= 1000.

export const RARE_QUIRKS = {
  /** 1 delivered order without any payment row. */
  noPayment: 1,
  /** 3 canceled orders paid with a single not_defined row of 0.00. */
  notDefined: 3,
  /** 6 voucher rows of 0.00 (at the end of a multi-row payment). */
  zeroVoucher: 6,
  /** 2 credit-card rows with payment_installments = 0. */
  zeroInstallments: 2,
  /** 23 orders delivered to the customer before the carrier got them. */
  deliveredBeforeCarrier: 23,
  /** 14 delivered orders without approval date (boleto). */
  deliveredNoApproval: 14,
  /** 2 delivered orders without carrier date. */
  deliveredNoCarrier: 2,
  /** 8 delivered orders without delivered-to-customer date. */
  deliveredNoCustomerDate: 8,
  /** 6 canceled orders with a delivered-to-customer date. */
  canceledDelivered: 6,
  /** 4 items with an absurdly late shipping_limit_date. */
  farShippingLimit: 4,
} as const;
export type RareQuirk = keyof typeof RARE_QUIRKS;

/** Rare product quirks (per 32,951 products). */
export const PRODUCT_QUIRKS = { noDimensions: 2, zeroWeight: 4 } as const;

/** Geolocation: ~10.4 rows per person, capped at the real file's size; coverage gaps (facts 2.9 item 4). */
export const GEO_ROWS_PER_CUSTOMER = BASE_GEOLOCATION_ROWS / BASE_CUSTOMERS;
export const GEO_DUPLICATE_SHARE = BASE_GEOLOCATION_DUPLICATES / BASE_GEOLOCATION_ROWS;
/** Share of used zip prefixes missing from geolocation (157 of ~15k customer prefixes). */
export const GEO_MISSING_ZIP_SHARE = 0.0105;
/** Points far outside Brazil (6 orders' customers in the real data). */
export const GEO_OUTLIER_SHARE = 6 / BASE_GEOLOCATION_ROWS;
/** Share of geolocation rows spelling an accented city without accents (and vice versa). */
export const GEO_CITY_VARIANT_SHARE = 0.3;

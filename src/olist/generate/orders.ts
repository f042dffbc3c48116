/**
 * The streaming part of the generator: customer by customer, their orders with customer rows, items,
 * payments and reviews, written straight to the CSV writers. Only the current customer's few orders are
 * held (in preallocated typed arrays), so memory does not grow with the number of customers.
 */
import type { Catalog } from './catalog.ts';
import {
  CANCELED_NO_APPROVAL,
  CANCELED_WITH_CARRIER,
  CARD_INSTALLMENTS,
  CUSTOMER_STATE_ORDERS,
  DELIVERY,
  FREE_FREIGHT_FROM,
  FREE_FREIGHT_SHARE,
  FREE_FREIGHT_TO,
  FREIGHT_BASE,
  FREIGHT_PER_KG_SQRT,
  FREIGHT_SIGMA,
  INSTALLMENTS_VALUE_CORRELATION,
  ITEMS_PER_ORDER,
  MANY_ROW_MIX,
  MISMATCH_WITH_ITEMS,
  MULTI_PAYMENT_ROWS,
  MULTI_PAYMENT_SHARE,
  MULTI_REVIEW_THREE,
  NEXT_ITEM_SAME_PRODUCT,
  NEXT_ITEM_SAME_SELLER,
  NO_ITEMS_SHARE,
  ORDER_MULTI_REVIEW,
  ORDER_STATUS_COUNTS,
  ORDER_WITHOUT_REVIEW,
  ORDERS_PER_CUSTOMER,
  type OrderStatus,
  REGION_TRANSIT_FACTOR,
  REPEAT_WITHIN_24H,
  REVIEW_MESSAGE_SHARE,
  REVIEW_SCORES,
  REVIEW_TITLE_GIVEN_MESSAGE,
  REVIEW_TITLE_SHARE,
  SHARED_REVIEW_WITHIN_24H,
  SINGLE_PAYMENT_TYPE,
  SLOW_PERIODS,
  STATE_REGION,
  TAIL_CANCELED_SHARE,
  TAIL_START,
  THREE_ROW_MIX,
  TWO_ROW_MIX,
} from './distributions.ts';
import {
  DAY,
  formatTime,
  HOUR,
  money2,
  moneyShort,
  parseTime,
  quoteNumericLooking,
  startOfDay,
} from './format.ts';
import { USED_BY_CUSTOMER, type ZipTable } from './geo.ts';
import { QUIRK_CODE, type QuirkPlan } from './quirks.ts';
import { AliasTable, Categorical, normalCdf, type Rng } from './random.ts';
import { reviewMessage, reviewTitle } from './text.ts';
import type { PurchaseTimeline } from './timeline.ts';
import type { CsvWriter } from './writer.ts';

export interface OrderWriters {
  customers: CsvWriter;
  orders: CsvWriter;
  items: CsvWriter;
  payments: CsvWriter;
  reviews: CsvWriter;
}

const MAX_ORDERS = 64;
const MAX_ITEMS = 32;
const MAX_PAYMENTS = 40;

/** Region codes: index into the distance matrix. */
const REGIONS = ['SE', 'S', 'CO', 'NE', 'N'] as const;
/** Freight distance factor, seller region (row) to customer region (column). */
const FREIGHT_DISTANCE = [
  [1.0, 1.25, 1.35, 1.75, 2.0],
  [1.25, 1.0, 1.45, 1.9, 2.1],
  [1.3, 1.4, 1.0, 1.6, 1.7],
  [1.7, 1.9, 1.6, 1.0, 1.5],
  [2.0, 2.1, 1.6, 1.5, 1.0],
] as const;

const PT_CARD = 0;
const PT_BOLETO = 1;
const PT_VOUCHER = 2;
const PT_DEBIT = 3;
const PT_NOT_DEFINED = 4;
const PAYMENT_TYPE_NAMES = ['credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined'] as const;
const SINGLE_TYPE_CODE: Readonly<Record<keyof typeof SINGLE_PAYMENT_TYPE, number>> = {
  credit_card: PT_CARD,
  boleto: PT_BOLETO,
  voucher: PT_VOUCHER,
  debit_card: PT_DEBIT,
};

const OUTCOME_ON_TIME = 0;
const OUTCOME_LATE = 1;
const OUTCOME_NOT_DELIVERED = 2;

const Q = QUIRK_CODE;

export class OrderGenerator {
  private readonly statuses = Categorical.fromRecord(ORDER_STATUS_COUNTS);
  private readonly ordersPerCustomer = Categorical.fromPairs(ORDERS_PER_CUSTOMER);
  private readonly itemsPerOrder = Categorical.fromPairs(ITEMS_PER_ORDER);
  private readonly singlePayment = Categorical.fromRecord(SINGLE_PAYMENT_TYPE);
  private readonly multiRows = Categorical.fromPairs(MULTI_PAYMENT_ROWS);
  private readonly twoRows = Categorical.fromRecord(TWO_ROW_MIX);
  private readonly threeRows = Categorical.fromRecord(THREE_ROW_MIX);
  private readonly manyRows = Categorical.fromRecord(MANY_ROW_MIX);
  private readonly installmentValues: Int32Array;
  private readonly installmentCdf: Float64Array;
  private readonly scores: AliasTable[];
  private readonly customerStates: Categorical<keyof typeof CUSTOMER_STATE_ORDERS>;
  private readonly stateIndexOf: Map<string, number>;
  private readonly stateRegion: Uint8Array;
  private readonly sellerRegion: Uint8Array;
  private readonly tailStart = parseTime(TAIL_START);
  /** The real data's absurd shipping limits fall in February-April 2020. */
  private readonly farLimit = parseTime('2020-02-01 00:00:00');
  private readonly freeFrom = parseTime(`${FREE_FREIGHT_FROM} 00:00:00`);
  private readonly freeTo = parseTime(`${FREE_FREIGHT_TO} 00:00:00`);
  private readonly slow: readonly (readonly [number, number, number])[] = SLOW_PERIODS.map(([a, b, f]) => [
    parseTime(`${a} 00:00:00`),
    parseTime(`${b} 00:00:00`),
    f,
  ]);
  private readonly titleWithoutMessage =
    (REVIEW_TITLE_SHARE - REVIEW_MESSAGE_SHARE * REVIEW_TITLE_GIVEN_MESSAGE) / (1 - REVIEW_MESSAGE_SHARE);

  // Product sweep: every product is sold at least once (the real products file lists sold products).
  private nextNewProduct = 0;
  private newProductRate = 0;
  private readonly sold: Uint32Array;

  // Current customer.
  private readonly times = new Float64Array(MAX_ORDERS);
  private readonly within24 = new Uint8Array(MAX_ORDERS);
  private readonly revOrderId: string[] = new Array<string>(MAX_ORDERS).fill('');
  private readonly revOutcome = new Uint8Array(MAX_ORDERS);
  private readonly revAnchor = new Float64Array(MAX_ORDERS);
  private readonly revGroup = new Int32Array(MAX_ORDERS);
  private customerSuffix = '';
  private customerRegion = 0;
  private customerState = 0;

  // Current order.
  private readonly itemProduct = new Int32Array(MAX_ITEMS);
  private readonly itemSeller = new Int32Array(MAX_ITEMS);
  private readonly itemFreight = new Int32Array(MAX_ITEMS);
  private readonly payType = new Uint8Array(MAX_PAYMENTS);
  private readonly payValue = new Int32Array(MAX_PAYMENTS);
  private readonly payInstallments = new Int32Array(MAX_PAYMENTS);
  private readonly payWeight = new Float64Array(MAX_PAYMENTS);

  orders = 0;

  constructor(
    private readonly rng: Rng,
    private readonly zips: ZipTable,
    private readonly catalog: Catalog,
    private readonly timeline: PurchaseTimeline,
    private readonly quirks: QuirkPlan,
    private readonly out: OrderWriters,
    private readonly customersTotal: number,
  ) {
    this.installmentValues = Int32Array.from(CARD_INSTALLMENTS.map((x) => x[0]));
    const total = CARD_INSTALLMENTS.reduce((s, x) => s + x[1], 0);
    this.installmentCdf = new Float64Array(CARD_INSTALLMENTS.length);
    let acc = 0;
    CARD_INSTALLMENTS.forEach(([, rows], i) => {
      acc += rows;
      this.installmentCdf[i] = acc / total;
    });
    this.scores = [
      new AliasTable(REVIEW_SCORES.on_time),
      new AliasTable(REVIEW_SCORES.late),
      new AliasTable(REVIEW_SCORES.not_delivered),
    ];
    this.customerStates = Categorical.fromRecord(CUSTOMER_STATE_ORDERS);
    this.stateIndexOf = new Map(zips.states.map((s, i) => [s, i]));
    this.stateRegion = Uint8Array.from(zips.states.map((s) => REGIONS.indexOf(STATE_REGION[s] ?? 'SE')));
    this.sellerRegion = Uint8Array.from(catalog.sellerState, (st) => this.stateRegion[st]!);
    this.sold = new Uint32Array(catalog.products);
  }

  /** Generates customer number `c` (0-based) with all of its orders. */
  customer(c: number): void {
    const rng = this.rng;
    if ((c & 63) === 0) {
      // About one product pick per customer (repeat and same-seller items do not pick): sweep the
      // catalogue so every product is sold at least once by three quarters of the customers.
      const remainingPicks = this.customersTotal * 0.75 - c;
      this.newProductRate = Math.min(
        1,
        (this.catalog.products - this.nextNewProduct) / Math.max(1, remainingPicks),
      );
    }
    const uid = rng.hexId();
    const code = this.customerStates.pick(rng);
    const st = this.stateIndexOf.get(code)!;
    const z = this.zips.pickInState(st, rng);
    this.zips.usage[z]! |= USED_BY_CUSTOMER;
    this.customerSuffix = `,${uid},${this.zips.zipText[z]},${this.zips.cityPlain[z]},${code}\n`;
    this.customerRegion = this.stateRegion[st]!;
    this.customerState = st;

    const k = Math.min(MAX_ORDERS, this.ordersPerCustomer.pick(rng));
    const times = this.times;
    for (let j = 0; j < k; j++) times[j] = this.timeline.sample(rng);
    if (k > 1) {
      times.subarray(0, k).sort();
      const last = this.timeline.last;
      this.within24[0] = 0;
      for (let j = 1; j < k; j++) {
        const prev = times[j - 1]!;
        if (rng.chance(REPEAT_WITHIN_24H)) {
          times[j] = Math.min(last, prev + 60 + rng.int(DAY - 120));
          this.within24[j] = 1;
        } else {
          times[j] = Math.min(last, Math.max(times[j]!, prev + 60));
          this.within24[j] = times[j]! - prev < DAY ? 1 : 0;
        }
      }
    }
    const quirk = this.quirks.byCustomer[c] ?? 0;
    for (let j = 0; j < k; j++) this.order(j, times[j]!, j === 0 ? quirk : 0);
    this.reviews(k);
  }

  private pickProduct(): number {
    const rng = this.rng;
    if (this.nextNewProduct < this.catalog.products && rng.float() < this.newProductRate)
      return this.nextNewProduct++;
    return this.catalog.popularity.pick(rng);
  }

  private sellerOf(p: number): number {
    const n = ++this.sold[p]!;
    const s2 = this.catalog.productSeller2[p]!;
    if (s2 >= 0 && (n === 2 || this.rng.chance(0.3))) return s2;
    return this.catalog.productSeller[p]!;
  }

  private freightCents(p: number, seller: number): number {
    const cat = this.catalog;
    const sr = this.sellerRegion[seller]!;
    let dist = FREIGHT_DISTANCE[sr]![this.customerRegion]!;
    if (cat.sellerState[seller] === this.customerState) dist *= 0.85;
    const base = FREIGHT_BASE + FREIGHT_PER_KG_SQRT * Math.sqrt(cat.productWeightKg[p]!);
    return Math.max(1, Math.round(100 * base * dist * this.rng.lognormal(0, FREIGHT_SIGMA)));
  }

  private pickStatus(t: number, quirk: number): OrderStatus {
    if (quirk === Q.notDefined || quirk === Q.canceledDelivered) return 'canceled';
    if (
      quirk === Q.noPayment ||
      quirk === Q.deliveredBeforeCarrier ||
      quirk === Q.deliveredNoApproval ||
      quirk === Q.deliveredNoCarrier ||
      quirk === Q.deliveredNoCustomerDate
    ) {
      return 'delivered';
    }
    if (t >= this.tailStart) return this.rng.chance(TAIL_CANCELED_SHARE) ? 'canceled' : 'shipped';
    return this.statuses.pick(this.rng);
  }

  private order(j: number, t: number, quirk: number): void {
    const rng = this.rng;
    const cat = this.catalog;
    const out = this.out;
    const orderId = rng.hexId();
    const customerId = rng.hexId();
    out.customers.row(customerId + this.customerSuffix);
    this.orders++;

    let status = this.pickStatus(t, quirk);
    const noItemsShare = NO_ITEMS_SHARE[status];
    const hasItems =
      quirk === Q.farShippingLimit ||
      (quirk !== Q.notDefined && !(noItemsShare > 0 && rng.chance(noItemsShare)));

    // Items (or, for orders without items, the value the customer paid anyway).
    let nItems = 0;
    let totalCents = 0;
    if (hasItems) {
      nItems = Math.min(MAX_ITEMS, this.itemsPerOrder.pick(rng));
      const free = t >= this.freeFrom && t < this.freeTo && rng.chance(FREE_FREIGHT_SHARE);
      for (let i = 0; i < nItems; i++) {
        let p: number;
        let s: number;
        let freight: number;
        const r = i === 0 ? 1 : rng.float();
        if (r < NEXT_ITEM_SAME_PRODUCT) {
          p = this.itemProduct[i - 1]!;
          s = this.itemSeller[i - 1]!;
          freight = this.itemFreight[i - 1]!;
        } else {
          if (r < NEXT_ITEM_SAME_PRODUCT + NEXT_ITEM_SAME_SELLER) {
            s = this.itemSeller[i - 1]!;
            const a = cat.sellerProductStart[s]!;
            p = cat.sellerProducts[a + rng.int(cat.sellerProductStart[s + 1]! - a)]!;
            this.sold[p]!++;
          } else {
            p = this.pickProduct();
            s = this.sellerOf(p);
          }
          freight = free ? 0 : this.freightCents(p, s);
        }
        this.itemProduct[i] = p;
        this.itemSeller[i] = s;
        this.itemFreight[i] = freight;
        totalCents += cat.productPriceCents[p]! + freight;
      }
    } else {
      const p = cat.popularity.pick(rng);
      totalCents = cat.productPriceCents[p]! + this.freightCents(p, cat.productSeller[p]!);
    }

    // Payment plan (its type drives the approval delay).
    const nPay = this.planPayments(quirk);
    const boleto = nPay > 0 && this.payType[0] === PT_BOLETO;

    // Timestamps; -1 is NULL.
    let approved = -1;
    let carrier = -1;
    let delivered = -1;
    const slow = this.slowFactor(t);
    const transitFactor = REGION_TRANSIT_FACTOR[REGIONS[this.customerRegion]!] ?? 1;
    const estDays = Math.max(
      3,
      Math.round(DELIVERY.estMedianDays * transitFactor ** 0.7 * Math.exp(DELIVERY.estSigma * rng.normal())),
    );
    const estimated = startOfDay(t) + estDays * DAY;
    const approves =
      status !== 'created' &&
      quirk !== Q.deliveredNoApproval &&
      !(status === 'canceled' && quirk !== Q.canceledDelivered && rng.chance(CANCELED_NO_APPROVAL));
    if (approves) approved = t + this.approvalDelay(boleto);
    const ships =
      status === 'delivered' ||
      status === 'shipped' ||
      quirk === Q.canceledDelivered ||
      (status === 'canceled' && approved >= 0 && rng.chance(CANCELED_WITH_CARRIER));
    if (ships) {
      const from = approved >= 0 ? approved : t;
      carrier =
        from +
        Math.round(DAY * slow * rng.lognormalMedian(DELIVERY.carrierMedianDays, DELIVERY.carrierSigma));
      if (status === 'delivered' || quirk === Q.canceledDelivered) {
        const sameState = hasItems && cat.sellerState[this.itemSeller[0]!] === this.customerState ? 0.85 : 1;
        const transit = DELIVERY.transitMedianDays * transitFactor * sameState * slow;
        delivered = carrier + Math.round(DAY * rng.lognormalMedian(transit, DELIVERY.transitSigma));
        if (quirk === Q.deliveredBeforeCarrier)
          delivered = Math.max(t + HOUR, carrier - HOUR - rng.int(2 * DAY));
        if (approved >= 0 && quirk === 0 && rng.chance(DELIVERY.carrierBeforeApproval)) {
          // The carrier date precedes approval: approval recorded late.
          approved = carrier + Math.min(HOUR + rng.int(36 * HOUR), Math.floor((delivered - carrier) / 2));
        }
      }
      if (status === 'delivered' && quirk === 0 && delivered > this.timeline.last) {
        // The data set is a snapshot taken at the last purchase: not delivered yet, still in transit.
        status = 'shipped';
        delivered = -1;
      }
      if (quirk === Q.deliveredNoCarrier) carrier = -1;
      if (quirk === Q.deliveredNoCustomerDate) delivered = -1;
    }

    out.orders.row(
      `${orderId},${customerId},${status},${formatTime(t)},${approved >= 0 ? formatTime(approved) : ''},${
        carrier >= 0 ? formatTime(carrier) : ''
      },${delivered >= 0 ? formatTime(delivered) : ''},${formatTime(estimated)}\n`,
    );

    if (nItems > 0) {
      const base = approved >= 0 ? approved : t;
      for (let i = 0; i < nItems; i++) {
        const p = this.itemProduct[i]!;
        const s = this.itemSeller[i]!;
        let limit = base + cat.sellerHandlingDays[s]! * DAY;
        if (quirk === Q.farShippingLimit && i === 0)
          limit = this.farLimit + rng.int(70) * DAY + (limit % DAY);
        out.items.row(
          `${orderId},${i + 1},${cat.productId[p]},${cat.sellerId[s]},${formatTime(limit)},${moneyShort(
            cat.productPriceCents[p]!,
          )},${moneyShort(this.itemFreight[i]!)}\n`,
        );
      }
    }

    if (nPay > 0) {
      let paid = totalCents;
      if (quirk === Q.notDefined) paid = 0;
      else if (!hasItems || rng.chance(MISMATCH_WITH_ITEMS)) {
        // Interest on installments (mostly) or a discount: payments differ from price + freight.
        const delta = Math.max(1, Math.round(totalCents * rng.uniform(0.01, 0.12)));
        if (hasItems) paid = rng.chance(0.8) ? totalCents + delta : Math.max(1, totalCents - delta);
      }
      this.splitPayments(nPay, paid, quirk);
      const payId = quoteNumericLooking(orderId);
      for (let i = 0; i < nPay; i++) {
        out.payments.row(
          `${payId},${i + 1},${PAYMENT_TYPE_NAMES[this.payType[i]!]},${this.payInstallments[i]},${money2(this.payValue[i]!)}\n`,
        );
      }
    }

    // Review inputs: the outcome drives the score, the anchor the survey date.
    this.revOrderId[j] = orderId;
    if (delivered >= 0) {
      this.revOutcome[j] = delivered > estimated ? OUTCOME_LATE : OUTCOME_ON_TIME;
      this.revAnchor[j] = delivered;
    } else {
      this.revOutcome[j] = OUTCOME_NOT_DELIVERED;
      this.revAnchor[j] = estimated;
    }
  }

  private slowFactor(t: number): number {
    for (const [from, to, f] of this.slow) if (t >= from && t < to) return f;
    return 1;
  }

  private approvalDelay(boleto: boolean): number {
    const rng = this.rng;
    if (boleto) return Math.round(HOUR * rng.lognormalMedian(DELIVERY.boletoApprovalMedianH, 0.55));
    if (rng.chance(DELIVERY.delayedApprovalShare)) {
      return Math.round(HOUR * rng.lognormalMedian(DELIVERY.delayedApprovalMedianH, 0.8));
    }
    return Math.round(60 * rng.lognormalMedian(DELIVERY.instantApprovalMedianMin, 0.6));
  }

  /** Fills payType/payInstallments (values later); returns the number of payment rows. */
  private planPayments(quirk: number): number {
    const rng = this.rng;
    const type = this.payType;
    if (quirk === Q.noPayment) return 0;
    if (quirk === Q.notDefined) {
      type[0] = PT_NOT_DEFINED;
      return 1;
    }
    if (quirk === Q.zeroInstallments) {
      type[0] = PT_CARD;
      type[1] = PT_CARD;
      return 2;
    }
    if (quirk === Q.deliveredNoApproval) {
      type[0] = PT_BOLETO;
      return 1;
    }
    let n = 1;
    if (quirk === Q.zeroVoucher || rng.chance(MULTI_PAYMENT_SHARE)) {
      n = this.multiRows.pick(rng);
      if (n === 2) {
        const mix = this.twoRows.pick(rng);
        type[0] = mix === 'voucher_voucher' ? PT_VOUCHER : mix === 'debit' ? PT_DEBIT : PT_CARD;
        type[1] = mix === 'card_card' ? PT_CARD : mix === 'debit' ? PT_DEBIT : PT_VOUCHER;
      } else {
        const mix = n === 3 ? this.threeRows.pick(rng) : this.manyRows.pick(rng);
        for (let i = 0; i < n; i++) type[i] = PT_VOUCHER;
        if (mix === 'card_vouchers') type[0] = PT_CARD;
        else if (mix === 'cards_voucher') {
          type[0] = PT_CARD;
          type[1] = PT_CARD;
        }
      }
      // The card is not always the first row.
      if (type[0] === PT_CARD && type[1] === PT_VOUCHER && rng.chance(0.5)) {
        const at = rng.int(n);
        type[0] = type[at]!;
        type[at] = PT_CARD;
      }
      if (quirk === Q.zeroVoucher) {
        if (n + 1 > MAX_PAYMENTS) n = MAX_PAYMENTS - 1;
        type[n] = PT_VOUCHER;
        n++;
      }
    } else {
      type[0] = SINGLE_TYPE_CODE[this.singlePayment.pick(rng)];
    }
    return n;
  }

  /** Splits `cents` over the planned rows (exact sum) and sets installments. */
  private splitPayments(n: number, cents: number, quirk: number): void {
    const rng = this.rng;
    const value = this.payValue;
    const zeroLast = quirk === Q.zeroVoucher ? 1 : 0;
    const rows = n - zeroLast;
    if (rows === 1) value[0] = cents;
    else {
      let sum = 0;
      for (let i = 0; i < rows; i++) {
        // A voucher next to a card covers a random part; several vouchers share at random.
        const w = -Math.log(1 - rng.float()) + 0.05;
        this.payWeight[i] = w;
        sum += w;
      }
      let left = cents;
      for (let i = 0; i < rows - 1; i++) {
        const v = Math.max(
          1,
          Math.min(left - (rows - 1 - i), Math.floor((cents * this.payWeight[i]!) / sum)),
        );
        value[i] = v;
        left -= v;
      }
      value[rows - 1] = left;
    }
    if (zeroLast) value[n - 1] = 0;
    for (let i = 0; i < n; i++) {
      this.payInstallments[i] = this.payType[i] === PT_CARD ? this.installments(value[i]!) : 1;
    }
    if (quirk === Q.zeroInstallments) this.payInstallments[1] = 0;
  }

  /** Card installments: the published marginal, tilted towards more installments for bigger amounts. */
  private installments(cents: number): number {
    const rho = INSTALLMENTS_VALUE_CORRELATION;
    const zValue = (Math.log(Math.max(cents, 100) / 10_500) / 0.85) * rho;
    const u = normalCdf(zValue + Math.sqrt(1 - rho * rho) * this.rng.normal());
    const cdf = this.installmentCdf;
    let i = 0;
    while (i < cdf.length - 1 && u > cdf[i]!) i++;
    return this.installmentValues[i]!;
  }

  /** Writes the reviews of the current customer's k orders. */
  private reviews(k: number): void {
    const rng = this.rng;
    const group = this.revGroup;
    // Assign review groups: a quick follow-up order may share the previous order's review (same id).
    let groups = 0;
    for (let j = 0; j < k; j++) {
      if (j > 0 && this.within24[j] && group[j - 1]! >= 0 && rng.chance(SHARED_REVIEW_WITHIN_24H)) {
        group[j] = group[j - 1]!;
      } else if (rng.chance(ORDER_WITHOUT_REVIEW)) group[j] = -1;
      else group[j] = groups++;
    }
    let j = 0;
    while (j < k) {
      const g = group[j]!;
      if (g < 0) {
        j++;
        continue;
      }
      let end = j + 1;
      let anchor = this.revAnchor[j]!;
      while (end < k && group[end] === g) {
        if (this.revAnchor[end]! > anchor) anchor = this.revAnchor[end]!;
        end++;
      }
      const outcome = this.revOutcome[j]!;
      const body = this.reviewBody(outcome, anchor, 0);
      const reviewId = rng.hexId();
      for (let i = j; i < end; i++) this.out.reviews.row(`${reviewId},${this.revOrderId[i]},${body.text}`);
      // Some orders got the survey again (2 or 3 reviews with different ids).
      for (let i = j; i < end; i++) {
        if (!rng.chance(ORDER_MULTI_REVIEW)) continue;
        const extra = rng.chance(MULTI_REVIEW_THREE) ? 2 : 1;
        let created = body.created;
        for (let e = 0; e < extra; e++) {
          const again = this.reviewBody(outcome, created, 1 + rng.int(20));
          created = again.created;
          this.out.reviews.row(`${rng.hexId()},${this.revOrderId[i]},${again.text}`);
        }
      }
      j = end;
    }
  }

  /** score,title,message,creation,answer + line end, for a survey sent after `anchor` (+ extra days). */
  private reviewBody(outcome: number, anchor: number, extraDays: number): { text: string; created: number } {
    const rng = this.rng;
    const score = this.scores[outcome]!.pick(rng) + 1;
    const deliveredOutcome = outcome !== OUTCOME_NOT_DELIVERED;
    let days = 1 + extraDays;
    if (deliveredOutcome) {
      if (rng.chance(0.1)) days += 1 + rng.geometric(0.5);
    } else days += rng.int(3);
    const created = startOfDay(anchor) + days * DAY;
    const answered = created + Math.round(DAY * (0.15 + rng.lognormalMedian(1.55, 0.95)));
    const hasMessage = rng.chance(REVIEW_MESSAGE_SHARE);
    const hasTitle = rng.chance(hasMessage ? REVIEW_TITLE_GIVEN_MESSAGE : this.titleWithoutMessage);
    const title = hasTitle ? reviewTitle(rng, score, deliveredOutcome) : '';
    const message = hasMessage ? reviewMessage(rng, score, deliveredOutcome) : '';
    return {
      text: `${score},${title},${message},${formatTime(created)},${formatTime(answered)}\n`,
      created,
    };
  }
}

/**
 * The in-memory catalogue: sellers (concentrated in SP, each with a handling time and a size) and
 * products (category, text lengths, photos, correlated weight and dimensions, price, one or two sellers,
 * popularity). Both files are written while the catalogue is built. Per-product state is kept in typed
 * arrays so even 10 million customers (3.4 million products) stay small.
 */
import { CATEGORY_TRANSLATIONS, UNTRANSLATED_CATEGORIES } from './categories.ts';
import {
  BASE_PRODUCTS,
  BASE_SELLERS,
  CATEGORY_PRICE_FACTOR,
  CATEGORY_PRODUCTS,
  PHOTOS_QTY,
  POPULARITY_SIGMA,
  PRICE_MEDIAN,
  PRICE_SIGMA,
  PRODUCT_NO_CATEGORY,
  PRODUCT_QUANTILES,
  PRODUCT_QUIRKS,
  PRODUCT_SECOND_SELLER,
  PRODUCTS_PER_CUSTOMER,
  SELLER_HANDLING_DAYS,
  SELLER_SIZE_SIGMA,
  SELLER_STATE_COUNTS,
  SELLERS_PER_CUSTOMER,
  STATE_NAMES,
} from './distributions.ts';
import { csvField, quoteNumericLooking, zip5 } from './format.ts';
import { USED_BY_SELLER, type ZipTable } from './geo.ts';
import { MIN_CUSTOMERS_FOR_ALL_QUIRKS, scaledCount } from './quirks.ts';
import { AliasTable, Categorical, normalCdf, QuantileSampler, type Rng, sampleDistinct } from './random.ts';
import type { CsvWriter } from './writer.ts';

export const MIN_SELLERS = 5;
export const MIN_PRODUCTS = 20;

export interface Catalog {
  readonly sellers: number;
  readonly sellerId: readonly string[];
  /** Index into ZipTable.states. */
  readonly sellerState: Uint8Array;
  readonly sellerHandlingDays: Uint8Array;
  readonly products: number;
  readonly productId: readonly string[];
  readonly productPriceCents: Int32Array;
  /** Weight in kg for freight (a default where the product has no weight). */
  readonly productWeightKg: Float32Array;
  readonly productSeller: Int32Array;
  /** A second seller of the product, or -1. */
  readonly productSeller2: Int32Array;
  /** Products of seller s: sellerProducts[sellerProductStart[s] .. sellerProductStart[s + 1]). */
  readonly sellerProductStart: Int32Array;
  readonly sellerProducts: Int32Array;
  /** Weighted choice of a product by popularity. */
  readonly popularity: AliasTable;
}

export function catalogSizes(customers: number): { sellers: number; products: number } {
  const sellers = Math.max(MIN_SELLERS, Math.round(customers * SELLERS_PER_CUSTOMER));
  const products = Math.max(MIN_PRODUCTS, sellers, Math.round(customers * PRODUCTS_PER_CUSTOMER));
  return { sellers, products };
}

/** Builds the sellers and writes olist_sellers_dataset.csv. */
export async function buildSellers(
  customers: number,
  zips: ZipTable,
  rng: Rng,
  out: CsvWriter,
): Promise<
  Pick<Catalog, 'sellers' | 'sellerId' | 'sellerState' | 'sellerHandlingDays'> & { size: Float64Array }
> {
  const { sellers } = catalogSizes(customers);
  const states = Categorical.fromRecord(SELLER_STATE_COUNTS);
  const handling = Categorical.fromPairs(SELLER_HANDLING_DAYS);
  const sp = zips.stateIndex('SP');
  const sellerId: string[] = new Array<string>(sellers);
  const sellerState = new Uint8Array(sellers);
  const sellerHandlingDays = new Uint8Array(sellers);
  const size = new Float64Array(sellers);
  // One seller carries an 8-digit (synthetic SP) zip code in its city column, a quirk of the original.
  const zipCitySeller = rng.int(sellers);
  for (let s = 0; s < sellers; s++) {
    const id = rng.hexId();
    const code = states.pick(rng);
    const st = zips.stateIndex(code);
    const z = zips.pickInState(st, rng);
    zips.usage[z]! |= USED_BY_SELLER;
    let city = zips.cityPlain[z]!;
    if (s === zipCitySeller) {
      const spZip = zips.zip[zips.pickInState(sp, rng)]!;
      city = `${zip5(spZip)}${String(rng.int(1000)).padStart(3, '0')}`;
    } else if (rng.chance(2 / BASE_SELLERS)) {
      city = `${city}, ${STATE_NAMES[code] ?? code}, brasil`;
    }
    sellerId[s] = id;
    sellerState[s] = st;
    sellerHandlingDays[s] = handling.pick(rng);
    size[s] = rng.lognormal(0, SELLER_SIZE_SIGMA);
    out.row(`${quoteNumericLooking(id)},"${zips.zipText[z]}",${quoteNumericLooking(city)},${code}\n`);
    if (out.isBlocked) await out.drain();
  }
  return { sellers, sellerId, sellerState, sellerHandlingDays, size };
}

const NO_DIMENSIONS = 1;
const ZERO_WEIGHT = 2;
const NO_CATEGORY = 3;
const PC_GAMER = 4;
const PORTATEIS_COZINHA = 5;

/** Builds the products and writes olist_products_dataset.csv. */
export async function buildCatalog(
  customers: number,
  zips: ZipTable,
  rng: Rng,
  sellersOut: CsvWriter,
  out: CsvWriter,
): Promise<Catalog> {
  const sellerPart = await buildSellers(customers, zips, rng, sellersOut);
  const { sellers } = sellerPart;
  const { products } = catalogSizes(customers);
  const categories = Categorical.fromRecord(CATEGORY_PRODUCTS);
  const photos = Categorical.fromPairs(PHOTOS_QTY);
  const q = {
    name: new QuantileSampler(PRODUCT_QUANTILES.nameLength),
    desc: new QuantileSampler(PRODUCT_QUANTILES.descriptionLength),
    weight: new QuantileSampler(PRODUCT_QUANTILES.weightG),
    length: new QuantileSampler(PRODUCT_QUANTILES.lengthCm),
    height: new QuantileSampler(PRODUCT_QUANTILES.heightCm),
    width: new QuantileSampler(PRODUCT_QUANTILES.widthCm),
  };
  const sellerAlias = new AliasTable(sellerPart.size);

  // Planted product quirks on distinct products.
  const all = customers >= MIN_CUSTOMERS_FOR_ALL_QUIRKS;
  const plan: [number, number][] = [
    [NO_DIMENSIONS, scaledCount(PRODUCT_QUIRKS.noDimensions, BASE_PRODUCTS, products)],
    [ZERO_WEIGHT, scaledCount(PRODUCT_QUIRKS.zeroWeight, BASE_PRODUCTS, products)],
    [NO_CATEGORY, Math.round(products * PRODUCT_NO_CATEGORY)],
    [PC_GAMER, all ? 1 : 0],
    [PORTATEIS_COZINHA, all ? 1 : 0],
  ];
  if (all) for (const p of plan) p[1] = Math.max(1, p[1]);
  const quirkOf = new Map<number, number>();
  const picks = sampleDistinct(
    rng,
    products,
    plan.reduce((s, p) => s + p[1], 0),
  );
  // Shuffle the distinct picks so quirk kinds are spread over the catalogue.
  for (let i = picks.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = picks[i]!;
    picks[i] = picks[j]!;
    picks[j] = t;
  }
  let at = 0;
  for (const [kind, count] of plan) for (let i = 0; i < count; i++) quirkOf.set(picks[at++]!, kind);

  const translated = new Set(CATEGORY_TRANSLATIONS.map((c) => c[0]));
  for (const c of UNTRANSLATED_CATEGORIES)
    if (translated.has(c)) throw new Error(`${c} should be untranslated`);

  const productId = new Array<string>(products);
  const productPriceCents = new Int32Array(products);
  const productWeightKg = new Float32Array(products);
  const productSeller = new Int32Array(products);
  const productSeller2 = new Int32Array(products).fill(-1);
  const popularity = new Float64Array(products);
  const perSeller = new Int32Array(sellers);
  for (let p = 0; p < products; p++) {
    const id = rng.hexId();
    const kind = quirkOf.get(p) ?? 0;
    let category: string =
      kind === PC_GAMER
        ? 'pc_gamer'
        : kind === PORTATEIS_COZINHA
          ? UNTRANSLATED_CATEGORIES[1]
          : categories.pick(rng);
    if (kind === ZERO_WEIGHT) category = 'cama_mesa_banho';
    const hasCategory = kind !== NO_CATEGORY;
    // Size: one latent normal drives weight and the three dimensions (correlated, not identical).
    const z = rng.normal();
    const dim = (s: QuantileSampler): number =>
      Math.max(1, Math.round(s.at(normalCdf(0.75 * z + 0.66 * rng.normal()))));
    let weightG = Math.round(q.weight.at(normalCdf(z)));
    const length = dim(q.length);
    const height = dim(q.height);
    const width = dim(q.width);
    if (kind === ZERO_WEIGHT) weightG = 0;
    const factor = hasCategory ? (CATEGORY_PRICE_FACTOR[category] ?? 1) : 1;
    const price = rng.lognormalMedian(
      PRICE_MEDIAN * factor * (Math.max(weightG, 50) / 700) ** 0.12,
      PRICE_SIGMA,
    );
    productPriceCents[p] = priceCents(price, rng);
    productWeightKg[p] = kind === NO_DIMENSIONS ? 0.7 : weightG / 1000;
    const seller = p < sellers ? p : sellerAlias.pick(rng);
    productSeller[p] = seller;
    perSeller[seller]!++;
    if (sellers > 1 && rng.chance(PRODUCT_SECOND_SELLER)) {
      let s2 = sellerAlias.pick(rng);
      if (s2 === seller) s2 = (seller + 1) % sellers;
      productSeller2[p] = s2;
      perSeller[s2]!++;
    }
    popularity[p] = rng.lognormal(0, POPULARITY_SIGMA);
    productId[p] = id;

    let row = `${quoteNumericLooking(id)},`;
    if (hasCategory) {
      row += `${category},${Math.round(q.name.sample(rng))},${Math.round(q.desc.sample(rng))},${photos.pick(rng)},`;
    } else row += ',,,,';
    row += kind === NO_DIMENSIONS ? ',,,\n' : `${weightG},${length},${height},${width}\n`;
    out.row(row);
    if ((p & 1023) === 0 && out.isBlocked) await out.drain();
  }

  const sellerProductStart = new Int32Array(sellers + 1);
  for (let s = 0; s < sellers; s++) sellerProductStart[s + 1] = sellerProductStart[s]! + perSeller[s]!;
  const fill = sellerProductStart.slice(0, sellers);
  const sellerProducts = new Int32Array(sellerProductStart[sellers]!);
  for (let p = 0; p < products; p++) {
    sellerProducts[fill[productSeller[p]!]!++] = p;
    const s2 = productSeller2[p]!;
    if (s2 >= 0) sellerProducts[fill[s2]!++] = p;
  }
  return {
    sellers,
    sellerId: sellerPart.sellerId,
    sellerState: sellerPart.sellerState,
    sellerHandlingDays: sellerPart.sellerHandlingDays,
    products,
    productId,
    productPriceCents,
    productWeightKg,
    productSeller,
    productSeller2,
    sellerProductStart,
    sellerProducts,
    popularity: new AliasTable(popularity),
  };
}

/** Retail-looking prices: many end in .90 or .99 or are whole, the rest keep their cents. */
function priceCents(price: number, rng: Rng): number {
  const v = Math.max(0.85, price);
  const r = rng.float();
  if (v < 5) return Math.round(v * 100);
  if (r < 0.3) return Math.floor(v) * 100 + 90;
  if (r < 0.5) return Math.floor(v) * 100 + 99;
  if (r < 0.65) return Math.round(v) * 100;
  return Math.round(v * 100);
}

/** Rows of the translation file: UTF-8 BOM, CRLF line ends, as in the original. */
export function translationFileText(header: readonly string[]): string {
  let text = `\ufeff${header.join(',')}\r\n`;
  for (const [pt, en] of CATEGORY_TRANSLATIONS) text += `${csvField(pt)},${csvField(en)}\r\n`;
  return text;
}

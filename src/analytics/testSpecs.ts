import type { TestDataset } from './testData.ts';

/**
 * A small marketplace for the overview and marketplace tests (only for tests).
 *
 *   order cust state status     purchased   value      items (price+freight, category, seller)    delivered   estimated  review
 *   o1    X    SP    delivered  2018-01-10  100        80+20 cama s1                               01-15       01-20      5
 *   o2    X    SP    delivered  2018-02-05   50        40+10 esporte s2                            02-20       02-15      1 then 3 (latest wins)
 *   o3    Y    RJ    delivered  2018-01-20  200        100 cama s1, 100 esporte s2                 01-30       01-30      4
 *   o4    Z    RJ    shipped    2018-02-10   30        25+5 cama s1                                -           -          -
 *   o5    Y    RJ    canceled   2018-02-25  999        (not a purchase)
 *   o6    W    MG    delivered  2018-03-01  60+60      50+10 (no category) s3, 30+10 esporte s2    03-10       03-08      2
 *   o7    W    MG    delivered  2018-05-02   10        10 cama s1                                  05-05       05-10      5
 *
 * Purchases o1, o2, o3, o4, o6, o7; all purchased at 10:00 and delivered at 10:00, so delivery days are whole.
 */
export const MARKET_SPEC: TestDataset = {
  orders: [
    {
      id: 'o1',
      customer: 'X',
      state: 'SP',
      at: '2018-01-10',
      value: 100,
      items: [{ price: 80, freight: 20, category: 'cama', seller: 's1' }],
      delivered: '2018-01-15',
      estimated: '2018-01-20',
      reviews: 5,
    },
    {
      id: 'o2',
      customer: 'X',
      state: 'SP',
      at: '2018-02-05',
      value: 50,
      items: [{ price: 40, freight: 10, category: 'esporte', seller: 's2' }],
      delivered: '2018-02-20',
      estimated: '2018-02-15',
      reviews: [
        { score: 1, created: '2018-02-21' },
        { score: 3, created: '2018-02-25' },
      ],
    },
    {
      id: 'o3',
      customer: 'Y',
      state: 'RJ',
      at: '2018-01-20',
      value: 200,
      items: [
        { price: 100, category: 'cama', seller: 's1' },
        { price: 100, category: 'esporte', seller: 's2' },
      ],
      delivered: '2018-01-30',
      estimated: '2018-01-30',
      reviews: 4,
    },
    {
      id: 'o4',
      customer: 'Z',
      state: 'RJ',
      status: 'shipped',
      at: '2018-02-10',
      value: 30,
      items: [{ price: 25, freight: 5, category: 'cama', seller: 's1' }],
    },
    {
      id: 'o5',
      customer: 'Y',
      state: 'RJ',
      status: 'canceled',
      at: '2018-02-25',
      value: 999,
      items: [{ price: 999, category: 'cama', seller: 's1' }],
    },
    {
      id: 'o6',
      customer: 'W',
      state: 'MG',
      at: '2018-03-01',
      payments: [60, 60],
      items: [
        { price: 50, freight: 10, category: null, product: 'p_nocat', seller: 's3' },
        { price: 30, freight: 10, category: 'esporte', seller: 's2' },
      ],
      delivered: '2018-03-10',
      estimated: '2018-03-08',
      reviews: 2,
    },
    {
      id: 'o7',
      customer: 'W',
      state: 'MG',
      at: '2018-05-02',
      value: 10,
      items: [{ price: 10, category: 'cama', seller: 's1' }],
      delivered: '2018-05-05',
      estimated: '2018-05-10',
      reviews: 5,
    },
  ],
  sellers: [
    { id: 's1', state: 'SP' },
    { id: 's2', state: 'PR' },
    { id: 's3', state: 'MG' },
  ],
  translations: { cama: 'bed_bath_table', esporte: 'sports_leisure' },
};

/** The sales history the forecast screen sends: four weeks of daily sales for two stores, the same on every load. */
// A type, not an interface: it must fit the `JSONObject` scalar's index signature.
export type SalesRow = {
  date: string;
  store: string;
  sales: number;
};

export const STORES = ['A', 'B'] as const;

export function salesHistory(store: string, days = 28): SalesRow[] {
  const start = Date.UTC(2026, 0, 1);
  const base = store === 'A' ? 120 : 80;
  return Array.from({ length: days }, (_, i) => ({
    date: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
    store,
    // A weekly rhythm and a slow trend, so the chart has a shape.
    sales: Math.round(base + i * 1.5 + 15 * Math.sin((2 * Math.PI * i) / 7)),
  }));
}

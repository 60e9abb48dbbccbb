/**
 * A store's sales history and the Dataiku `sales-forecast` model's next steps, drawn with the band between its lowest
 * and highest quantiles.
 */
import { useMemo, useState } from 'react';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from 'urql';
import { graphql } from '../generated/index.js';
import { ErrorNotice } from '../errors/ErrorNotice.js';
import { STORES, salesHistory } from './history.js';

export const StoreForecast = graphql(`
  query WebStoreForecast($history: [JSONObject!]!) {
    forecast(endpointName: "sales-forecast", records: $history) {
      time
      value
      timeseriesIdentifier
      quantiles {
        level
        value
      }
    }
  }
`);

interface Point {
  date: string;
  sales?: number;
  forecast?: number;
  band?: [number, number];
}

export function ForecastScreen() {
  const [store, setStore] = useState<string>(STORES[0]);
  const history = useMemo(() => salesHistory(store), [store]);
  const [{ data, fetching, error }, refetch] = useQuery({ query: StoreForecast, variables: { history } });
  const points = useMemo<Point[]>(() => {
    const past: Point[] = history.map((row) => ({ date: row.date, sales: row.sales }));
    const last = past[past.length - 1];
    // The forecast line starts at the last known value, so the two lines join.
    if (last?.sales !== undefined) Object.assign(last, { forecast: last.sales, band: [last.sales, last.sales] });
    const future: Point[] = (data?.forecast ?? []).flatMap((step) => {
      if (step.value === null) return [];
      const levels = step.quantiles.filter((q) => q.value !== null).sort((a, b) => a.level - b.level);
      const low = levels[0]?.value ?? step.value;
      const high = levels[levels.length - 1]?.value ?? step.value;
      return [{ date: step.time.slice(0, 10), forecast: step.value, band: [low, high] }];
    });
    return [...past, ...future];
  }, [history, data]);
  const steps = data?.forecast?.length ?? 0;
  return (
    <section>
      <h2>Sales forecast</h2>
      <div className="toolbar">
        <label>
          Store{' '}
          <select value={store} onChange={(e) => setStore(e.target.value)}>
            {STORES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span data-testid="forecast-steps">{fetching ? 'Forecasting…' : `${steps} steps forecast after ${history.length} days`}</span>
      </div>
      {error ? <ErrorNotice error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} /> : null}
      <div style={{ width: '100%', height: 360, background: '#fff' }} data-testid="forecast-chart">
        <ResponsiveContainer>
          <ComposedChart data={points} margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="date" minTickGap={24} />
            <YAxis />
            <Tooltip />
            <Legend />
            <Area
              type="monotone"
              dataKey="band"
              name="quantile band"
              stroke="none"
              fill="#6ab0ff"
              fillOpacity={0.35}
              isAnimationActive={false}
            />
            <Line type="monotone" dataKey="sales" name="sales" stroke="#1d2330" dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="forecast" name="forecast" stroke="#0b63c5" strokeDasharray="5 3" isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}

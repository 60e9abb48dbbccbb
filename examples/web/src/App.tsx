import { useMemo, useState } from 'react';
import { Provider } from 'urql';
import { TokenField } from './auth/TokenField.js';
import { CivisScreen } from './civis/CivisScreen.js';
import { createAugurClient, saveToken, savedToken } from './client.js';
import { ContactsScreen } from './contacts/ContactsScreen.js';
import { ForecastScreen } from './forecast/ForecastScreen.js';

const SCREENS = {
  contacts: { title: 'Scored contacts', Screen: ContactsScreen },
  forecast: { title: 'Forecast', Screen: ForecastScreen },
  civis: { title: 'Civis job', Screen: CivisScreen },
} as const;
type ScreenName = keyof typeof SCREENS;

function initialScreen(): ScreenName {
  const hash = window.location.hash.slice(1);
  return hash in SCREENS ? (hash as ScreenName) : 'contacts';
}

export function App({ augurUrl }: { augurUrl: string }) {
  const [screen, setScreen] = useState<ScreenName>(initialScreen);
  const [token, setToken] = useState<string>(savedToken);
  // A new token makes a new client: the screens' operations run again with it, and open subscriptions start over.
  const client = useMemo(() => createAugurClient(augurUrl, token), [augurUrl, token]);
  const { Screen } = SCREENS[screen];
  return (
    <Provider value={client}>
      <header>
        <h1>Augur example</h1>
        <nav>
          {(Object.keys(SCREENS) as ScreenName[]).map((name) => (
            <a
              key={name}
              href={`#${name}`}
              aria-current={name === screen ? 'page' : undefined}
              onClick={() => setScreen(name)}
              data-testid={`nav-${name}`}
            >
              {SCREENS[name].title}
            </a>
          ))}
        </nav>
        <small>
          GraphQL: <code>{augurUrl}</code>
        </small>
        <TokenField
          token={token}
          onChange={(next) => {
            saveToken(next);
            setToken(next || savedToken());
          }}
        />
      </header>
      <main>
        <Screen />
      </main>
    </Provider>
  );
}

import { useState } from 'react';
import { CivisScreen } from './civis/CivisScreen.js';
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
  const { Screen } = SCREENS[screen];
  return (
    <>
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
      </header>
      <main>
        <Screen />
      </main>
    </>
  );
}

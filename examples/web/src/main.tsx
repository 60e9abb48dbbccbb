import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'urql';
import { App } from './App.js';
import { augurUrl, createAugurClient } from './client.js';
import './styles.css';

const url = augurUrl();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Provider value={createAugurClient(url)}>
      <App augurUrl={url} />
    </Provider>
  </StrictMode>,
);

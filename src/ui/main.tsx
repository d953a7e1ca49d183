import React from 'react';
import { createRoot } from 'react-dom/client';
import { SplunkThemeProvider } from '@splunk/themes';
import { App } from './components/app.js';

/** Entry of the configuration page bundle (appserver/static/config/page.js). */
function mount(): void {
  let root = document.getElementById('ta-ser-mail-config');
  if (!root) {
    root = document.createElement('div');
    root.id = 'ta-ser-mail-config';
    document.body.appendChild(root);
  }
  createRoot(root).render(
    <SplunkThemeProvider family="enterprise" colorScheme="light" density="comfortable">
      <App />
    </SplunkThemeProvider>,
  );
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount);
else mount();

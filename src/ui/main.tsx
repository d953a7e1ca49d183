import React from 'react';
import layout from '@splunk/react-page/18';
import { App } from './components/app.js';
import { userPageTheme } from './theme.js';

/**
 * Entry of the configuration page bundle (appserver/static/config/page.js). Splunk Web's
 * layout API (loaded by @splunk/react-page, as UCC-built pages do) draws the Splunk bar and
 * the app's navigation around the page, in the user's theme (light or dark).
 */
void userPageTheme().then((t) => layout(<App />, { pageTitle: 'Configuration - TA-ser-mail', hideFooter: true, layout: 'scrolling', ...t }));

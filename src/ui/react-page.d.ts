// @splunk/react-page ships no types; the part the page uses.
declare module '@splunk/react-page/18' {
  import type { ReactElement } from 'react';

  export interface LayoutOptions {
    pageTitle?: string;
    hideFooter?: boolean;
    hideAppBar?: boolean;
    hideSplunkBar?: boolean;
    hideChrome?: boolean;
    layout?: 'scrolling' | 'fixed';
    theme?: 'light' | 'dark';
    themeFamily?: 'enterprise' | 'prisma';
    themeDensity?: 'compact' | 'comfortable';
  }

  /** Renders `element` inside Splunk Web's own page layout (Splunk bar, app bar). */
  export default function layout(element: ReactElement, options?: LayoutOptions): void;
}

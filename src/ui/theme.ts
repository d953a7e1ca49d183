import { getThemeOptions, getUserTheme } from '@splunk/splunk-utils/themes';

/** The layout options that pick the page's colours (see @splunk/react-page). */
export interface PageTheme {
  theme: 'light' | 'dark';
  themeFamily: 'enterprise' | 'prisma';
}

export const LIGHT: PageTheme = { theme: 'light', themeFamily: 'enterprise' };

/**
 * The layout options for one of Splunk Web's theme names (`light`, `dark`, `enterprise`,
 * `enterpriseDark`, `prismaDark`, …), through splunk-utils' own table so a name Splunk adds
 * later falls back the way Splunk's pages do (enterprise light).
 */
export function pageThemeFor(name: string): PageTheme {
  const o = getThemeOptions(name) as { family?: string; colorScheme?: string };
  return { theme: o.colorScheme === 'dark' ? 'dark' : 'light', themeFamily: o.family === 'prisma' ? 'prisma' : 'enterprise' };
}

/**
 * The theme the signed-in user chose in Splunk Web (Account settings → Theme), read from
 * Splunk Web's theme API as UCC-built pages do. getUserTheme() never settles when that API's
 * promise rejects, so the wait is bounded: the page then opens in the light theme rather than
 * not at all.
 */
export function userPageTheme(waitMs = 5000): Promise<PageTheme> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(LIGHT), waitMs);
    const settle = (t: PageTheme) => {
      clearTimeout(timer);
      resolve(t);
    };
    getUserTheme().then(
      (name) => settle(pageThemeFor(name)),
      () => settle(LIGHT),
    );
  });
}

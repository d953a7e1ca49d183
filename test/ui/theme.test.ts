// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { LIGHT, pageThemeFor, userPageTheme } from '../../src/ui/theme.js';

/** Splunk Web's theme names → the layout options the page opens with. */
describe('page theme', () => {
  it('maps each of Splunk Web\'s theme names to its colour scheme and family', () => {
    expect(pageThemeFor('dark')).toEqual({ theme: 'dark', themeFamily: 'enterprise' });
    expect(pageThemeFor('enterpriseDark')).toEqual({ theme: 'dark', themeFamily: 'enterprise' });
    expect(pageThemeFor('light')).toEqual(LIGHT);
    expect(pageThemeFor('enterprise')).toEqual(LIGHT);
    expect(pageThemeFor('lite')).toEqual(LIGHT);
    expect(pageThemeFor('prismaDark')).toEqual({ theme: 'dark', themeFamily: 'prisma' });
    expect(pageThemeFor('prismaLight')).toEqual({ theme: 'light', themeFamily: 'prisma' });
  });

  it('opens in the light theme for a name it does not know', () => {
    expect(pageThemeFor('')).toEqual(LIGHT);
    expect(pageThemeFor('solarized')).toEqual(LIGHT);
  });
});

describe('user theme', () => {
  it('opens in the light theme when Splunk Web\'s theme API never answers', async () => {
    // jsdom loads no scripts, so get_theme.js never arrives: the wait must still end.
    await expect(userPageTheme(50)).resolves.toEqual(LIGHT);
  });
});

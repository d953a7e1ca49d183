import React from 'react';
import Heading from '@splunk/react-ui/Heading';
import Message from '@splunk/react-ui/Message';
import TabLayout from '@splunk/react-ui/TabLayout';
import useSplunkTheme from '@splunk/themes/useSplunkTheme';
import { isConfigured, markConfigured } from '../app-state.js';
import { SECTIONS, type Section } from '../sections.js';
import { CollectionTab } from './collection-tab.js';
import { StanzaTab } from './stanza-tab.js';

/**
 * The configuration page. While app.conf `[install] is_configured` is false Splunk Web opens
 * it instead of the app; the first successful save sets the flag through apps/local.
 */
export function App({ sections = SECTIONS }: { sections?: Section[] }): React.ReactElement {
  const [configured, setConfigured] = React.useState<boolean | undefined>();
  const [markError, setMarkError] = React.useState<string | undefined>();
  const [tab, setTab] = React.useState(sections[0]?.id ?? '');

  React.useEffect(() => {
    isConfigured().then(setConfigured, () => setConfigured(undefined));
  }, []);

  // Unknown (apps/local unreadable) counts as not configured: setting the flag twice is harmless,
  // never setting it leaves Splunk Web opening this page for good.
  const onSaved = React.useCallback(() => {
    if (configured === true) return;
    markConfigured().then(
      () => {
        setConfigured(true);
        setMarkError(undefined);
      },
      (e: unknown) => setMarkError(e instanceof Error ? e.message : String(e)),
    );
  }, [configured]);

  // Splunk Web's dark layout darkens the page around the content; the content's own
  // background follows the same theme so the two always match.
  const theme = useSplunkTheme() as { family?: string; backgroundColor?: string; backgroundColorPage?: string };
  const background = theme.family === 'prisma' ? theme.backgroundColorPage : theme.backgroundColor;

  return (
    <div data-page-background style={{ backgroundColor: background }}>
      <div style={{ padding: '16px 24px', maxWidth: 1200 }}>
        <Heading level={1}>TA-ser-mail configuration</Heading>
        {configured === false ? (
          <Message type="info" data-first-launch>
            Welcome. Add a SER account and an HEC destination (and the send service if you use the alert action), then save: the app opens normally from then on.
          </Message>
        ) : null}
        {markError ? (
          <Message type="warning" data-mark-error>
            {`Saved, but the app could not be marked as configured (${markError}), so Splunk Web still opens this page first. The next save tries again.`}
          </Message>
        ) : null}
        <TabLayout activePanelId={tab} onChange={(_e, d) => setTab(d.activePanelId ?? tab)}>
          {sections.map((s) => (
            <TabLayout.Panel key={s.id} label={s.title} panelId={s.id}>
              {s.kind === 'collection' ? <CollectionTab section={s} onSaved={onSaved} /> : <StanzaTab section={s} onSaved={onSaved} />}
            </TabLayout.Panel>
          ))}
        </TabLayout>
      </div>
    </div>
  );
}

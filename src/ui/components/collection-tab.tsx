import React from 'react';
import Button from '@splunk/react-ui/Button';
import Message from '@splunk/react-ui/Message';
import Paragraph from '@splunk/react-ui/Paragraph';
import Table from '@splunk/react-ui/Table';
import WaitSpinner from '@splunk/react-ui/WaitSpinner';
import { listStanzas, type Stanza } from '../conf-store.js';
import { isOn } from '../form-values.js';
import { deleteNamed } from '../save.js';
import { storedSecrets } from '../secret-store.js';
import { realmsOf, type CollectionSection } from '../sections.js';
import { storedFields } from '../stored-fields.js';
import { DeleteDialog } from './delete-dialog.js';
import { StanzaDialog } from './stanza-dialog.js';

export interface CollectionTabProps {
  section: CollectionSection;
  onSaved: () => void;
}

type Dialog = { kind: 'add' } | { kind: 'edit'; stanza: Stanza } | { kind: 'delete'; stanza: Stanza } | undefined;

/** A table of the named stanzas of one .conf file with add, edit and delete. */
export function CollectionTab({ section, onSaved }: CollectionTabProps): React.ReactElement {
  const [stanzas, setStanzas] = React.useState<Stanza[] | undefined>();
  const [stored, setStored] = React.useState<ReadonlySet<string>>(new Set());
  const [loadError, setLoadError] = React.useState<string | undefined>();
  const [notice, setNotice] = React.useState<string | undefined>();
  const [dialog, setDialog] = React.useState<Dialog>();
  const addRef = React.useRef<HTMLButtonElement | null>(null);
  // Where focus goes back to when a dialog closes. The dialogs are unmounted rather than
  // closed, so Modal's own returnFocus never runs: without this a keyboard user lands on the
  // top of the page after every save.
  const returnTo = React.useRef<HTMLElement | null>(null);
  const open = (d: NonNullable<Dialog>, back?: HTMLElement | null) => {
    returnTo.current = back ?? (document.activeElement instanceof HTMLElement ? document.activeElement : null);
    setDialog(d);
  };
  React.useEffect(() => {
    if (dialog !== undefined || !returnTo.current) return;
    const el = returnTo.current;
    returnTo.current = null;
    (el.isConnected ? el : addRef.current)?.focus();
  }, [dialog]);

  const load = React.useCallback(async () => {
    try {
      const [list, secrets] = await Promise.all([listStanzas(section.file), storedSecrets(realmsOf(section))]);
      setStanzas(list.sort((a, b) => a.name.localeCompare(b.name)));
      setStored(secrets);
      setLoadError(undefined);
    } catch (e) {
      setLoadError(`Could not read ${section.file}.conf: ${(e as Error).message}`);
    }
  }, [section]);

  React.useEffect(() => {
    void load();
  }, [load]);

  const secretKeys = section.fields.filter((f) => f.secret).map((f) => f.key);
  const label = (key: string) => section.fields.find((f) => f.key === key)?.label ?? key;
  const cell = (key: string, value: string | undefined) => {
    const f = section.fields.find((x) => x.key === key);
    // Comma lists (HEC URLs) read the same however the .conf spaced them.
    if (f?.kind !== 'boolean') return (value ?? '').split(',').map((x) => x.trim()).join(', ');
    return isOn(value, f.default === true) ? 'Yes' : 'No';
  };
  const close = () => setDialog(undefined);
  const saved = (message: string, wroteSettings: boolean) => {
    close();
    setNotice(message);
    if (wroteSettings) onSaved();
    void load();
  };

  return (
    <div data-section={section.id}>
      <Paragraph>{section.intro}</Paragraph>
      {loadError ? <Message type="error">{loadError}</Message> : null}
      {notice ? (
        <Message type="success" role="status">
          {notice}
        </Message>
      ) : null}
      <div style={{ margin: '12px 0' }}>
        <Button appearance="primary" label={`Add ${section.noun}`} onClick={() => open({ kind: 'add' })} elementRef={addRef} data-action="add" />
      </div>
      {stanzas === undefined && !loadError ? <WaitSpinner size="medium" /> : null}
      {stanzas !== undefined ? (
        <Table stripeRows>
          <Table.Head>
            <Table.HeadCell>Name</Table.HeadCell>
            {section.columns.map((c) => (
              <Table.HeadCell key={c}>{label(c)}</Table.HeadCell>
            ))}
            {secretKeys.map((k) => (
              <Table.HeadCell key={k}>{label(k)}</Table.HeadCell>
            ))}
            <Table.HeadCell>Actions</Table.HeadCell>
          </Table.Head>
          <Table.Body>
            {stanzas.length === 0 ? (
              <Table.Row>
                <Table.Cell>No {section.noun} yet.</Table.Cell>
              </Table.Row>
            ) : null}
            {stanzas.map((s) => {
              const have = storedFields(section, stored, s.name);
              return (
                <Table.Row key={s.name} data-row={s.name}>
                  <Table.Cell>{s.name}</Table.Cell>
                  {section.columns.map((c) => (
                    <Table.Cell key={c}>{cell(c, s.values[c])}</Table.Cell>
                  ))}
                  {secretKeys.map((k) => (
                    <Table.Cell key={k} data-secret-cell={k}>
                      {have.has(k) ? 'Stored' : 'Not set'}
                    </Table.Cell>
                  ))}
                  <Table.Cell>
                    <div style={{ display: 'flex', gap: 8 }}>
                    <Button appearance="secondary" label="Edit" aria-label={`Edit ${s.name}`} onClick={() => open({ kind: 'edit', stanza: s })} />
                    <Button appearance="destructiveSecondary" label="Delete" aria-label={`Delete ${s.name}`} onClick={() => open({ kind: 'delete', stanza: s }, addRef.current)} />
                    </div>
                  </Table.Cell>
                </Table.Row>
              );
            })}
          </Table.Body>
        </Table>
      ) : null}
      {dialog?.kind === 'add' || dialog?.kind === 'edit' ? (
        <StanzaDialog
          section={section}
          stanza={dialog.kind === 'edit' ? dialog.stanza : undefined}
          storedKeys={dialog.kind === 'edit' ? storedFields(section, stored, dialog.stanza.name) : new Set()}
          taken={(stanzas ?? []).map((s) => s.name)}
          returnFocus={addRef}
          onCancel={() => {
            // A dialog closed after a partial save may have created the stanza: show it.
            close();
            void load();
          }}
          onSaved={(name) => saved(`Saved ${section.noun} ${name}.`, true)}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <DeleteDialog
          title={`Delete ${section.noun} ${dialog.stanza.name}?`}
          body={`The stanza is removed from ${section.file}.conf and its stored secrets from storage/passwords. Inputs or alerts that name it stop working.`}
          returnFocus={addRef}
          onCancel={close}
          onConfirm={async () => {
            await deleteNamed(section, dialog.stanza.name);
            saved(`Deleted ${section.noun} ${dialog.stanza.name}.`, false);
          }}
        />
      ) : null}
    </div>
  );
}

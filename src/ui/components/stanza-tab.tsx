import React from 'react';
import Button from '@splunk/react-ui/Button';
import Message from '@splunk/react-ui/Message';
import Paragraph from '@splunk/react-ui/Paragraph';
import WaitSpinner from '@splunk/react-ui/WaitSpinner';
import { getStanza } from '../conf-store.js';
import { initialValues, validate, type FormErrors, type FormValues } from '../form-values.js';
import { saveStanza } from '../save.js';
import { storedSecrets } from '../secret-store.js';
import { realmsOf, type StanzaSection } from '../sections.js';
import { storedFields } from '../stored-fields.js';
import { StanzaForm } from './stanza-form.js';

export interface StanzaTabProps {
  section: StanzaSection;
  onSaved: () => void;
}

interface Loaded {
  exists: boolean;
  previous: Record<string, string>;
  storedKeys: ReadonlySet<string>;
}

/** One fixed stanza (proxy, logging) edited in place. */
export function StanzaTab({ section, onSaved }: StanzaTabProps): React.ReactElement {
  const [loaded, setLoaded] = React.useState<Loaded | undefined>();
  const [values, setValues] = React.useState<FormValues>({});
  const [errors, setErrors] = React.useState<FormErrors>({});
  const [tried, setTried] = React.useState(false);
  const [status, setStatus] = React.useState<{ type: 'error' | 'success'; text: string } | undefined>();
  const [saving, setSaving] = React.useState(false);

  const load = React.useCallback(async () => {
    try {
      const [stanza, secrets] = await Promise.all([getStanza(section.file, section.stanza), storedSecrets(realmsOf(section))]);
      const previous = stanza?.values ?? {};
      setLoaded({ exists: Boolean(stanza), previous, storedKeys: storedFields(section, secrets, section.stanza) });
      setValues(initialValues(section.fields, previous));
    } catch (e) {
      setStatus({ type: 'error', text: `Could not read ${section.file}.conf [${section.stanza}]: ${(e as Error).message}` });
    }
  }, [section]);

  React.useEffect(() => {
    void load();
  }, [load]);

  if (!loaded) return status ? <Message type={status.type}>{status.text}</Message> : <WaitSpinner size="medium" />;

  const change = (key: string, value: string | boolean) => {
    const next = { ...values, [key]: value };
    setValues(next);
    if (tried) setErrors(validate(section.schema, section.fields, next, loaded.storedKeys));
  };
  const submit = async () => {
    setTried(true);
    const found = validate(section.schema, section.fields, values, loaded.storedKeys);
    setErrors(found);
    setStatus(undefined);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      await saveStanza(section, values, {
        name: section.stanza,
        isNew: !loaded.exists,
        previous: loaded.previous,
        storedKeys: loaded.storedKeys,
        // A secret failing after the stanza went in: the next Save edits it.
        onCreated: () => setLoaded((l) => (l ? { ...l, exists: true } : l)),
      });
      setStatus({ type: 'success', text: `Saved ${section.title.toLowerCase()} settings.` });
      onSaved();
      await load();
    } catch (e) {
      setStatus({ type: 'error', text: `Not saved: ${(e as Error).message}` });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      data-section={section.id}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Paragraph>{section.intro}</Paragraph>
      {status ? (
        <Message type={status.type} role="status">
          {status.text}
        </Message>
      ) : null}
      <div style={{ marginTop: 16 }}>
        <StanzaForm fields={section.fields} primary={section.primary} values={values} errors={errors} stored={loaded.storedKeys} idPrefix={section.id} onChange={change} />
      </div>
      <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      <div style={{ marginTop: 16, marginLeft: 212 }}>
        <Button appearance="primary" label={saving ? 'Saving…' : 'Save'} disabled={saving} onClick={() => void submit()} data-action="save" />
      </div>
    </form>
  );
}
